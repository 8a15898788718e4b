"""Nothing is lost when the index is damaged, a build is killed, or a rebuild runs under load.

Complements tests/test_index_store.py (which covers a truncated ``vectors.npy``, a garbage
``faiss.index``, a manifest from another model, a missing clause store and a build that
fails by exception): here every lexical file and a half-written clause store are damaged,
a build process is killed with SIGKILL at two points, and searches keep running while the
same folder is rebuilt. The fake encoder keeps every test to a second or two.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from corpus.clause import Corpus
from index.store import LocalIndex, open_index
from retriever import Retriever
from tests.index_fakes import FakeEncoder, make_corpus, make_doc_clauses

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ("百吨王超载整治", "危险化学品安全", "150座隧道", "应急管理数字化", "消防安全专项整治")
NEW_DOC_TEXTS = ["开展矿山救护队标准化建设，年内完成河南全省矿山救护队达标验收。"]


class Log(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


def answers(retriever: Retriever) -> list[list[str]]:
    return [[h.clause.id for h in retriever.search(q, k=5).hits] for q in QUERIES]


def build(folder: Path, corpus: Corpus | None = None) -> LocalIndex:
    return open_index(folder, corpus or make_corpus(), FakeEncoder(), progress=False, log=Log())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(7).bytes(max(16, path.stat().st_size)))


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("lexical/data.csc.index.npy", truncate),
        ("lexical/indices.csc.index.npy", garbage),
        ("lexical/indptr.csc.index.npy", truncate),
        ("lexical/vocab.index.json", garbage),
        ("lexical/params.index.json", truncate),
        ("lexical/segmenter.json", garbage),
        ("clauses.jsonl", truncate),
        ("dense/vectors.npy", garbage),
    ],
)
def test_damaged_file_is_named_in_one_line_and_the_index_rebuilt(tmp_path, name, damage):
    folder = tmp_path / "index"
    encoder = FakeEncoder()
    expected = answers(Retriever(build(folder), encoder))
    damage(folder / name)

    log = Log()
    repaired = open_index(folder, make_corpus(), encoder, progress=False, log=log)

    assert len(log) >= 1 and Path(name).name in log[0] and "rebuilding" in log[0], log
    assert repaired.embedded == len(make_corpus().clauses)
    assert answers(Retriever(repaired, encoder)) == expected
    quiet = Log()
    open_index(folder, make_corpus(), FakeEncoder(), progress=False, log=quiet)
    assert quiet == [], "the repaired folder must load as sound"


#: A child process that rebuilds the index and stops at ``{hook}`` until it is killed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    import index.store as store
    from tests.index_fakes import FakeEncoder, make_corpus

    marker = Path({marker!r})

    def hang(*args, **kwargs):
        marker.write_text("reached")
        time.sleep(600)

    class HangingEncoder(FakeEncoder):
        def encode_passages(self, texts, *, progress=False):
            hang()

    encoder = FakeEncoder()
    if {hook!r} == "embedding":
        encoder = HangingEncoder()
    else:
        store.swap_in = hang
    store.open_index(Path({folder!r}), make_corpus(), encoder, force=True, progress=False,
                     log=lambda message: None)
    """
)


@pytest.mark.parametrize("hook", ["embedding", "swap_in"])
def test_build_killed_with_sigkill_leaves_the_previous_index_in_service(tmp_path, hook):
    """Killed while embedding (lock held) or with the new folder fully written but not yet
    swapped in: the old folder is byte-for-byte intact, loads without a rebuild, and the
    dead build's temporary folder and lock do not get in the way."""
    folder = tmp_path / "index"
    encoder = FakeEncoder()
    expected = answers(Retriever(build(folder), encoder))
    before = snapshot(folder)
    marker = tmp_path / "reached"
    script = CHILD.format(root=str(ROOT), marker=str(marker), hook=hook, folder=str(folder))
    child = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "the build process died before the kill point"
            assert time.monotonic() < deadline, "the build process never reached the kill point"
            time.sleep(0.05)
        if hook == "swap_in":
            assert list(tmp_path.glob(".index.tmp-*")), "the new folder should exist, unswapped"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    assert snapshot(folder) == before
    log = Log()
    reopened = open_index(folder, make_corpus(), FakeEncoder(), progress=False, log=log)
    assert log == [] and reopened.embedded == 0
    assert answers(Retriever(reopened, encoder)) == expected
    assert not list(tmp_path.glob(".index.tmp-*")), "the dead build's temporary folder is cleaned"


class GatedEncoder(FakeEncoder):
    """Embeds only after ``gate`` is set: holds a rebuild open until searches have run."""

    def __init__(self, gate: threading.Event):
        super().__init__()
        self.gate = gate

    def encode_passages(self, texts, *, progress: bool = False):
        assert self.gate.wait(60), "no search ran during the rebuild"
        return super().encode_passages(texts, progress=progress)


def test_searches_during_a_rebuild_answer_from_the_old_index(tmp_path):
    folder = tmp_path / "index"
    encoder = FakeEncoder()
    serving = Retriever(build(folder), encoder)
    expected = answers(serving)

    rebuilding, searched_during_rebuild, stop = (
        threading.Event(),
        threading.Event(),
        threading.Event(),
    )
    seen: list[list[list[str]]] = []
    errors: list[BaseException] = []

    def keep_searching() -> None:
        rounds_during_rebuild = 0
        while not stop.is_set():
            try:
                seen.append(answers(serving))
            except BaseException as error:  # any failure is the finding
                errors.append(error)
                return
            if rebuilding.is_set():
                rounds_during_rebuild += 1
                if rounds_during_rebuild >= 3:
                    searched_during_rebuild.set()

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    grown = Corpus(make_corpus().clauses + tuple(make_doc_clauses("henan-2023", NEW_DOC_TEXTS)))
    try:
        rebuilding.set()
        rebuilt = open_index(
            folder,
            grown,
            GatedEncoder(searched_during_rebuild),
            force=True,
            progress=False,
            log=Log(),
        )
        after_swap = len(seen)
        while len(seen) < after_swap + 2 and searcher.is_alive():
            time.sleep(0.01)
    finally:
        stop.set()
        searcher.join(30)

    assert errors == []
    assert searched_during_rebuild.is_set()
    assert all(round_ == expected for round_ in seen), "the serving retriever changed answers"
    fresh = Retriever(rebuilt, encoder)
    assert fresh.search("矿山救护队", k=1).hits[0].clause.doc.doc_id == "henan-2023"
    assert all(h.clause.doc.doc_id != "henan-2023" for h in serving.search("矿山救护队").hits)


def test_a_damaged_index_in_a_read_only_place_fails_before_embedding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "index"
    build(folder)
    (folder / "dense" / "faiss.index").write_bytes(b"garbage")

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr("index.folder.tempfile.mkstemp", read_only)  # what a ro mount does
    encoder, log = FakeEncoder(), Log()
    with pytest.raises(OSError, match=r"is not writable .*nothing was embedded"):
        open_index(folder, make_corpus(), encoder, progress=False, log=log)
    assert encoder.passages == []  # failed before any clause was embedded
    assert any("corrupted" in line for line in log)
