"""Search latency on the default corpus: build time, memory, per-stage percentiles.

    .venv/bin/python bench/search_latency.py [--repeat 3] [--index DIR [--reuse]]
        [--threads N] [--out FILE]

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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import RESULTS_DIR, ROOT, machine_info, now_utc, percentiles, write_json
from retriever import MODES, Retriever

RESULTS = RESULTS_DIR / "search_latency.json"

#: Run in a fresh interpreter: what a user waits for from ``python`` to the first answer.
COLD_START = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from retriever import Retriever
imported = time.perf_counter()
retriever = Retriever.load(sys.argv[2], progress=False, log=lambda message: None)
loaded = time.perf_counter()
retriever.search(sys.argv[3])
answered = time.perf_counter()
print(json.dumps({"imports_s": imported - started, "load_s": loaded - imported,
                  "first_search_s": answered - loaded}))
"""

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
    # National laws (in the default corpus since issue 12).
    "安全生产法第二十一条",
    "消防法对人员密集场所有什么规定",
    "领导让我冒险作业我能拒绝吗",
    "特种设备定期检验要提前多久申请",
)


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


def cold_start(index_dir: Path) -> dict[str, float]:
    """Seconds from starting a new Python process to its first answer on a built index
    (model converted and cached already, as on every start after the first)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, str(ROOT), str(index_dir), QUESTIONS[0]],
        capture_output=True,
        text=True,
        check=True,
    )
    total = time.perf_counter() - started
    parts = json.loads(done.stdout.strip().splitlines()[-1])
    return {"to_first_answer_s": round(total, 2), **{k: round(v, 2) for k, v in parts.items()}}


def run(
    index_dir: Path, repeat: int, *, build: bool = True, threads: int | None = None
) -> dict[str, Any]:
    """Build (unless ``build`` is false: reuse the folder), reload, then time every mode;
    ``threads`` sets torch's intra-op threads for the searches (None: as the encoder set it)."""
    quiet = {"progress": False, "log": lambda message: print(message, file=sys.stderr)}
    build_s = None
    if build:
        started = time.perf_counter()
        Retriever.load(index_dir, force=True, **quiet)
        build_s = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    retriever = Retriever.load(index_dir, **quiet)
    load_s = time.perf_counter() - started
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    modes = {mode: measure_mode(retriever, mode, repeat) for mode in MODES}
    return {
        "corpus": {
            "clauses": len(retriever.clauses),
            "documents": len({c.doc.doc_id for c in retriever.clauses}),
        },
        "model": retriever.encoder.name,
        "build": {
            "seconds_including_model_and_corpus_load": build_s,
            "index_seconds": retriever.backend.manifest.get("build_seconds", {}),
            "second_load_seconds": round(load_s, 2),
        },
        "memory": {
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_after_runs_mib": round(psutil.Process().memory_info().rss / 2**20, 1),
        },
        "questions": len(QUESTIONS),
        "repeat": repeat,
        "latency": modes,
        "cold_start": cold_start(index_dir),
        "machine": machine_info(),
        "measured_at": now_utc(),
    }


def print_report(report: dict[str, Any]) -> None:
    build = report["build"]
    print(
        f"{report['corpus']['clauses']} clauses, model {report['model']}; "
        f"build {build['seconds_including_model_and_corpus_load'] or '(reused)'} s, "
        f"reload {build['second_load_seconds']} s, "
        f"peak RSS {report['memory']['peak_rss_mib']} MiB"
    )
    cold = report["cold_start"]
    print(
        f"cold start to first answer {cold['to_first_answer_s']} s (imports {cold['imports_s']} s,"
        f" load {cold['load_s']} s, first search {cold['first_search_s']} s)"
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
    parser.add_argument(
        "--reuse", action="store_true", help="with --index: load it as is, do not rebuild"
    )
    parser.add_argument("--threads", type=int, help="torch intra-op threads for the searches")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.reuse and args.index is None:
        parser.error("--reuse needs --index")
    if args.index is not None:
        report = run(args.index, args.repeat, build=not args.reuse, threads=args.threads)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
            report = run(Path(tmp) / "index", args.repeat, threads=args.threads)
    print_report(report)
    write_json(args.out, report)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
