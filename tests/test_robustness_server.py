"""The running server: oversize requests refused, temp files gone when it stops.

The page runs over the fake retriever (no model), in this process or, for the clean-up at
exit, in a child process that is stopped with SIGTERM as a service manager would.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from gradio_client import Client

from common.limits import Limits
from common.scratch import new_folder, prune, scratch_root
from tests.page_fakes import FakeRetriever
from tests.page_server import free_port, running_page

ROOT = Path(__file__).resolve().parents[1]


def _post(url: str, path: str, body: bytes, *, chunked: bool = False) -> int:
    """POST ``body`` to ``path``; the status, or 413 when the server hangs up mid-upload
    after answering (what a client sees when its oversize body is cut off)."""
    where = urlparse(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        else:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        try:
            step = 256 * 1024
            for start in range(0, len(body), step):
                piece = body[start : start + step]
                connection.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if chunked:
                connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def page_url():
    with running_page(FakeRetriever()) as url:
        yield url


def test_a_huge_request_body_is_refused_and_the_server_still_answers(page_url: str) -> None:
    huge = b'{"data": ["' + b"x" * (8 * 1024 * 1024) + b'"], "fn_index": 0}'
    assert _post(page_url, "/gradio_api/queue/join", huge) == 413
    assert _post(page_url, "/gradio_api/call/search", huge, chunked=True) == 413
    client = Client(page_url, verbose=False, download_files=False)
    result = client.predict("青海消防车通道", [], [], 3, api_name="/search")
    assert result["hits"] and result["hits"][0]["province"] == "青海省"
    assert "/tmp" not in str(result) and str(scratch_root()) not in str(result)


def test_old_and_excess_temp_folders_are_pruned(tmp_path: Path) -> None:
    for name, age, size in (
        ("old", 7200, 10),
        ("big", 10, 3000),
        ("new", 5, 10),
        ("gradio", 9999, 1),
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "f").write_bytes(b"x" * size)
        stamp = time.time() - age
        os.utime(folder, (stamp, stamp))
    removed = prune(tmp_path, Limits(max_scratch_age_s=3600, max_scratch_mb=2000 / 2**20))
    assert sorted(p.name for p in removed) == ["big", "old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradio", "new"]  # Gradio prunes its own
    assert new_folder("export").parent == scratch_root()


CHILD = textwrap.dedent(
    """
    import sys
    import app
    from common.scratch import new_folder, scratch_root
    from page import build_page, export, handlers
    from page.conversation import Conversation
    from quiz.select import Selection
    from quiz.tab import make_quiz
    from tests.page_fakes import FakeRetriever

    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海消防车通道", k=2)
    export.write_markdown(conv)
    make_quiz(fake.clauses, None, Selection(), ["cloze", "judge"], 3, 1, new_folder("quiz"))
    print(scratch_root(), flush=True)
    app.run_server(build_page(fake), host="127.0.0.1", port=int(sys.argv[1]), quiet=True)
    """
)


def test_temp_files_are_gone_after_the_app_stops() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRADIO_TEMP_DIR", None)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(port)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        folder = Path(child.stdout.readline().strip())
        files = [p for p in folder.rglob("*") if p.is_file()]
        assert {p.suffix for p in files} >= {".md", ".xlsx", ".json"}
        for _ in range(300):  # the server is up once it answers
            try:
                Client(f"http://127.0.0.1:{port}/", verbose=False, download_files=False)
                break
            except Exception:
                time.sleep(0.2)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0, child.stderr.read()
        assert not folder.exists()
    finally:
        if child.poll() is None:
            child.kill()
