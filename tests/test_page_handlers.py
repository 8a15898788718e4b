"""The page's handlers: asking, follow-ups, filters and chips, refusals, low confidence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.store import open_index
from page import handlers
from page import messages as msg
from page.conversation import Conversation
from retriever.gather import GATHER_DEPTH
from retriever.search import Retriever
from tests.index_fakes import FakeEncoder, make_corpus
from tests.page_fakes import QH14, QH16, YN, ZJ, FakeRetriever


def _assistant_text(conv: Conversation, simplified: bool = False) -> str:
    return "".join(
        m["content"]
        for m in handlers.chat_messages(conv, simplified=simplified)
        if m["role"] == "assistant"
    )


def _last_answer(conv: Conversation) -> str:
    messages = handlers.turn_messages(conv.turns[-1])
    return "".join(m["content"] for m in messages)


def test_question_with_province_and_year_cites_the_matching_clause_first():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海2020年对消防车通道有什么要求")
    call = fake.calls[-1]
    assert call["province"] == ["青海省"] and call["year"] == [2020]
    assert "青海" not in call["query"] and "消防车通道" in call["query"]
    answer = _last_answer(conv)
    assert answer.index(msg.ANSWER_PREFIX) < answer.index("【青海省·2020年·第15项】")
    assert "<mark>消防</mark>" in answer or "<mark>通道</mark>" in answer
    assert "云南省" not in answer


def test_follow_up_with_a_province_keeps_the_topic_and_switches_province():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海2020年对消防车通道有什么要求")
    conv = handlers.ask(fake, conv, "那云南呢？")
    first, second = fake.calls
    assert second["query"] == first["query"]
    assert second["province"] == ["云南省"]
    assert second["year"] is None  # 青海's 2020 would exclude every 云南 document
    answer = _last_answer(conv)
    assert "【云南省·2019年·二、（三）4】" in answer
    assert "青海省·2020年" not in answer
    assert handlers.chips(conv) == ["云南省"]


def test_follow_up_with_a_year_narrows_the_previous_question():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "消防车通道有什么要求")
    conv = handlers.ask(fake, conv, "只看2019年的")
    assert fake.calls[-1]["query"] == fake.calls[0]["query"]
    assert fake.calls[-1]["year"] == [2019]
    answer = _last_answer(conv)
    assert "【云南省·2019年" in answer and "青海省" not in answer


def test_year_follow_up_keeps_the_province_of_the_previous_question():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海消防车通道有什么要求")
    handlers.ask(fake, conv, "只看2020年的")
    assert fake.calls[-1]["province"] == ["青海省"] and fake.calls[-1]["year"] == [2020]


def test_follow_up_without_an_earlier_question_asks_for_one():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "那云南呢？")
    assert fake.calls == []
    assert msg.NO_FOLLOW_UP_TOPIC in _last_answer(conv)


def test_sidebar_filters_apply_unless_the_question_names_its_own():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "消防车通道", provinces=["云南省"], years=[2019])
    assert fake.calls[-1]["province"] == ["云南省"] and fake.calls[-1]["year"] == [2019]
    assert "【云南省·2019年" in _last_answer(conv)
    handlers.ask(fake, conv, "青海消防车通道", provinces=["云南省"])
    assert fake.calls[-1]["province"] == ["青海省"]


def test_number_of_results_is_passed_on():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "消防车通道整治", k=1)
    # Searched deeper (points of a gathered answer may come from below the cards), shown k.
    assert fake.calls[-1]["k"] == GATHER_DEPTH
    assert _last_answer(conv).count('class="qa-card"') == 1


def test_unticking_a_detected_chip_searches_again_without_that_filter():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海2020年对消防车通道有什么要求")
    assert handlers.chips(conv) == ["青海省", "2020年"]
    conv = handlers.refine(fake, conv, ["2020年"])
    assert fake.calls[-1]["province"] is None and fake.calls[-1]["year"] == [2020]
    assert len(conv.turns) == 1  # the answer was corrected, not a new question added
    assert handlers.chips(conv) == ["2020年"]
    conv = handlers.refine(fake, conv, [])
    assert fake.calls[-1]["province"] is None and fake.calls[-1]["year"] is None
    assert "【云南省·2019年" in _last_answer(conv)


def test_refine_without_a_change_does_not_search_again():
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), "青海消防车通道")
    assert handlers.refine(fake, conv, ["青海省"]) is conv
    assert len(fake.calls) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", msg.EMPTY_INPUT),
        ("   \n", msg.EMPTY_INPUT),
        (None, msg.EMPTY_INPUT),
        ("消" * (msg.MAX_QUESTION_CHARS + 1), msg.TOO_LONG),
        ("？？！。", msg.PUNCTUATION_ONLY),
        ("...///", msg.PUNCTUATION_ONLY),
    ],
)
def test_unsearchable_input_gets_a_clear_message_and_no_search(text, expected):
    fake = FakeRetriever()
    conv = handlers.ask(fake, Conversation(), text)
    assert fake.calls == []
    assert expected in _last_answer(conv)
    assert msg.ANSWER_PREFIX not in _last_answer(conv)


def test_question_of_exactly_the_maximum_length_is_searched():
    fake = FakeRetriever()
    handlers.ask(fake, Conversation(), "消防车通道" * (msg.MAX_QUESTION_CHARS // 5))
    assert len(fake.calls) == 1


def test_low_confidence_says_so_and_shows_weak_matches_only_collapsed():
    fake = FakeRetriever(low=True)
    conv = handlers.ask(fake, Conversation(), "青海省航天发射场安全")
    messages = handlers.turn_messages(conv.turns[-1])
    assert msg.LOW_CONFIDENCE in messages[0]["content"]
    assert "青海省" in messages[0]["content"]  # names the filter to remove
    assert msg.ANSWER_PREFIX not in "".join(m["content"] for m in messages)
    collapsed = [m for m in messages if m.get("metadata")]
    assert collapsed and collapsed[0]["metadata"]["title"] == msg.MAYBE_RELATED
    assert "qa-card" not in messages[0]["content"]


def test_low_confidence_without_filters_suggests_rephrasing():
    conv = handlers.ask(FakeRetriever(low=True), Conversation(), "航天发射场")
    first = handlers.turn_messages(conv.turns[-1])[0]["content"]
    assert msg.LOW_CONFIDENCE_HINT in first


def test_question_about_a_province_without_documents_says_so_by_name():
    fake = FakeRetriever(low=True)
    search = fake.search

    def search_about_guangdong(*args, **kwargs):
        result = search(*args, **kwargs)
        return replace(result, filters=replace(result.filters, absent=("广东省",)))

    fake.search = search_about_guangdong
    conv = handlers.ask(fake, Conversation(), "广东省消防车通道管理")
    first = handlers.turn_messages(conv.turns[-1])[0]["content"]
    assert msg.LOW_CONFIDENCE in first
    assert msg.ABSENT_PROVINCES.format(provinces="广东省") in first


def test_clause_text_with_markup_is_shown_as_text():
    conv = handlers.ask(FakeRetriever(), Conversation(), "浙江危化品整治目标")
    answer = _last_answer(conv)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in answer
    assert "<script>" not in answer


def test_question_with_markup_is_shown_as_text():
    conv = handlers.ask(FakeRetriever(), Conversation(), "<img src=x onerror=alert(1)>消防")
    user = handlers.chat_messages(conv)[0]
    assert user["role"] == "user" and "<img" not in user["content"]
    assert "&#60;img" in user["content"]  # shown as typed: see test_robustness_chat.py


def test_simplified_switch_shows_the_simplified_text_of_traditional_clauses():
    conv = handlers.ask(FakeRetriever(), Conversation(), "云南消防车通道")
    assert "開展高層建築" in _assistant_text(conv)
    simplified = _assistant_text(conv, simplified=True)
    assert "开展高层建筑" in simplified and "開展高層建築" not in simplified


def test_cards_offer_the_neighbouring_clauses_of_the_same_document():
    conv = handlers.ask(FakeRetriever(), Conversation(), "青海消防车通道", k=1)
    answer = _last_answer(conv)
    assert msg.CARD_CONTEXT in answer
    assert QH14.text[3:12] in answer and QH16.text[3:12] in answer
    assert YN.text[2:8] not in answer and ZJ.text[2:5] not in answer


def test_search_api_returns_the_result_json_with_detected_filters():
    fake = FakeRetriever()
    data = handlers.search_api(fake, "消防车通道", ["云南省"], [2019], 3)
    assert fake.calls[-1]["province"] == ["云南省"] and fake.calls[-1]["year"] == [2019]
    assert data["hits"][0]["citation"] == "【云南省·2019年·二、（三）4】"
    assert data["filters"]["province"] == ["云南省"]


def test_search_api_refuses_empty_questions_with_the_page_message():
    with pytest.raises(ValueError, match=msg.EMPTY_INPUT):
        handlers.search_api(FakeRetriever(), "  ")


# --- the chat over a real Retriever (small fake index, fake encoder) ------------------------


@pytest.fixture(scope="module")
def real_retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    corpus = make_corpus()
    encoder = FakeEncoder()
    folder = tmp_path_factory.mktemp("page-index") / "index"
    backend = open_index(folder, corpus, encoder, progress=False, log=lambda _: None)
    return Retriever(backend, encoder, corpus)


def test_chat_names_a_province_without_documents_like_the_api(real_retriever):
    question = "广东省危化品安全整治有什么要求"
    conv = handlers.ask(real_retriever, Conversation(), question)
    turn = conv.turns[-1]
    assert turn.result is not None and turn.result.low_confidence and not turn.answered
    assert turn.result.filters.absent == ("广东省",)
    api = handlers.search_api(real_retriever, question)
    assert api["low_confidence"] and api["filters"]["absent"] == ["广东省"]
    shown = _last_answer(conv)
    assert msg.ABSENT_PROVINCES.format(provinces="广东省") in shown
    assert msg.SEARCHED_WITH.format(filters=msg.ALL_DOCUMENTS) in shown


def test_a_follow_up_to_a_province_without_documents_is_low_confidence(real_retriever):
    conv = handlers.ask(real_retriever, Conversation(), "青海2020年超限超载整治有什么要求")
    first = conv.turns[-1]
    assert first.answered and first.result.hits[0].clause.province == "青海省"
    conv = handlers.ask(real_retriever, conv, "那广东呢")
    turn = conv.turns[-1]
    assert turn.query is not None and turn.query.follow_up
    assert turn.result is not None and turn.result.low_confidence
    assert turn.result.filters.absent == ("广东省",) and turn.result.filters.provinces == ()
    assert msg.ABSENT_PROVINCES.format(provinces="广东省") in _last_answer(conv)
