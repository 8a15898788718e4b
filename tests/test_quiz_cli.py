"""``python -m quiz``: selectors, outputs, messages, and the same quiz for the same seed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quiz.__main__ import main
from quiz.select import Selection, select_clauses
from tests.exam_readers import read_wjx

REPO = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "quiz", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_same_seed_gives_the_same_quiz_whatever_the_hash_seed(tmp_path: Path) -> None:
    args = ["--n", "25", "--seed", "9", "--out", "quiz.json"]
    outputs = []
    for hash_seed in ("1", "2024"):
        folder = tmp_path / hash_seed
        folder.mkdir()
        result = _run(args, folder, hash_seed)
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads((folder / "quiz.json").read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]
    assert outputs[0]["count"] == 25


def test_selectors_and_several_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, docx = tmp_path / "q.xlsx", tmp_path / "q.docx"
    code = main(
        [
            "--province",
            "青海",
            "--year",
            "2020",
            "--doc",
            "qinghai-2020",
            "--section",
            "四",
            "--n",
            "8",
            "--types",
            "cloze,choice,judge",
            "--seed",
            "1",
            "--out",
            str(xlsx),
            "--out",
            str(docx),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "8 questions" in out and "province=青海" in out and f"wrote {xlsx}" in out
    assert docx.exists()
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))[1:]
    assert len(rows) == 8
    assert {r[0] for r in rows} <= {"填空题", "单选题", "判断题"}
    assert all("青海省·2020年·四、" in r[8] for r in rows)  # every citation is from section 四


def test_ids_select_exact_clauses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from corpus.loader import load_corpus

    body = select_clauses(load_corpus().clauses, Selection(docs=("zhejiang-2021",)))
    wanted = [body[3].id, body[4].id]
    out = tmp_path / "q.json"
    assert main(["--ids", ",".join(wanted), "--n", "10", "--out", str(out)]) == 0
    questions = json.loads(out.read_text(encoding="utf-8"))["questions"]
    assert questions and {q["clause_id"] for q in questions} <= set(wanted)


def test_without_out_the_questions_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--doc", "henan-2023", "--n", "3", "--types", "source"]) == 0
    out = capsys.readouterr().out
    assert "1. [出处题" in out and "answer:" in out and "【河南省·2023年·" in out


def test_nothing_selected_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--province", "青海", "--year", "2021"]) == 1
    assert "No clauses match" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--out", "quiz.pdf"])
    assert exit_info.value.code == 2
    assert "unsupported output" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--out", "quiz.txt", "--format", "moodle"])
    assert "moodle" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--types", "cloze,essay"])
    assert "essay" in capsys.readouterr().err


@pytest.mark.model
def test_query_selects_the_clauses_the_retriever_finds(default_retriever, tmp_path: Path) -> None:
    chosen = select_clauses(
        default_retriever.clauses, Selection(query="消防", provinces=("青海",)), default_retriever
    )
    assert chosen and all(c.province == "青海省" for c in chosen)
    assert any("消防" in c.text_norm for c in chosen)


@pytest.mark.model
def test_cli_query_uses_the_given_index(default_retriever, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(default_retriever.backend.folder, index)
    result = _run(
        [
            "--query",
            "危化品",
            "--province",
            "浙江",
            "--n",
            "5",
            "--index",
            str(index),
            "--out",
            "q.json",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    questions = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))["questions"]
    assert questions and all(q["province"] == "浙江省" for q in questions)


def test_the_law_quiz_of_the_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, txt = tmp_path / "q.xlsx", tmp_path / "q.txt"
    args = ["--laws", "安全生产法", "--n", "30", "--types", "cloze,choice,multi,judge,source"]
    assert main([*args, "--seed", "3", "--out", str(xlsx), "--out", str(txt)]) == 0
    out = capsys.readouterr()
    assert "30 questions" in out.out and f"wrote {txt} (wjx)" in out.out
    assert "dropped" not in out.err
    questions = read_wjx(txt)
    assert len(questions) == 30
    assert all(q.citation.startswith("【《中华人民共和国安全生产法》第") for q in questions)
    multis = [q for q in questions if q.kind == "多选题"]
    assert len(multis) >= 5 and all("下列哪些" in q.stem for q in multis)
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))[1:]
    assert [r[8] for r in rows] == [q.citation for q in questions]


def test_a_mixed_quiz_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.json"
    mix = ["--mix", "laws=安全生产法;chapter=第六章;n=6", "--mix", "province=青海;n=4"]
    assert main([*mix, "--seed", "2", "--out", str(out)]) == 0
    questions = json.loads(out.read_text(encoding="utf-8"))["questions"]
    laws = [q for q in questions if q["citation"].startswith("【《中华人民共和国安全生产法》")]
    assert len(laws) == 6 and len(questions) == 10
    assert all(q["citation"].startswith("【青海省·") for q in questions if q not in laws)
    with pytest.raises(SystemExit):
        main(["--mix", "colour=red"])
    assert "colour" in capsys.readouterr().err
