"""The command line, run as a subprocess over a one-document corpus and an index in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.index_fakes import one_document_corpus

REPO = Path(__file__).resolve().parents[1]
HIT_KEYS = {
    "rank", "score", "clause_id", "province", "year", "item", "citation", "title", "path", "text",
}  # fmt: skip


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "retriever", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus folder holding only the 四川 简报, and its index built by the CLI."""
    root = tmp_path_factory.mktemp("tiny")
    corpus = one_document_corpus(root / "corpus")
    index = root / "index"
    built = cli("build", "--index", index, "--corpus", corpus)
    assert built.returncode == 0, built.stderr
    assert "index ready" in built.stderr and built.stdout == ""
    return corpus, index


@pytest.mark.model
def test_batch_prints_one_contract_line_per_query(tiny, tmp_path):
    corpus, index = tiny
    queries = tmp_path / "queries.jsonl"
    lines = [
        {"id": "q1", "query": "授旗仪式"},
        {"id": "q2", "query": "应急救援队伍", "province": "四川"},
        {"id": "q3", "query": "安全生产检查", "year": 2018},
    ]
    queries.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    run = cli(
        "search", "--queries", queries, "--k", "3", "--json", "--index", index, "--corpus", corpus
    )
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["q1", "q2", "q3"]
    for obj, line in zip(out, lines, strict=True):
        assert obj["query"] == line["query"]
        assert set(obj["filters"]) >= {"province", "year", "detected"}
        assert 1 <= len(obj["hits"]) <= 3
        for rank, hit in enumerate(obj["hits"], start=1):
            assert set(hit) >= HIT_KEYS
            assert hit["rank"] == rank
            assert hit["citation"].startswith("【四川省·2018年·")
    assert out[1]["filters"]["province"] == ["四川省"]
    assert out[2]["filters"]["year"] == [2018]


@pytest.mark.model
def test_single_query_json_and_table(tiny):
    corpus, index = tiny
    run = cli("search", "四川授旗仪式", "--k", "2", "--json", "--index", index, "--corpus", corpus)
    assert run.returncode == 0, run.stderr
    (line,) = run.stdout.splitlines()
    obj = json.loads(line)
    assert obj["query"] == "四川授旗仪式"
    assert obj["filters"]["detected"] == ["四川省"]
    assert len(obj["hits"]) == 2
    table = cli("search", "授旗仪式", "--k", "1", "--index", index, "--corpus", corpus)
    assert table.returncode == 0, table.stderr
    assert "【四川省·2018年·" in table.stdout


@pytest.mark.parametrize("question", ["", "？？？"])
def test_empty_question_is_refused_with_a_message(question, tmp_path):
    run = cli("search", question, "--json", "--index", tmp_path / "never-built")
    assert run.returncode == 2
    assert "empty" in run.stderr
    assert run.stdout == ""
    assert not (tmp_path / "never-built").exists()
