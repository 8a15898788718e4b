"""Reply size, session size and latency of the chat over 200 turns: flat, not growing.

    .venv/bin/python bench/chat_turns.py [--turns 200]

Each turn goes the page's way (``handlers.ask`` then ``handlers.chat_messages``, what the
ask event returns) over a real ``Retriever`` on the default corpus. The index is built in a
temporary folder with a hashed-character encoder, so no model is loaded: the figures are
about the chat's state and reply, not about embedding. Two runs: ``capped`` (the default,
the last ``POLICY_QA_MAX_CHAT_TURNS`` = 20 turns kept) and ``uncapped`` (every turn kept,
as the page did before; refused input is still not kept). Every 10th question is a 10 MB
paste, refused. Reports means over windows of 20 turns. Writes
bench/results/chat_turns.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, table, write_json
from corpus import load_corpus
from index.store import open_index
from page import handlers
from page import messages as msg
from page.conversation import Conversation
from retriever import Retriever

QUESTIONS = (*msg.EXAMPLES, "那云南呢", "只看2019年的", "消" * (10 * 1024 * 1024))


class HashedChars:
    """A model-free encoder: hashed character and bigram counts, L2-normalised."""

    name = "hashed-chars-bench"
    dim = 128

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for gram in list(text) + [text[i : i + 2] for i in range(len(text) - 1)]:
            vector[
                int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest()) % 128
            ] += 1
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)


def run(retriever: Retriever, turns: int) -> list[dict[str, float]]:
    conv = Conversation()
    points = []
    for n in range(turns):
        started = time.perf_counter()
        conv = handlers.ask(retriever, conv, QUESTIONS[n % len(QUESTIONS)], k=5)
        reply = handlers.chat_messages(conv)
        seconds = time.perf_counter() - started
        points.append(
            {
                "turn": n + 1,
                "reply_chars": len(json.dumps(reply, ensure_ascii=False)),
                "state_bytes": len(pickle.dumps(conv)),
                "ms": round(seconds * 1000, 2),
            }
        )
    return points


def summary(points: list[dict[str, float]]) -> dict[str, Any]:
    """Means over windows of 20 turns (each window holds every kind of question twice)."""
    out: dict[str, Any] = {}
    for first in (1, 41, 91, 181):
        window = [p for p in points if first <= p["turn"] < first + 20]
        if window:
            out[f"turns_{first}-{first + 19}"] = {
                k: round(sum(p[k] for p in window) / len(window), 1)
                for k in ("reply_chars", "state_bytes", "ms")
            }
    out["max_reply_chars"] = max(p["reply_chars"] for p in points)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args(argv)
    corpus = load_corpus()
    with tempfile.TemporaryDirectory() as folder:
        encoder = HashedChars()
        index = open_index(Path(folder) / "index", corpus, encoder, progress=False, log=print)
        retriever = Retriever(index, encoder, corpus)
        results: dict[str, Any] = {}
        for mode, keep in (("capped", None), ("uncapped", str(10**9))):
            if keep:
                os.environ["POLICY_QA_MAX_CHAT_TURNS"] = keep
            try:
                points = run(retriever, args.turns)
            finally:
                os.environ.pop("POLICY_QA_MAX_CHAT_TURNS", None)
            results[mode] = {"summary": summary(points), "turns": points}
    rows = [
        [mode, turn, s["reply_chars"], s["state_bytes"], s["ms"]]
        for mode, r in results.items()
        for turn, s in r["summary"].items()
        if turn.startswith("turns_")
    ]
    print(table(rows, ["mode", "turns", "mean reply chars", "mean state bytes", "mean ms"]))
    write_json(
        RESULTS_DIR / "chat_turns.json",
        {"measured": now_utc(), "machine": machine_info(), "turns": args.turns,
         "questions": [q if len(q) < 100 else f"<{len(q):,} characters>" for q in QUESTIONS],
         "results": results},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
