"""``python -m corpus``: the table, ``show`` and ``export``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ROOT / "corpus" / "documents"


def test_table_lists_every_document_with_its_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = lines[0].split()
    for column in ("file", "province", "year", "clauses", "items", "flags", "metadata"):
        assert column in header
    qinghai = next(line for line in lines if line.startswith("qinghai-2020"))
    cells = qinghai.split()
    assert cells[2:4] == ["青海省", "2020"]
    assert cells[header.index("items")] == "44"
    henan = next(line for line in lines if line.startswith("henan-2023")).split()
    assert int(henan[header.index("points")]) >= 8  # 一是…四是 and 一要…四要
    zhejiang = next(line for line in lines if line.startswith("zhejiang-2021"))
    assert "mojibake-repaired" in zhejiang and "web metadata" in zhejiang
    yunnan = next(line for line in lines if line.startswith("yunnan-2019"))
    assert "duplicate block" in yunnan
    assert "5 documents" in out


def test_table_reports_load_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(DOCUMENTS / "sichuan-2018-yingjiting-jianbao-2.txt", tmp_path / "a.txt")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    assert main(["--dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "a.txt" in captured.out
    assert "b.pdf" in captured.err


def test_show_prints_the_clause_and_its_neighbours(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "qinghai-2020:4-22"]) == 0
    out = capsys.readouterr().out
    assert "【青海省·2020年·四、第22项】" in out
    assert "四、深入开展安全生产专项治理" in out
    assert "22.扎实开展安全生产专项整治行动" in out
    assert "[previous] qinghai-2020:3-21" in out
    assert "[next] qinghai-2020:4-23" in out


def test_show_unknown_id_fails_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "qinghai-2020:9-99"]) == 1
    assert "unknown clause id" in capsys.readouterr().err


def test_bad_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dir", str(tmp_path / "missing")]) == 1
    assert "not a folder" in capsys.readouterr().err


def test_export_writes_beir_corpus(tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus.jsonl"
    assert main(["export", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [r["_id"] for r in records]
    assert len(ids) == len(set(ids))
    item = next(r for r in records if r["_id"] == "qinghai-2020:4-22")
    assert item["title"] == "青海省安全生产委员会2020年工作要点"
    assert item["text"].startswith("22.扎实开展安全生产专项整治行动")
    assert item["metadata"] == {
        "province": "青海省",
        "year": 2020,
        "item": "四、第22项",
        "citation": "【青海省·2020年·四、第22项】",
        "path": "四、深入开展安全生产专项治理",
        "kind": "item",
        "doc_id": "qinghai-2020",
        "status": "现行有效",
        "national": False,
    }
    law = next(r for r in records if r["_id"] == "law:安全生产法@2021-06-10:21")
    assert law["metadata"]["citation"] == "【《中华人民共和国安全生产法》第二十一条】"
    assert law["metadata"]["national"] is True
    assert [p.name for p in out.parent.iterdir()] == ["corpus.jsonl"]  # no temp file left
    plain = out.parent / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    assert out.stat().st_mode == plain.stat().st_mode  # readable like any file, not 0600


def test_export_from_an_empty_folder_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    (tmp_path / "docs").mkdir()
    assert main(["export", "--out", str(out), "--dir", str(tmp_path / "docs")]) == 1
    assert not out.exists()


def test_runs_as_a_module(tmp_path: Path) -> None:
    shutil.copyfile(
        DOCUMENTS / "henan-2023-anquan-shengchan-shipin-huiyi.txt", tmp_path / "henan.txt"
    )
    result = subprocess.run(
        [sys.executable, "-m", "corpus", "show", "henan:p3-2", "--dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "二是重大隐患排查整治要精细化" in result.stdout


def test_laws_option_lists_the_chosen_laws_and_refuses_unknown_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--laws", "消防法"]) == 0
    out = capsys.readouterr().out
    assert "中华人民共和国消防法" in out and "1 laws, 74 clauses" in out
    assert "安全生产法" not in out
    assert main(["--laws", "none"]) == 0
    assert "laws," not in capsys.readouterr().out
    main(["--laws", "消防发"])
    assert "did you mean 消防法" in capsys.readouterr().err
