"""Cleaning time against document length: 1k–64k lines, three kinds of text.

    .venv/bin/python bench/cleaning_scale.py [--max-lines 65536] [--repeats 3]

The duplicate-block removal in corpus/cleaning.py used to compare every pair of identical
lines (0.8 s at 2k identical lines, 46.9 s at 16k); it must now grow about linearly. Three
inputs per length: ``identical`` (the audit's case: one line N times), ``pasted_twice`` (a
document of distinct numbered lines whose body appears twice, what scraped pages look like)
and ``web_page`` (title/chrome line pairs, which made the page-title rule quadratic).
Prints seconds per length and the ratio to the previous length (≈2 when linear), writes
bench/results/cleaning_scale.json and bench/results/cleaning_scale.png.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, machine_info, now_utc, save_figure, table, write_json
from corpus.cleaning import clean_text

KINDS: dict[str, Callable[[int], str]] = {
    "identical": lambda n: "\n".join(["深入开展安全生产专项整治三年行动，落实企业主体责任。"] * n),
    "pasted_twice": lambda n: "\n".join(
        [f"{k}.第{k}项工作：加强重点行业领域安全监管，确保责任落实到位。" for k in range(n // 2)]
        * 2
    ),
    "web_page": lambda n: "\n".join(
        f"第{k}条新闻标题" if k % 2 == 0 else "返回顶部" for k in range(n)
    ),
}


def measure(text: str, repeats: int) -> float:
    """Best of ``repeats`` runs, in seconds (the least disturbed by other jobs)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        clean_text(text)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-lines", type=int, default=65536)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = []
    n = 1024
    while n <= args.max_lines:
        sizes.append(n)
        n *= 2
    results: dict[str, list[dict[str, float]]] = {}
    rows = []
    for kind, make in KINDS.items():
        results[kind] = []
        previous = None
        for lines in sizes:
            seconds = measure(make(lines), args.repeats)
            ratio = seconds / previous if previous else None
            previous = seconds
            results[kind].append(
                {"lines": lines, "seconds": round(seconds, 4), "us_per_line": seconds / lines * 1e6}
            )
            rows.append([kind, f"{lines:,}", f"{seconds:.3f}", f"{seconds / lines * 1e6:.1f}",
                         f"{ratio:.2f}" if ratio else "-"])  # fmt: skip
            print(rows[-1], flush=True)
    print(table(rows, ["input", "lines", "seconds", "µs/line", "× previous"]))
    write_json(
        RESULTS_DIR / "cleaning_scale.json",
        {"measured": now_utc(), "machine": machine_info(), "repeats": args.repeats,
         "results": results},
    )  # fmt: skip
    plot(results, RESULTS_DIR / "cleaning_scale.png")
    return 0


def plot(results: dict[str, list[dict[str, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 4))
    for kind, points in results.items():
        xs = [p["lines"] for p in points]
        axis.plot(xs, [p["seconds"] for p in points], marker="o", label=kind)
    first = results["identical"]
    scale = first[0]["seconds"] / first[0]["lines"]
    xs = [p["lines"] for p in first]
    axis.plot(xs, [x * scale for x in xs], linestyle=":", color="grey", label="linear")
    axis.set_xscale("log", base=2)
    axis.set_yscale("log")
    axis.set_xlabel("lines in the document")
    axis.set_ylabel("clean_text seconds (best of runs)")
    axis.set_title("Cleaning time against document length")
    axis.legend()
    save_figure(figure, path)


if __name__ == "__main__":
    sys.exit(main())
