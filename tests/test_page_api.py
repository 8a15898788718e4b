"""The ``/search`` endpoint, called with gradio_client against a real server."""

from __future__ import annotations

import pytest
from gradio_client import Client

from page import messages as msg
from tests.page_server import running_page

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def client(default_retriever):
    with running_page(default_retriever) as url:
        # download_files=False: a hit's "path" (its heading path) would otherwise be taken for a
        # file to download, as gradio_client treats any {"path": str} dict as a file.
        yield Client(url, verbose=False, download_files=False)


def test_search_endpoint_answers_with_cited_clauses_and_detected_filters(client):
    data = client.predict("青海2020年对消防车通道有什么要求", [], [], 5, api_name="/search")
    assert data["low_confidence"] is False
    first = data["hits"][0]
    assert first["citation"].startswith("【青海省·2020年·") and first["citation"].endswith(
        "第15项】"
    )
    assert "消防车通道" in first["text"]
    assert data["filters"]["province"] == ["青海省"] and data["filters"]["year"] == [2020]
    assert 1 <= len(data["hits"]) <= 5


def test_search_endpoint_applies_explicit_filters(client):
    data = client.predict("消防安全", ["云南省"], [2019], 3, api_name="/search")
    assert data["hits"] and len(data["hits"]) <= 3
    # National laws apply in every province and year: they pass the filters, labelled 全国.
    documents = [h for h in data["hits"] if h["jurisdiction"] != "全国"]
    assert documents and {h["province"] for h in documents} == {"云南省"}
    assert {h["year"] for h in documents} == {2019}
    assert all(h["province"] == "" for h in data["hits"] if h["jurisdiction"] == "全国")


def test_search_endpoint_refuses_an_empty_question_with_the_page_message(client):
    with pytest.raises(Exception, match=msg.PUNCTUATION_ONLY):
        client.predict("？？？", [], [], 5, api_name="/search")


def test_compare_endpoint_returns_one_entry_per_source(client):
    data = client.predict("危化品", ["浙江省", "云南省"], [], True, api_name="/compare")
    provinces = [s for s in data["sources"] if not s["national"]]
    assert [s["source"] for s in provinces] == ["浙江省", "云南省"]
    assert all(
        c["citation"].startswith(f"【{s['source']}·") for s in provinces for c in s["clauses"]
    )
    with pytest.raises(Exception, match=msg.COMPARE_ONE_SOURCE):
        client.predict("危化品", ["浙江省"], [], False, api_name="/compare")
