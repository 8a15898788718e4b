"""The served page under hostile use: concurrent benchmark runs, internal endpoints, rights.

A real ``Retriever`` over a small index (the fake encoder, three documents) is served on
loopback; benchmark runs go through ``page.jobs`` into its worker process with a tiny
benchmark (three questions, two configurations), so the test stays fast.
"""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

from eval.tab import BenchmarkRun
from page.access import NOT_ADMIN, NOT_LOCAL, Access, login_guard
from page.jobs import JobRunner
from tests.page_server import SmallIndex, running_page

QUESTIONS = ("百吨王超限超载整治", "云南消防安全专项整治", "浙江化工园区认定", "危险隧道排查")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small") / "index"
    return SmallIndex(folder)()


@pytest.fixture
def tiny_run(tmp_path, small) -> BenchmarkRun:
    queries = tmp_path / "queries.jsonl"
    rows = [
        {"_id": "t1", "text": "百吨王超限超载整治", "answers": ["百吨王"]},
        {"_id": "t2", "text": "云南消防安全专项整治", "answers": ["消防安全專項整治"]},
        {"_id": "t3", "text": "浙江化工园区认定", "answers": ["化工園區認定"]},
    ]
    queries.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return BenchmarkRun(
        SmallIndex(small.backend.folder), reports_dir=tmp_path / "reports",
        queries_path=queries, judging="answers", configs="lexical,hybrid", latency_sample=2,
    )  # fmt: skip


def client(url: str, auth: tuple[str, str] | None = None) -> Client:
    return Client(url, verbose=False, download_files=False, auth=auth)


def search(url: str, n: int) -> dict:
    return client(url).predict(QUESTIONS[n % len(QUESTIONS)], [], [], 3, api_name="/search")


def test_four_concurrent_benchmark_runs_queue_and_finish_while_searches_are_answered(
    small, tiny_run
):
    runner = JobRunner()
    with running_page(small, jobs=runner, eval_run=tiny_run) as url:
        with ThreadPoolExecutor(24) as pool:
            runs = [pool.submit(lambda: client(url).predict(api_name="/run_benchmark"))
                    for _ in range(4)]  # fmt: skip
            searches = [pool.submit(search, url, n) for n in range(20)]
            submitted = [r.result(timeout=120) for r in runs]
            answered = [s.result(timeout=120) for s in searches]
        assert all(a["hits"] for a in answered)  # all 20 searches answered during the runs
        assert len({s["job"] for s in submitted}) == 4
        assert all(s["state"] in ("queued", "running") for s in submitted)
        assert max(s["position"] for s in submitted) >= 2  # queued behind others
        watcher = client(url)
        finished = {}
        deadline = time.monotonic() + 300
        while len(finished) < 4 and time.monotonic() < deadline:
            for s in submitted:
                status = watcher.predict(s["job"], api_name="/benchmark_status")
                if status["state"] in ("done", "failed"):
                    finished[s["job"]] = status
            time.sleep(0.5)
        assert [f["state"] for f in finished.values()] == ["done"] * 4, finished
        for status in finished.values():
            assert (Path(status["report"]) / "report.md").is_file()
            assert status["message"].startswith("已完成")
        jobs = sorted(runner.jobs(), key=lambda j: j.started or 0)
        for before, after in itertools.pairwise(jobs):
            assert before.finished <= after.started  # one at a time
        assert search(url, 0)["hits"]  # and the server is still there


def test_only_an_administrator_may_start_a_run_when_a_login_is_set(small, tiny_run):
    access = Access("127.0.0.1", login=("anna", "pw"), admins=frozenset({"boss"}))
    guard = login_guard(access)
    with running_page(small, access=access, eval_run=tiny_run, auth=guard) as url:
        anna = client(url, auth=("anna", "pw"))
        with pytest.raises(Exception, match=NOT_ADMIN):
            anna.predict(api_name="/run_benchmark")
        assert anna.predict("百吨王", [], [], 3, api_name="/search")["hits"]


def test_nobody_may_start_a_run_on_a_public_address_without_login(small, tiny_run):
    with running_page(small, access=Access("0.0.0.0"), eval_run=tiny_run) as url:
        visitor = client(url)
        with pytest.raises(Exception, match=NOT_LOCAL):
            visitor.predict(api_name="/run_benchmark")
        with pytest.raises(Exception, match="没有编号为"):
            visitor.predict("benchmark-1", api_name="/benchmark_status")
        assert visitor.predict("百吨王", [], [], 3, api_name="/search")["hits"]


def test_only_the_documented_endpoints_are_callable_through_gradio_client(small, tiny_run):
    with running_page(small, eval_run=tiny_run) as url:
        visitor = client(url)
        named = set(visitor.view_api(print_info=False, return_format="dict")["named_endpoints"])
        assert named == {"/search", "/compare", "/run_benchmark", "/benchmark_status"}
        for internal in ("/on_ask", "/on_run", "/_run_clicked", "/on_generate"):
            with pytest.raises(ValueError):
                visitor.predict(api_name=internal)
        assert visitor.predict("百吨王", [], [], 3, api_name="/search")["hits"]
