"""Segmenter: what a user searching the lexical index relies on."""

from __future__ import annotations

import warnings

import pytest

from index.segment import Segmenter, SegmenterMismatch, cjk_bigrams, harvest_terms

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import jieba


def test_numbers_with_units_stay_whole_and_bare_numbers_remain_searchable() -> None:
    seg = Segmenter()
    tokens = seg.tokens("6月底前完成150座以上隧道整治，事故下降20%，2020年目标")
    for whole in ("6月底", "150座", "20%", "2020年"):
        assert whole in tokens
    for bare in ("150", "20", "2020"):
        assert bare in tokens
    assert "座" not in seg.words("150座隧道")


def test_quoted_terms_are_harvested_split_on_punctuation() -> None:
    terms = harvest_terms(
        [
            "严厉打击“百吨王”，落实「三个必须」，贯彻《安全生产法》",
            '推进"两客一危"治理，坚持“党政同责、一岗双责”，“5678”与“芯”不是术语',
        ]
    )
    assert {"百吨王", "三个必须", "安全生产法", "两客一危", "党政同责", "一岗双责"} <= set(terms)
    assert "5678" not in terms
    assert "芯" not in terms


def test_user_terms_are_single_words() -> None:
    seg = Segmenter(["头顶库", "掌上应急"])
    assert "头顶库" in seg.words("开展尾矿库头顶库综合治理")
    assert "掌上应急" in seg.words("建设掌上应急平台")


def test_builtin_domain_terms_are_single_words() -> None:
    seg = Segmenter()
    assert "百吨王" in seg.words("严厉打击百吨王行为")
    assert "两客一危" in seg.words("两客一危车辆动态监控")
    assert "危化品" in seg.words("深化危化品安全专项整治")


def test_user_terms_do_not_leak_into_global_jieba_or_other_segmenters() -> None:
    term = "码上转办"
    with_term = Segmenter([term])
    assert term in with_term.words(f"推进{term}机制")
    assert term not in Segmenter().words(f"推进{term}机制")
    assert term not in jieba.lcut(f"推进{term}机制")


def test_tokens_include_bigrams_and_drop_punctuation_and_stopwords() -> None:
    seg = Segmenter()
    tokens = seg.tokens("青海省关于安全生产有什么要求？")
    assert "安全" in tokens  # domain word survives (general stopword lists drop it)
    assert "要求" in tokens
    assert "关于" not in seg.words("青海省关于安全生产有什么要求？")
    assert "什么" not in seg.words("青海省关于安全生产有什么要求？")
    assert not any(t in {"？", "，", " "} for t in tokens)
    assert {"青海", "海省"} <= set(tokens)


def test_cjk_bigrams_of_runs() -> None:
    assert cjk_bigrams("安全生产，省") == ["安全", "全生", "生产", "省"]
    assert cjk_bigrams("abc 123") == []


def test_config_round_trip_segments_identically() -> None:
    seg = Segmenter.from_texts(["落实“管行业必须管安全”和“放管服”改革"])
    config = seg.to_config()
    assert config["user_terms_count"] == len(seg.user_terms) >= 2
    assert config["jieba_version"] == jieba.__version__
    restored = Segmenter.from_config(config)
    text = "深化放管服改革，管行业必须管安全，6月底前完成"
    assert restored.tokens(text) == seg.tokens(text)
    assert restored.user_terms == seg.user_terms


def test_config_from_another_segmenter_version_is_refused() -> None:
    config = Segmenter(["百吨王"]).to_config()
    with pytest.raises(SegmenterMismatch, match="segmented by"):
        Segmenter.from_config({**config, "name": "something-else/0"})
    with pytest.raises(ValueError, match="checksum"):
        Segmenter.from_config({**config, "user_terms": ["别的词"]})
