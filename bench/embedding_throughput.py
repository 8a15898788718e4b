"""Embedding throughput: the encoder variants side by side on the same clauses.

    .venv/bin/python bench/embedding_throughput.py [--encoders torch,onnx,onnx-int8]
        [--limit N] [--rounds 2] [--queries 60] [--threads N] [--app] [--out FILE]

Loads every variant in one process and, in interleaved rounds (so each sees the same load
on a shared machine), embeds the default corpus's clauses the way an index build does
(``encode_passages`` in batches of ``index.store.BATCH_SIZE``) and benchmark questions one
at a time (``encode_queries``). Prints and writes ``bench/results/embedding_throughput.json``:
passages/s (best and median round), query p50/p95, vector agreement with torch, and per
variant the peak RSS of a fresh child process that loads it and embeds the clauses (one
process's peak cannot be split between three models). ``--app`` also starts ``app.py`` with
each variant on a temporary index and records its first start (model export and index
build included), a second start, and the server's RSS once ready. The machine's load
average is recorded with every figure: other programs share these cores. Figures, not a
test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common.atomic import write_json  # noqa: E402
from encoder.protocol import THREADS_ENV  # noqa: E402
from encoder.sentence import VARIANTS, load_encoder  # noqa: E402
from index.manifest import library_versions  # noqa: E402
from index.store import BATCH_SIZE  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "embedding_throughput.json"
QUERIES = ROOT / "eval" / "data" / "queries.jsonl"


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


def clauses(limit: int) -> list[str]:
    """The default corpus's clause texts as the index embeds them (``text_norm``)."""
    from corpus.loader import load_corpus

    texts = [c.text_norm for c in load_corpus().clauses]
    if limit and limit < len(texts):
        step = len(texts) / limit
        texts = [texts[int(i * step)] for i in range(limit)]
    return texts


def questions(count: int) -> list[str]:
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def embed_all(encoder: Any, texts: list[str]) -> tuple[np.ndarray, float]:
    """All ``texts`` in index-build batches; (vectors, seconds)."""
    started = time.perf_counter()
    parts = [
        encoder.encode_passages(texts[i : i + BATCH_SIZE]) for i in range(0, len(texts), BATCH_SIZE)
    ]
    return np.concatenate(parts), time.perf_counter() - started


def side_by_side(variants: list[str], texts: list[str], asked: list[str], rounds: int) -> dict:
    """Interleaved rounds of every variant over the same passages and questions."""
    encoders = {}
    for variant in variants:
        started = time.perf_counter()
        encoders[variant] = load_encoder(variant=variant, progress=True)
        print(f"  {variant}: loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows: dict[str, dict[str, Any]] = {v: {"rates": [], "loads": [], "ms": []} for v in variants}
    vectors: dict[str, np.ndarray] = {}
    for enc in encoders.values():  # warm-up: first runs allocate
        enc.encode_passages(texts[:4])
        enc.encode_queries(asked[:2])
    for number in range(rounds):
        for variant, enc in encoders.items():
            vecs, seconds = embed_all(enc, texts)
            vectors[variant] = vecs
            rows[variant]["rates"].append(len(texts) / seconds)
            rows[variant]["loads"].append(load_avg())
            print(
                f"  round {number + 1} {variant:<10} {len(texts) / seconds:6.1f} passages/s "
                f"(load {load_avg()})",
                file=sys.stderr,
                flush=True,
            )
    for question in asked:
        for variant, enc in encoders.items():
            started = time.perf_counter()
            enc.encode_queries([question])
            rows[variant]["ms"].append((time.perf_counter() - started) * 1000)
    reference = vectors.get("torch")
    out = {}
    for variant, row in rows.items():
        ms = sorted(row["ms"])
        entry = {
            "name": encoders[variant].name,
            "passages_per_s_best": round(max(row["rates"]), 1),
            "passages_per_s_median": round(statistics.median(row["rates"]), 1),
            "query_ms_p50": round(statistics.median(ms), 1),
            "query_ms_p95": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1),
            "load_average_during": row["loads"],
        }
        if reference is not None:
            cos = (vectors[variant] * reference).sum(axis=1)
            entry["cosine_vs_torch_mean"] = round(float(cos.mean()), 5)
            entry["cosine_vs_torch_min"] = round(float(cos.min()), 5)
        out[variant] = entry
    return out


def hwm() -> int:
    """This process's peak RSS in MiB (``VmHWM``: unlike ``ru_maxrss`` it is not inherited
    from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def child_rss(variant: str, limit: int) -> dict[str, Any]:
    """Peak RSS of a fresh process that loads ``variant`` and embeds the clauses."""
    code = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from bench.embedding_throughput import clauses, embed_all, hwm\n"
        "from encoder.sentence import load_encoder\n"
        f"enc = load_encoder(variant={variant!r}, progress=False)\n"
        "after_load = hwm()\n"
        f"embed_all(enc, clauses({limit}))\n"
        "print(json.dumps({'after_load_mib': after_load, 'peak_mib': hwm(), "
        "'torch_imported': 'torch' in sys.modules}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def app_start(variant: str, index: Path, port: int) -> dict[str, Any]:
    """Start app.py with ``variant``; seconds until it serves, and its RSS then."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--encoder", variant, "--index", str(index), "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "Running on" in line or "127.0.0.1:" in line:
                break
        else:
            raise RuntimeError(f"app.py --encoder {variant} exited with {proc.wait()}")
        seconds = time.perf_counter() - started
        time.sleep(1.0)
        rss = psutil.Process(proc.pid).memory_info().rss
        return {
            "seconds_to_serve": round(seconds, 1),
            "rss_mib": round(rss / 2**20),
            "load": load_avg(),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        "cores_logical": psutil.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "threads": os.environ.get(THREADS_ENV, "all cores"),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "versions": library_versions(
            ("torch", "sentence-transformers", "transformers", "tokenizers", "onnxruntime", "onnx")
        ),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    texts, asked = clauses(args.limit), questions(args.queries)
    print(
        f"{len(texts)} clauses (mean {statistics.mean(map(len, texts)):.0f} chars), "
        f"{len(asked)} questions, {args.rounds} rounds, load {load_avg()}",
        file=sys.stderr,
        flush=True,
    )
    result: dict[str, Any] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "clauses": len(texts),
        "mean_chars": round(statistics.mean(map(len, texts)), 1),
        "questions": len(asked),
        "load_average_start": load_avg(),
        "variants": side_by_side(args.encoders, texts, asked, args.rounds),
    }
    for variant in args.encoders:
        result["variants"][variant]["rss"] = child_rss(variant, args.limit)
    if "torch" in args.encoders:
        base = result["variants"]["torch"]
        for entry in result["variants"].values():
            entry["speedup_passages"] = round(
                entry["passages_per_s_median"] / base["passages_per_s_median"], 2
            )
            entry["speedup_query_p50"] = round(base["query_ms_p50"] / entry["query_ms_p50"], 2)
    if args.app:
        with tempfile.TemporaryDirectory() as scratch:
            for number, variant in enumerate(args.encoders):
                index = Path(scratch) / variant
                first = app_start(variant, index, 7900 + number)
                second = app_start(variant, index, 7900 + number)
                result["variants"][variant]["app"] = {"first_start": first, "second_start": second}
    result["load_average_end"] = load_avg()
    result["machine"] = machine()
    result["self_peak_rss_mib"] = hwm()
    return result


def print_table(result: dict[str, Any]) -> None:
    print(
        f"\n{result['clauses']} clauses, {result['questions']} questions; load average "
        f"{result['load_average_start']} → {result['load_average_end']}"
    )
    print(
        "| variant | passages/s | ×torch | query p50 / p95 ms | ×torch | cos vs torch (min) | peak RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|")
    for variant, e in result["variants"].items():
        print(
            f"| {variant} | {e['passages_per_s_median']} | {e.get('speedup_passages', '')} | "
            f"{e['query_ms_p50']} / {e['query_ms_p95']} | {e.get('speedup_query_p50', '')} | "
            f"{e.get('cosine_vs_torch_mean', '')} ({e.get('cosine_vs_torch_min', '')}) | "
            f"{e['rss']['peak_mib']} |"
        )
        if "app" in e:
            a = e["app"]
            print(
                f"|   app.py | first start {a['first_start']['seconds_to_serve']} s, second "
                f"{a['second_start']['seconds_to_serve']} s, RSS {a['second_start']['rss_mib']} MiB | | | | | |"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--encoders", default=",".join(VARIANTS), type=lambda s: [v for v in s.split(",") if v]
    )
    parser.add_argument("--limit", type=int, default=0, help="time only N clauses (0: all)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=60, help="questions timed one by one")
    parser.add_argument("--threads", type=int, default=None, help=f"sets ${THREADS_ENV}")
    parser.add_argument("--app", action="store_true", help="also time app.py starts and RSS")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    unknown = set(args.encoders) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown encoders {sorted(unknown)}; choose from {', '.join(VARIANTS)}")
    if args.threads:
        os.environ[THREADS_ENV] = str(args.threads)
    result = run(args)
    write_json(args.out, result)
    print_table(result)
    print(f"written to {args.out}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
