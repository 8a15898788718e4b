"""Build the law suite (``eval/data/stard/``) from the mapped STARD train split, once, by hand.

``python -m eval.build_stard SOURCE.jsonl`` reads the mapped file (one question a line with
its ``targets`` and their ``needles``; see ``eval/data/stard/SOURCE.md``) and writes the
suite in BEIR layout: ``queries.jsonl`` (each query with its targets, its needles and its
half, ``dev`` or ``test``) and ``qrels/{dev,test}.tsv`` mapping each target to the law
clauses that contain one of its needles (grade 2; other parts of the same article grade 1).
The run-time code and the tests read only the copy in the repository.

The halves are deterministic: queries ordered by ``sha1(id)``, the first half ``dev`` (for
tuning and for learning the expansion lexicon), the rest ``test`` (reported only).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.atomic import write_text
from eval.benchmark import DATA_DIR, write_qrels
from eval.judge import normalise

STARD_DIR = DATA_DIR / "stard"
SPLITS = ("dev", "test")


def split_of(ids: Sequence[str]) -> dict[str, str]:
    """``dev`` for the first half of ``ids`` in sha1 order, ``test`` for the rest."""
    ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
    half = (len(ordered) + 1) // 2
    return {qid: ("dev" if n < half else "test") for n, qid in enumerate(ordered)}


def query_line(row: dict[str, Any], split: str) -> dict[str, Any]:
    """One BEIR query line: the question, its half, its targets with their needles."""
    targets = [
        {"law": t["law"], "article_no": t["article_no"], "needles": list(t["needles"])}
        for t in row["targets"]
    ]
    first = targets[0]["law"].removeprefix("中华人民共和国")
    return {
        "_id": row["id"],
        "text": row["query"],
        "metadata": {
            "type": "one-article" if len(targets) == 1 else "several-articles",
            "doc": first,
            "split": split,
            "targets": targets,
        },
    }


def clause_qrels(lines: Sequence[dict[str, Any]], clauses: Sequence[Any]) -> dict[str, dict]:
    """``{query: {clause id: grade}}``: 2 for a clause holding a target's needle, 1 for the
    other parts of that article."""
    by_law: dict[str, list[Any]] = {}
    for clause in clauses:
        by_law.setdefault(clause.doc.title, []).append(clause)
    texts = {c.id: normalise(c.text) for c in clauses}
    qrels: dict[str, dict[str, int]] = {}
    for line in lines:
        units: dict[str, int] = {}
        for target in line["metadata"]["targets"]:
            candidates = by_law.get(target["law"], [])
            hit = [c for c in candidates if any(n in texts[c.id] for n in target["needles"])]
            for clause in hit:
                units[clause.id] = 2
                article = clause.id.split("~", 1)[0]
                for other in candidates:
                    if other.id.split("~", 1)[0] == article:
                        units.setdefault(other.id, 1)
        qrels[line["_id"]] = units
    return qrels


def build(source: Path, out: Path = STARD_DIR) -> dict[str, int]:
    """Write the suite from ``source``; returns how many queries each half got."""
    from corpus.laws import load_laws

    rows = [json.loads(x) for x in source.read_text(encoding="utf-8").splitlines() if x.strip()]
    halves = split_of([r["id"] for r in rows])
    lines = [query_line(r, halves[r["id"]]) for r in rows]
    text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    write_text(out / "queries.jsonl", text)
    qrels = clause_qrels(lines, load_laws("all"))
    for split in SPLITS:
        chosen = {x["_id"] for x in lines if x["metadata"]["split"] == split}
        write_qrels({q: u for q, u in qrels.items() if q in chosen}, out / "qrels" / f"{split}.tsv")
    return {s: sum(x["metadata"]["split"] == s for x in lines) for s in SPLITS}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.build_stard", description=__doc__)
    parser.add_argument("source", type=Path, help="the mapped STARD file (stard-laws-train.jsonl)")
    parser.add_argument("--out", type=Path, default=STARD_DIR)
    args = parser.parse_args(argv)
    counts = build(args.source, args.out)
    print(f"wrote {args.out}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
