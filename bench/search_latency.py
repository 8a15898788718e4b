"""Search latency on the default corpus: build time, memory, per-stage percentiles.

    .venv/bin/python bench/search_latency.py [--repeat 3] [--index DIR] [--out FILE]

Builds the default index from scratch in a temporary folder (or ``--index DIR``, rebuilt),
loads it a second time, then runs ~40 realistic questions ``--repeat`` times in each mode
(dense, lexical, hybrid) after one warm-up pass, and prints and writes
``bench/results/search_latency.json``: build and load times, peak memory, p50/p95/p99
latency per mode in total and per stage (parse, embed, dense, lexical, fuse, answer), and
machine information. Figures, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retriever import MODES, Retriever

RESULTS = Path(__file__).resolve().parent / "results" / "search_latency.json"

QUESTIONS: tuple[str, ...] = (
    "消防车通道被占用怎么处理",
    "青海2020年消防车通道有什么要求",
    "百吨王",
    "货车超限超载怎么治理",
    "烟花爆竹零售店有什么规定",
    "煙花爆竹生產企業改造升級",
    "浙江危化品安全整治",
    "危险化学品运输车辆监管",
    "化工园区安全风险评估",
    "非煤矿山尾矿库治理",
    "煤矿安全监控系统升级",
    "电动自行车充电管理",
    "高层建筑消防安全隐患排查",
    "安全生产责任保险推行",
    "安全生产举报奖励",
    "党政领导干部安全生产责任制",
    "安全生产委员会成员单位职责",
    "应急预案演练",
    "森林草原防火",
    "防汛抗旱工作部署",
    "地震应急救援队伍建设",
    "应急管理综合行政执法改革",
    "安全生产专项整治三年行动",
    "双重预防机制建设",
    "重大事故隐患挂牌督办",
    "道路交通安全两客一危",
    "渔业船舶安全生产",
    "建筑施工安全监管",
    "城镇燃气安全",
    "冬春季安全生产检查",
    "2019年云南安全工程三年行动",
    "四川应急管理厅授旗仪式",
    "河南安全生产视频会议部署了什么",
    "山西吕梁煤矿火灾事故教训",
    "安全生产考核巡查",
    "安全生产宣传教育进企业",
    "危化品一线员工培训",
    "应急物资储备",
    "自然灾害风险普查",
    "医保报销比例是多少",
)


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean, in milliseconds."""
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),
        "p99_ms": round(float(np.percentile(ms, 99)), 3),
        "mean_ms": round(float(ms.mean()), 3),
        "n": len(ms),
    }


def measure_mode(retriever: Retriever, mode: str, repeat: int) -> dict[str, Any]:
    for question in QUESTIONS:  # warm-up: caches, lazy imports, allocator
        retriever.search(question, mode=mode)
    totals: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(repeat):
        for question in QUESTIONS:
            started = time.perf_counter()
            _, timings = retriever.search_timed(question, mode=mode)
            totals.append(time.perf_counter() - started)
            for stage, seconds in timings.items():
                stages.setdefault(stage, []).append(seconds)
    return {
        "total": percentiles(totals),
        "stages": {stage: percentiles(values) for stage, values in stages.items()},
    }


def machine_info() -> dict[str, Any]:
    import torch

    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu_model,
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
    }


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def run(index_dir: Path, repeat: int) -> dict[str, Any]:
    quiet = {"progress": False, "log": lambda message: print(message, file=sys.stderr)}
    started = time.perf_counter()
    built = Retriever.load(index_dir, force=True, **quiet)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = Retriever.load(index_dir, **quiet)
    load_s = time.perf_counter() - started
    del built
    modes = {mode: measure_mode(retriever, mode, repeat) for mode in MODES}
    return {
        "corpus": {
            "clauses": len(retriever.clauses),
            "documents": len({c.doc.doc_id for c in retriever.clauses}),
        },
        "model": retriever.encoder.name,
        "build": {
            "seconds_including_model_and_corpus_load": round(build_s, 2),
            "index_timings": retriever.backend.manifest.get("timings", {}),
            "second_load_seconds": round(load_s, 2),
        },
        "memory": {
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_after_runs_mib": round(psutil.Process().memory_info().rss / 2**20, 1),
        },
        "questions": len(QUESTIONS),
        "repeat": repeat,
        "latency": modes,
        "machine": machine_info(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def print_report(report: dict[str, Any]) -> None:
    build = report["build"]
    print(
        f"{report['corpus']['clauses']} clauses, model {report['model']}; "
        f"build {build['seconds_including_model_and_corpus_load']} s, "
        f"reload {build['second_load_seconds']} s, "
        f"peak RSS {report['memory']['peak_rss_mib']} MiB"
    )
    print(f"{'mode':<8} {'stage':<8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9}")
    for mode, figures in report["latency"].items():
        rows = [("total", figures["total"]), *figures["stages"].items()]
        for stage, p in rows:
            print(
                f"{mode:<8} {stage:<8} {p['p50_ms']:>9.2f} {p['p95_ms']:>9.2f} {p['p99_ms']:>9.2f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes per mode")
    parser.add_argument("--index", type=Path, help="index folder to (re)build (default: temp)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.index is not None:
        report = run(args.index, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
            report = run(Path(tmp) / "index", args.repeat)
    print_report(report)
    write_atomic(args.out, report)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
