"""Fuzz at scale: the hypothesis fuzz of search, the chat handler and the API, counted.

    .venv/bin/python bench/fuzz.py [--examples 10000] [--index DIR] [--seed 0]
        [--out bench/results/fuzz.json]

The test suite (tests/test_robustness_queries.py, tests/test_page_inputs.py) keeps a small,
fast profile; this script runs the same kind of inputs — random Unicode, control characters,
emoji, 10,000-character pastes, HTML and SQL, and for the API any JSON value in any argument
(numbers as the question, a string as the provinces, ``k = "5"``…) — ``--examples`` times in
all, split over three targets against the real retriever:

- ``search``: ``Retriever.search`` answers or refuses with a ``ValueError``;
- ``handler``: ``page.handlers.ask`` always returns a turn (answer or message) that draws;
- ``api``: ``page.handlers.search_api`` returns JSON or raises ``InputError``.

Counted, never stopped at: **crashes** (any other exception) and **raw Python messages**
(a message a user of the page or API would read that is not the page's Chinese, e.g. an
English ``ValueError`` text or ``'int' object has no attribute 'strip'``). Both should be 0.
Prints a table and writes ``bench/results/fuzz.json`` with samples of what failed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, table, write_json
from page import handlers
from page.conversation import Conversation
from page.inputs import InputError
from tests.test_robustness_queries import WORDS, queries

RESULTS = RESULTS_DIR / "fuzz.json"
#: Signs that a message is Python's, not the page's.
PYTHON_SIGNS = re.compile(
    r"Traceback|object has no attribute|NoneType|Error\b|invalid literal|not supported|"
    r"unknown province|must be a|got \w|argument|unhashable|subscriptable|iterable"
)
CJK = re.compile(r"[\u4e00-\u9fff]")
SPLIT = {"search": 0.35, "handler": 0.25, "api": 0.40}

junk = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=True),
    st.text(max_size=20), st.binary(max_size=8).map(lambda b: b.decode("latin-1")),
    st.lists(st.one_of(st.integers(), st.text(max_size=6), st.none(), st.floats()), max_size=4),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)  # fmt: skip


def raw_message(text: str) -> bool:
    """Whether ``text`` reads as a Python error rather than one of the page's sentences."""
    return bool(PYTHON_SIGNS.search(text)) or not CJK.search(text)


class Counter:
    """Examples run, crashes and raw messages per target, with a few samples of each."""

    def __init__(self) -> None:
        self.runs: dict[str, int] = {k: 0 for k in SPLIT}
        self.crashes: dict[str, list[str]] = {k: [] for k in SPLIT}
        self.raw: dict[str, list[str]] = {k: [] for k in SPLIT}
        self.refused: dict[str, int] = {k: 0 for k in SPLIT}

    def crash(self, target: str, value: Any) -> None:
        self.crashes[target].append(f"{value!r:.120} → {traceback.format_exc(limit=2)[-300:]}")

    def message(self, target: str, text: str, value: Any) -> None:
        self.refused[target] += 1
        if raw_message(text):
            self.raw[target].append(f"{value!r:.120} → {text[:200]}")


def fuzz(retriever: Any, examples: int, counter: Counter) -> None:
    def profile(n: int) -> settings:
        return settings(
            max_examples=n, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip

    @profile(int(examples * SPLIT["search"]))
    @given(query=queries, k=st.integers(1, 50))
    def search(query: str, k: int) -> None:
        counter.runs["search"] += 1
        try:
            retriever.search(query, k=k).to_json()
        except ValueError as error:  # the retriever's own refusal (English is fine for the CLI)
            counter.refused["search"] += 1
            if not str(error).strip():
                counter.crashes["search"].append(f"{query!r:.120} → empty ValueError")
        except Exception:
            counter.crash("search", query)

    known = list(retriever.provinces())
    provinces = st.one_of(
        st.just([]), st.lists(st.sampled_from(known), max_size=3), st.sampled_from(known), junk
    )
    years = st.one_of(
        st.just([]), st.lists(st.integers(1940, 2110), max_size=3), st.integers(1900, 2200), junk
    )
    k = st.one_of(st.integers(1, 50), st.integers(1, 50), junk)
    # Questions with words of the corpus, so the answering path is fuzzed as much as refusals.
    worded = st.tuples(st.sampled_from(WORDS), st.text(max_size=30)).map("".join)

    @profile(int(examples * SPLIT["handler"]))
    @given(text=st.one_of(worded, queries, junk), provinces=provinces, years=years, k=k)
    def handler(text: Any, provinces: Any, years: Any, k: Any) -> None:
        counter.runs["handler"] += 1
        try:
            conversation = handlers.ask(retriever, Conversation(), text, provinces, years, k)
            turn = conversation.turns[-1]
            handlers.chat_messages(conversation)
            if turn.result is None:
                counter.message("handler", turn.notice, (text, provinces, years, k))
        except Exception:
            counter.crash("handler", (text, provinces, years, k))

    @profile(int(examples * SPLIT["api"]))
    @given(query=st.one_of(worded, queries, junk), provinces=provinces, years=years, k=k)
    def api(query: Any, provinces: Any, years: Any, k: Any) -> None:
        counter.runs["api"] += 1
        try:
            handlers.search_api(retriever, query, provinces, years, k)
        except InputError as error:
            counter.message("api", str(error), (query, provinces, years, k))
        except Exception:
            counter.crash("api", (query, provinces, years, k))

    for target in (search, handler, api):
        started = time.perf_counter()
        target()
        print(f"{target.__name__}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def load_retriever(index: Path | None, *, fake: bool) -> Any:
    """The real retriever, or the default corpus over the fake encoder in a temp folder."""
    from retriever import Retriever

    if not fake:
        return Retriever.load(index, progress=False, log=lambda message: None)
    import tempfile

    from corpus.loader import load_corpus
    from index.store import open_index
    from tests.index_fakes import FakeEncoder

    corpus = load_corpus()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-index-")) / "index"
    backend = open_index(folder, corpus, FakeEncoder(), progress=False, log=lambda m: None)
    return Retriever(backend, FakeEncoder(), corpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="in all three targets")
    parser.add_argument("--index", type=Path, default=None, help="index folder")
    parser.add_argument(
        "--fake-encoder", action="store_true",
        help="the default corpus indexed with the tests' fake encoder: everything but the "
        "model, ~100× faster (run a smaller fuzz without it for the model's tokenizer)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    retriever = load_retriever(args.index, fake=args.fake_encoder)
    counter = Counter()
    started = time.perf_counter()
    fuzz(retriever, args.examples, counter)
    elapsed = time.perf_counter() - started
    report = {
        "examples": sum(counter.runs.values()),
        "crashes": sum(len(v) for v in counter.crashes.values()),
        "raw_python_messages": sum(len(v) for v in counter.raw.values()),
        "per_target": {
            t: {
                "examples": counter.runs[t],
                "refused_with_a_message": counter.refused[t],
                "crashes": len(counter.crashes[t]),
                "raw_python_messages": len(counter.raw[t]),
                "crash_samples": counter.crashes[t][:5],
                "raw_samples": counter.raw[t][:5],
            }
            for t in SPLIT
        },
        "encoder": "fake (tests.index_fakes.FakeEncoder)" if args.fake_encoder else "real",
        "elapsed_s": round(elapsed, 1),
        "machine": machine_info(),
        "measured_at": now_utc(),
    }
    rows = [[t, f["examples"], f["refused_with_a_message"], f["crashes"], f["raw_python_messages"]]
            for t, f in report["per_target"].items()]  # fmt: skip
    print(table(rows, ["target", "examples", "refused", "crashes", "raw Python messages"]))
    for target in report["per_target"].values():
        for sample in target["crash_samples"] + target["raw_samples"]:
            print(f"  {sample}")
    write_json(args.out, report)
    print(f"{report['examples']} examples in {elapsed:.0f} s; written to {args.out}")
    return 0 if report["crashes"] == 0 and report["raw_python_messages"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
