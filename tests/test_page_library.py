"""The library behind the 文件库 tab: background re-index, queueing, permissions, and the
API endpoints through gradio_client against a real server (FakeEncoder, real index)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from gradio_client import Client, handle_file

from corpus.clause import Corpus
from encoder.protocol import Encoder
from page import messages as msg
from page.access import NOT_ADMIN, NOT_LOCAL, Access
from page.library_service import Refused
from page.library_view import report_markdown, status_html, table_rows
from tests.library_fakes import (
    DRONE_CITATION,
    DRONE_LINES,
    DRONE_QUESTION,
    DRONE_TITLE,
    docx_bytes,
    make_service,
    tree_bytes,
)
from tests.page_server import running_page

FLOOD_LINES = (
    "西藏自治区应急管理厅2024年高原冰湖溃决防范工作要点",
    "一、冰湖监测",
    "1.对海拔5000米以上冰湖布设水位雷达，汛期每日两次回传数据。",
    "2.冰湖溃决预警信息30分钟内发送至下游乡镇。",
)
FLOOD_QUESTION = "冰湖水位雷达汛期每日回传几次"


def _cites(service, question: str, *, include_superseded: bool = False) -> list[str]:
    prepared = service.live.prepare(question, include_superseded=include_superseded)
    return [h.citation for h in service.live.search(prepared, k=3).hits]


def _state_of(service, title: str) -> str:
    row = next(r for r in table_rows(service) if r[0] == title)
    return row[msg.LIB_HEADERS.index("检索状态")]


@pytest.fixture
def service(tmp_path: Path):
    made = make_service(tmp_path)
    yield made
    made.jobs.close()


def test_searches_answer_from_the_previous_index_until_the_new_one_is_swapped_in(service):
    gate, entered = threading.Event(), threading.Event()
    real_open = service.open_store

    def slow_open(corpus: Corpus, encoder: Encoder):
        entered.set()
        assert gate.wait(30)
        return real_open(corpus, encoder)

    service.open_store = slow_open
    service.add(service.check(docx_bytes(), "drone.docx"), {})
    assert entered.wait(30)
    assert DRONE_CITATION not in _cites(service, DRONE_QUESTION)  # the old index answers
    assert _state_of(service, DRONE_TITLE).startswith(msg.STATE_INDEXING)
    assert 'data-state="running"' in status_html(service)
    gate.set()
    assert service.wait_indexed(60)
    assert _state_of(service, DRONE_TITLE) == msg.STATE_SEARCHABLE
    assert _cites(service, DRONE_QUESTION)[0] == DRONE_CITATION
    assert service.current_job().result["embedded"] == 4  # only the new clauses


def test_two_adds_at_once_queue_and_both_end_up_indexed(service):
    drafts = [
        service.check(docx_bytes(), "drone.docx"),
        service.check(docx_bytes(FLOOD_LINES), "flood.docx"),
    ]
    threads = [threading.Thread(target=service.add, args=(d, {})) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert service.wait_indexed(60)
    assert len(service.library.entries()) == 2
    assert {_state_of(service, t) for t in (DRONE_TITLE, FLOOD_LINES[0])} == {msg.STATE_SEARCHABLE}
    assert _cites(service, DRONE_QUESTION)[0] == DRONE_CITATION
    assert _cites(service, FLOOD_QUESTION)[0] == drafts[1].report.preview[0][0]
    assert drafts[1].report.preview[0][0].startswith("【西藏自治区·2024年·一、")


def test_retired_document_is_hidden_by_default_and_found_with_the_switch(service):
    entry = service.add(service.check(docx_bytes(), "drone.docx"), {})
    assert service.wait_indexed(60)
    service.retire(entry.doc_id)
    assert service.wait_indexed(60)
    assert DRONE_CITATION not in _cites(service, DRONE_QUESTION)
    assert _cites(service, DRONE_QUESTION, include_superseded=True)[0] == DRONE_CITATION
    assert _state_of(service, DRONE_TITLE) == msg.STATE_SEARCHABLE_SWITCH
    service.retire(entry.doc_id, undo=True)
    assert service.wait_indexed(60)
    assert _cites(service, DRONE_QUESTION)[0] == DRONE_CITATION


def test_report_shows_counts_and_the_first_clauses_with_citations_escaped(service):
    lines = (*DRONE_LINES, "4.禁止<script>alert(1)</script>无人机违规飞行。")
    report = report_markdown(service.check(docx_bytes(lines), "d.docx"))
    assert "4 条条款" in report or "5 条条款" in report
    assert DRONE_CITATION in report and "<script>" not in report


@pytest.mark.parametrize(
    ("access", "user", "refusal", "visible"),
    [
        (Access(host="0.0.0.0"), None, NOT_LOCAL, True),
        (Access(host="0.0.0.0", allow_uploads=True), None, None, True),
        (Access(login=("boss", "pw"), admins=frozenset({"boss"})), "clerk", NOT_ADMIN, False),
        (Access(login=("boss", "pw"), admins=frozenset({"boss"})), "boss", None, True),
    ],
)
def test_who_may_change_the_library(tmp_path: Path, access, user, refusal, visible):
    service = make_service(tmp_path, access)
    try:
        assert service.visible_to(user) is visible
        before = tree_bytes(service.library.folder)
        if refusal is None:
            service.add(service.check(docx_bytes(), "drone.docx", user), {}, user)
            assert len(service.library.entries()) == 1
        else:
            with pytest.raises(Refused) as refused:
                service.check(docx_bytes(), "drone.docx", user)
            assert str(refused.value) == refusal
            assert tree_bytes(service.library.folder) == before
    finally:
        service.jobs.close()


def test_api_add_list_remove_with_gradio_client(service, tmp_path: Path):
    upload = tmp_path / "甘肃要点.docx"
    upload.write_bytes(docx_bytes())
    with running_page(service.live, library=service) as url:
        client = Client(url, download_files=False, verbose=False)
        added = client.predict(handle_file(str(upload)), api_name="/library_add")
        assert added["title"] == DRONE_TITLE and added["doc_number"] == "甘应急〔2024〕7号"
        assert added["report"]["counts"]["items"] == 3
        assert service.wait_indexed(60)
        listed = client.predict(api_name="/library_list")
        assert [(d["doc_id"], d["searchable"]) for d in listed] == [(added["doc_id"], True)]
        found = client.predict(DRONE_QUESTION, [], [], 3, api_name="/search")
        assert found["hits"][0]["citation"] == DRONE_CITATION

        before = tree_bytes(service.library.folder)
        empty = tmp_path / "empty.txt"
        empty.write_bytes(b"")
        with pytest.raises(Exception, match="是空的"):
            client.predict(handle_file(str(empty)), api_name="/library_add")
        with pytest.raises(Exception, match="内容相同"):
            client.predict(handle_file(str(upload)), api_name="/library_add")
        assert tree_bytes(service.library.folder) == before

        removed = client.predict(added["doc_id"], api_name="/library_remove")
        assert removed["removed"] == added["doc_id"]
        assert service.wait_indexed(60)
        assert client.predict(api_name="/library_list") == []
        found = client.predict(DRONE_QUESTION, [], [], 3, api_name="/search")
        assert DRONE_CITATION not in [h["citation"] for h in found["hits"]]


def test_api_refuses_a_logged_in_user_who_is_not_an_administrator(tmp_path: Path):
    access = Access(login=("boss", "pw1"), admins=frozenset({"boss"}))
    service = make_service(tmp_path, access)
    upload = tmp_path / "drone.docx"
    upload.write_bytes(docx_bytes())
    before = tree_bytes(service.library.folder)
    try:
        with running_page(
            service.live, library=service, auth=[("boss", "pw1"), ("clerk", "pw2")]
        ) as url:
            clerk = Client(url, auth=("clerk", "pw2"), download_files=False, verbose=False)
            for args, endpoint in (
                ((handle_file(str(upload)),), "/library_add"),
                ((), "/library_list"),
                (("lib-0000000000",), "/library_remove"),
            ):
                with pytest.raises(Exception, match=NOT_ADMIN[:10]):
                    clerk.predict(*args, api_name=endpoint)
            assert tree_bytes(service.library.folder) == before
            boss = Client(url, auth=("boss", "pw1"), download_files=False, verbose=False)
            added = boss.predict(handle_file(str(upload)), api_name="/library_add")
            assert added["title"] == DRONE_TITLE
    finally:
        service.jobs.close()


def test_the_chat_switch_finds_a_retired_document_and_marks_it(service):
    from page import handlers
    from page.conversation import Conversation

    entry = service.add(service.check(docx_bytes(), "drone.docx"), {})
    service.retire(entry.doc_id)
    assert service.wait_indexed(60)
    hidden = handlers.ask(service.live, Conversation(), DRONE_QUESTION, k=3)
    shown = handlers.ask(service.live, Conversation(), DRONE_QUESTION, k=3, include_superseded=True)
    assert DRONE_CITATION not in [h.citation for h in hidden.turns[-1].result.hits]
    assert shown.turns[-1].result.hits[0].citation == DRONE_CITATION
    html = "".join(m["content"] for m in handlers.chat_messages(shown))
    retired = msg.CARD_SUPERSEDED.format(status="已废止", date="")[:3]
    assert 'class="qa-status qa-superseded">' + retired in html and msg.WITH_SUPERSEDED in html


def test_edit_and_replace_embed_only_what_changed(service):
    entry = service.add(service.check(docx_bytes(), "drone.docx"), {})
    assert service.wait_indexed(60)
    service.edit(entry.doc_id, {"province": "青海省"})
    assert service.wait_indexed(60)
    assert service.current_job().result["embedded"] == 0  # metadata only: no clause re-embedded
    assert _cites(service, DRONE_QUESTION)[0] == DRONE_CITATION.replace("甘肃省", "青海省")
    lines = (*DRONE_LINES[:4], "2.每月开展一次无人机夜间搜救演练，配备热成像吊舱和喊话器。")
    service.replace(entry.doc_id, service.check(docx_bytes(lines), "drone-v2.docx"))
    assert service.wait_indexed(60)
    assert service.current_job().result["embedded"] == 1  # the one changed item
    texts = [c.text for c in service.live.clauses if c.doc.doc_id == entry.doc_id]
    assert any("每月开展" in t for t in texts) and not any("每季度" in t for t in texts)
    assert not any("航测成果" in t for t in texts)  # the dropped item is gone from search


def test_a_change_made_by_the_cli_is_noticed_and_indexed(service):
    from corpus.library import Library

    cli = Library(service.library.folder)  # another writer, as `python -m corpus add` is
    cli.add(cli.check(docx_bytes(), "drone.docx"))
    assert service.current_job() is None  # nothing told the page
    service.sync()  # what every table refresh does
    assert service.current_job() is not None
    assert service.wait_indexed(60)
    assert _cites(service, DRONE_QUESTION)[0] == DRONE_CITATION
