"""Every bad ``/search`` input, sent through gradio_client to a served page, gets the
Chinese message — never a Python error — and the server answers a normal query after."""

from __future__ import annotations

import pytest
from gradio_client import Client

from page import messages as msg
from tests.page_server import SmallIndex, running_page

PYTHON_WORDS = ("object has no attribute", "Traceback", "NoneType", "TypeError", "unknown province")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    retriever = SmallIndex(tmp_path_factory.mktemp("api-inputs") / "index")()
    with running_page(retriever) as url:
        yield Client(url, verbose=False, download_files=False)


BAD = [
    pytest.param((123, [], [], 5), msg.NOT_TEXT.format(kind="整数"), id="number-question"),
    pytest.param((["百吨王"], [], [], 5), msg.NOT_TEXT.format(kind="列表"), id="list-question"),
    pytest.param((None, [], [], 5), msg.EMPTY_INPUT, id="no-question"),
    pytest.param(("？？？", [], [], 5), msg.PUNCTUATION_ONLY, id="punctuation"),
    pytest.param(("百吨王", "青", [], 5), "“青”不是现有文件中的省份", id="province-char"),
    pytest.param(
        ("百吨王", ["广东省"], [], 5), "“广东省”不是现有文件中的省份", id="province-absent"
    ),
    pytest.param(("百吨王", 7, [], 5), "省份必须是省份名称的列表", id="province-number"),
    pytest.param(("百吨王", [1], [], 5), "省份必须是省份名称的列表", id="province-list-of-numbers"),
    pytest.param(("百吨王", [], "2020", 5), "年份必须是整数或整数列表", id="year-string"),
    pytest.param(("百吨王", [], [2020.5], 5), "年份必须是整数或整数列表", id="year-fraction"),
    pytest.param(("百吨王", [], [99999], 5), "年份 99999 不在 1949–2100 之间", id="year-range"),
    pytest.param(("百吨王", [], [], 0), "条款数 k 必须是 1 到 50", id="k-zero"),
    pytest.param(("百吨王", [], [], 51), "条款数 k 必须是 1 到 50", id="k-big"),
    pytest.param(("百吨王", [], [], "5"), "条款数 k 必须是 1 到 50", id="k-string"),
    pytest.param(("百吨王", [], [], 2.5), "条款数 k 必须是 1 到 50", id="k-fraction"),
]


@pytest.mark.parametrize(("args", "expected"), BAD)
def test_a_bad_search_input_gets_its_message_and_the_next_query_is_answered(client, args, expected):
    with pytest.raises(Exception) as refused:
        client.predict(*args, api_name="/search")
    text = str(refused.value)
    assert expected in text
    assert not any(word in text for word in PYTHON_WORDS)
    data = client.predict("百吨王超限超载", [], [], 3, api_name="/search")
    assert data["hits"] and "百吨王" in data["hits"][0]["text"]


def test_one_province_given_as_a_string_filters_by_that_province(client):
    data = client.predict("专项整治", "云南", 2019, 3, api_name="/search")
    assert data["hits"] and {h["province"] for h in data["hits"]} == {"云南省"}
    assert data["filters"]["province"] == ["云南省"]
