"""Benchmark: adding a document to the library, from upload to 可检索, with the real model.

Prints the figures and writes ``bench/results/library_reindex.json``: the seconds to check
an upload (read, clean, parse, report), to re-index after adding it (embedding only its new
clauses) compared with a full rebuild of the same corpus, how many clauses each embedded,
and the latency of searches answered *during* the re-index (from the previous index).

    .venv/bin/python bench/library_reindex.py

Everything lives in a temporary folder (library and index), deleted afterwards.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import RESULTS_DIR, machine_info, now_utc, percentiles, write_json  # noqa: E402
from corpus.library import Library  # noqa: E402
from index.store import open_index  # noqa: E402
from page.library_service import LibraryService  # noqa: E402
from retriever import Retriever  # noqa: E402

RESULTS = RESULTS_DIR / "library_reindex.json"
DOCUMENT = (
    "甘肃省应急管理厅2024年无人机应急测绘工作要点\n甘应急〔2024〕7号\n一、无人机航测保障\n"
    + "".join(
        f"{n}.第{n}项：组建无人机应急测绘分队，灾后{n}小时内完成重点区域倾斜摄影建模并推送成果。\n"
        for n in range(1, 21)
    )
)
QUESTION = "无人机应急测绘分队灾后多久完成建模"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="policy-qa-bench-") as scratch:
        root = Path(scratch)
        library = Library(root / "library")
        retriever = Retriever.load(root / "index", library=library.folder, progress=False,
                                   log=lambda _: None)  # fmt: skip

        def open_store(corpus, encoder):  # type: ignore[no-untyped-def]
            return open_index(root / "index", corpus, encoder, progress=False, log=lambda _: None)

        service = LibraryService.start(retriever, library, open_store)
        started = time.perf_counter()
        draft = service.check(DOCUMENT.encode("utf-8"), "drone.txt")
        check_s = time.perf_counter() - started

        latencies: list[float] = []
        stop = threading.Event()

        def search_meanwhile() -> None:
            while not stop.is_set():
                t = time.perf_counter()
                service.live.search(QUESTION, k=5)
                latencies.append(time.perf_counter() - t)

        started = time.perf_counter()
        service.add(draft, {})
        searcher = threading.Thread(target=search_meanwhile)
        searcher.start()
        assert service.wait_indexed(1800)
        add_s = time.perf_counter() - started
        stop.set()
        searcher.join()
        job = service.current_job()
        found = service.live.search(QUESTION, k=1).hits[0].citation

        corpus = library.corpus()
        started = time.perf_counter()
        full = open_index(root / "full", corpus, service.encoder, progress=False,
                          log=lambda _: None)  # fmt: skip
        full_s = time.perf_counter() - started
        service.jobs.close()

    result = {
        "measured_at": now_utc(),
        "clauses": len(corpus.clauses),
        "document_clauses": draft.report.counts["clauses"],
        "check_seconds": round(check_s, 3),
        "add_to_searchable_seconds": round(add_s, 3),
        "embedded_incremental": job.result["embedded"] if job and job.result else None,
        "full_rebuild_seconds": round(full_s, 3),
        "embedded_full": full.embedded,
        "searches_during_reindex": len(latencies),
        "search_latency_during_reindex": percentiles(latencies) if latencies else {},
        "top_hit_after": found,
        "machine": machine_info(),
    }
    write_json(RESULTS, result)
    for key, value in result.items():
        if key != "machine":
            print(f"{key}: {value}")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
