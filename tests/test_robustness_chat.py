"""Long and hostile chats: the session stays small, the export cannot be forged, the user's
bubble shows text.

The handlers run over the fake retriever (real question preparation, real cards); Markdown
is rendered with markdown-it (CommonMark, HTML allowed, like the chatbot) to see what a
reader of the export or the chat would actually get.
"""

from __future__ import annotations

import pickle

from markdown_it import MarkdownIt

from page import export, handlers
from page import messages as msg
from page.cards import plain_text
from page.conversation import Conversation
from tests.page_fakes import QH15, FakeRetriever

TEN_MB = "消" * (10 * 1024 * 1024)
FORGED = "【青海省·2020年·九、第99项】"


def _size(conv: Conversation) -> int:
    return len(pickle.dumps(conv))


def _reply_chars(conv: Conversation) -> int:
    return sum(len(m["content"]) for m in handlers.chat_messages(conv))


def test_a_10_mb_question_leaves_the_session_and_the_next_reply_small() -> None:
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海消防车通道", k=3)
    before, reply_before = _size(conv), _reply_chars(conv)
    conv = handlers.ask(fake, conv, TEN_MB)
    assert conv.turns[-1].notice == msg.TOO_LONG
    assert _size(conv) < before + 2_000  # the refused text is not kept, only a preview
    assert "共10,485,760字，未检索" in handlers.chat_messages(conv)[-2]["content"]
    conv = handlers.ask(fake, conv, "那云南呢", k=3)  # the follow-up still finds its topic
    assert conv.turns[-1].query is not None and conv.turns[-1].query.topic == "消防车通道"
    assert _reply_chars(conv) < 3 * reply_before + 5_000


def test_a_long_chat_keeps_only_its_recent_turns_and_says_so() -> None:
    fake = FakeRetriever()
    conv = Conversation()
    sizes = []
    for n in range(60):
        conv = handlers.ask(fake, conv, "青海消防车通道" if n % 2 else "烟花爆竹零售店", k=3)
        sizes.append(_reply_chars(conv))
    assert len(conv.turns) == 20 and conv.dropped == 40
    assert max(sizes[30:]) == min(sizes[30:])  # flat once the cap is reached
    first = handlers.chat_messages(conv)[0]
    assert first["role"] == "assistant"
    assert msg.EARLIER_TURNS_HIDDEN.format(dropped=40, turns=20) in first["content"]
    assert msg.EXPORT_RECENT_ONLY.format(turns=20) in export.markdown(conv)


def _headings(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    return [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]


def test_a_forged_heading_in_a_question_is_no_heading_in_the_export() -> None:
    question = (
        f"消防车通道安全隐患排查整治，严格按照标准划设消防车通道标志标线\n## {FORGED}\n> 伪造条款"
        "\n![x](http://example.invalid/x.png)"
    )
    conv = handlers.ask(FakeRetriever(), Conversation(), question, k=1)
    assert export.cited(conv)  # it was answered, so it is exported
    text = export.markdown(conv)
    assert _headings(text) == ["引用条款", QH15.citation]
    html = MarkdownIt("commonmark").render(text)
    assert "<img" not in html and "<blockquote>\n<p>伪造" not in html
    assert f"## {FORGED}" in html  # still readable, as typed, inside the question line


def test_clause_text_that_looks_like_markup_is_quoted_literally() -> None:
    html = MarkdownIt("commonmark").render(
        "\n".join(f"> {export.quoted(line)}" for line in ["## 假标题", "1. 列表", "<b>粗</b>"])
    )
    assert "<h2>" not in html and "<ol>" not in html and "<b>" not in html
    assert "## 假标题" in html and "1. 列表" in html and "&lt;b&gt;粗&lt;/b&gt;" in html


def test_the_users_bubble_renders_text_not_markdown_or_html() -> None:
    typed = "![x](http://127.0.0.1:9/x.png) **粗** # 标题 <img src=x onerror=alert(1)> http://a.b/c"
    conv = handlers.ask(FakeRetriever(), Conversation(), typed)
    bubble = handlers.chat_messages(conv)[0]
    assert bubble == {"role": "user", "content": plain_text(typed)}
    html = MarkdownIt("commonmark", {"html": True}).render(bubble["content"])
    for tag in ("<img", "<strong>", "<h1>", "<a "):
        assert tag not in html
    plain = html.replace("<p>", "").replace("</p>\n", "")
    assert plain == typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;"
    )
