"""Bad input never takes the assistant down: property-based queries against the real retriever
and the page handler.

Whatever a user types or pastes — random Unicode, emoji, control characters, 10,000
characters, only punctuation, HTML/script tags, SQL — ``Retriever.search`` either answers or
refuses an empty/punctuation-only question with a ``ValueError`` that says so, and the page
handler always answers with a turn whose HTML contains no markup taken from the question.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from page import handlers
from page import messages as msg
from page.conversation import Conversation
from retriever import MAX_QUERY_CHARS

pytestmark = pytest.mark.model

WORDS = ("消防车通道", "危化品", "青海2020年", "煙花爆竹", "百吨王", "安全生产", "云南省")
PAYLOADS = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)">',
    "<style>body{display:none}</style>",
    "<a href='javascript:alert(1)'>点我</a>",
    "&lt;script&gt;",
)
SQL = (
    "' OR 1=1 --",
    "'; DROP TABLE clauses; --",
    "青海' UNION SELECT * FROM users --",
    '" OR ""="',
    "1; DELETE FROM index WHERE 1=1",
    "%' AND SLEEP(5) AND '%'='",
)
PUNCTUATION = "，。！？、；：“”‘’（）《》【】…—·!?.,;:'\"()[]{}<>-_/\\|@#$%^&*~` \t\n\r"

#: Tags a question could smuggle into the page; the page itself never emits these.
DANGEROUS_TAG = re.compile(r"<\s*/?\s*(script|img|svg|iframe|style|a|object|embed)\b", re.I)


def repeated(base: str, n: int) -> str:
    return (base * (n // max(1, len(base)) + 1))[:n]


queries = st.one_of(
    st.text(max_size=300),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=50),
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=30),
    st.tuples(st.sampled_from(WORDS), st.text(st.characters(min_codepoint=0x1F600, max_codepoint=0x1F64F), max_size=5)).map("".join),
    st.text(alphabet=PUNCTUATION, max_size=60),
    st.builds(repeated, st.sampled_from([*WORDS, "a", "😀", "\x00"]), st.integers(9_000, 10_000)),
    st.tuples(st.sampled_from(PAYLOADS), st.sampled_from(WORDS)).map(lambda p: p[1] + p[0]),
    st.sampled_from(PAYLOADS),
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SQL)).map("".join),
    st.sampled_from(SQL),
)  # fmt: skip

FAST = settings(
    max_examples=60,
    deadline=None,
    database=None,  # never write an example database into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def searchable(query: str) -> bool:
    """What the retriever promises to search: a letter, digit or ideograph in the part it reads."""
    return any(ch.isalnum() for ch in query.strip()[:MAX_QUERY_CHARS])


@FAST
@given(query=queries)
def test_search_answers_or_refuses_empty_input_with_a_message(default_retriever, query):
    try:
        result = default_retriever.search(query, k=5)
    except ValueError as error:
        assert not searchable(query), f"refused a searchable query: {error}"
        assert str(error).strip()
        return
    assert searchable(query)
    assert len(result.hits) <= 5
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    known = {c.id for c in default_retriever.clauses}
    assert all(h.clause.id in known for h in result.hits)
    result.to_json()  # the API shape is serialisable for every answer


@FAST
@given(query=queries)
def test_page_handler_always_answers_and_never_echoes_markup(default_retriever, query):
    conversation = handlers.ask(default_retriever, Conversation(), query)
    assert len(conversation.turns) == 1
    turn = conversation.turns[0]
    assert turn.result is not None or turn.notice, "a turn without an answer must say why"
    messages = handlers.chat_messages(conversation)
    assert messages[0]["role"] == "user"
    question_html = messages[0]["content"].replace("<br>", "")
    assert "<" not in question_html and ">" not in question_html
    for message in messages[1:]:
        assert not DANGEROUS_TAG.search(message["content"]), message["content"][:300]


@FAST
@given(query=queries)
def test_search_api_returns_json_or_the_pages_message(default_retriever, query):
    try:
        data = handlers.search_api(default_retriever, query, k=3)
    except ValueError as error:
        assert str(error) in (msg.EMPTY_INPUT, msg.TOO_LONG, msg.PUNCTUATION_ONLY)
        return
    assert set(data) >= {"query", "filters", "hits", "low_confidence"}
    assert len(data["hits"]) <= 3


def test_script_in_a_question_is_shown_as_text(default_retriever):
    question = "消防车通道<script>alert('x')</script>有什么要求"
    conversation = handlers.ask(default_retriever, Conversation(), question)
    messages = handlers.chat_messages(conversation)
    shown = html.unescape(messages[0]["content"])
    assert shown == question and "<script" not in messages[0]["content"]
    assert conversation.turns[0].result is not None
    assert conversation.turns[0].result.hits, "the words around the tag are still searched"
    assert not any(DANGEROUS_TAG.search(m["content"]) for m in messages)
