"""The scale benchmark's table and curves (see bench/scale.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import save_figure, table
from bench.synthetic import DIM


def print_report(report: dict[str, Any]) -> None:
    rows = []
    for size in sorted(report["sizes"].values(), key=lambda s: s["clauses"]):
        d, lex = size["dense"], size["lexical"]
        auto = d[d["auto_kind"]]
        rows.append(
            [
                f"{size['clauses']:,}",
                d["flat"]["build_s"],
                round(d["flat"]["disk_bytes"] / 2**20, 1),
                d["flat"]["query"]["p50_ms"],
                d["hnsw"]["build_s"],
                f"{d['hnsw']['M']}/{d['hnsw']['efConstruction']}",
                round(d["hnsw"]["disk_bytes"] / 2**20, 1),
                d["hnsw"]["query"]["p50_ms"],
                d["hnsw"]["query"]["recall@10"],
                lex["build_s"],
                round(lex["disk_bytes"] / 2**20, 1),
                lex["query"]["p50_ms"],
                f"{auto['filtered']['province']['p50_ms']}/{lex['filtered']['province']['p50_ms']}",
                size["peak_rss_mib"],
            ]
        )
    print(
        table(
            rows,
            [
                "clauses",
                "flat build s",
                "flat MiB",
                "flat p50 ms",
                "hnsw build s",
                "M/efC",
                "hnsw MiB",
                "hnsw p50 ms",
                "hnsw R@10",
                "bm25s build s",
                "bm25s MiB",
                "bm25s p50 ms",
                "1-prov dense/bm25 p50",
                "peak RSS MiB",
            ],
        )
    )


def plot(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(report["sizes"].values(), key=lambda s: s["clauses"])
    n = [s["clauses"] for s in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = {
        "FAISS flat (exact)": [s["dense"]["flat"]["query"]["p50_ms"] for s in sizes],
        "FAISS HNSW": [s["dense"]["hnsw"]["query"]["p50_ms"] for s in sizes],
        "bm25s": [s["lexical"]["query"]["p50_ms"] for s in sizes],
        "dense, one province": [
            s["dense"][s["dense"]["auto_kind"]]["filtered"]["province"]["p50_ms"] for s in sizes
        ],
        "bm25s, one province": [s["lexical"]["filtered"]["province"]["p50_ms"] for s in sizes],
    }
    for label, values in series.items():
        left.plot(n, values, marker="o", label=label)
    left.set(
        xscale="log",
        yscale="log",
        xlabel="clauses",
        ylabel="query latency p50 (ms)",
        title="Query latency (k=50, one query at a time)",
    )
    builds = {
        "FAISS flat": [s["dense"]["flat"]["build_s"] for s in sizes],
        "FAISS HNSW": [s["dense"]["hnsw"]["build_s"] for s in sizes],
        "bm25s": [s["lexical"]["build_s"] for s in sizes],
    }
    for label, values in builds.items():
        right.plot(n, values, marker="o", label=label)
    for count, size in zip(n, sizes, strict=True):
        hnsw = size["dense"]["hnsw"]
        note = f"M{hnsw['M']}/efC{hnsw['efConstruction']}, R@10 {hnsw['query']['recall@10']}"
        right.annotate(note, (count, hnsw["build_s"]), fontsize=7, xytext=(-60, 6),
                       textcoords="offset points")  # fmt: skip
    right.set(
        xscale="log",
        yscale="log",
        xlabel="clauses",
        ylabel="build time (s)",
        title="Index build (vectors given; tokens given)",
    )
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    cores = report["machine"]["usable_cpus"]
    fig.suptitle(
        f"Scaling on {cores} CPU cores; dim {DIM} random unit vectors (worst case for HNSW recall)",
        fontsize=10,
    )
    save_figure(fig, path)
    plt.close(fig)
