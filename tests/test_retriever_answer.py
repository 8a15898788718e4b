"""Matched terms and the answer sentence, on Traditional text shown in its own script."""

from corpus.clause import Clause, DocMeta
from corpus.script import to_simplified
from index.segment import Segmenter
from retriever.answer import best_sentence, coverage, holds, matched_terms, split_sentences

YUNNAN = DocMeta(
    doc_id="yunnan-2019",
    title="云南省安全生產委員會2019年度安全生產工作要點",
    province="云南省",
    year=2019,
)
RETAIL = (
    "5.深化煙花爆竹企業專項整治。加快推動煙花爆竹生產企業改造升級,深化分包、轉包、“三超一改”專項整治。"
    "規範批發企業經營行為,深化零售經營安全專項治理。堅決關閉“下店上宅”“前店后宅”的零售店,嚴格落實“三個嚴禁”要求。"
)


def clause(text: str, text_norm: str | None = None) -> Clause:
    norm = to_simplified(text) if text_norm is None else text_norm
    return Clause(
        id="yunnan-2019:2-3-5",
        doc=YUNNAN,
        kind="item",
        item="二、（三）5",
        path=("二、", "（三）"),
        text=text,
        text_norm=norm,
        start=0,
        end=len(text),
    )


SEGMENTER = Segmenter()


def words(question: str) -> list[str]:
    return SEGMENTER.words(to_simplified(question))


def test_matched_terms_are_in_the_clause_original_traditional_script():
    terms = matched_terms(clause(RETAIL), words("烟花爆竹零售店有什么规定"))
    assert "煙花爆竹" in terms
    assert "零售店" in terms
    assert "烟花爆竹" not in terms  # the Simplified form is not what the page must highlight
    assert all(term in RETAIL for term in terms)


def test_matched_terms_are_longest_first_and_drop_lone_stopword_characters():
    terms = matched_terms(clause(RETAIL), ["煙花爆竹", "零售", "的", "零售店"])
    assert list(terms) == sorted(terms, key=len, reverse=True)
    assert "的" not in terms


def test_pieces_cut_apart_by_the_segmenter_are_highlighted_as_one_phrase():
    text = "严查“百吨王”以及大客车超速、超员等严重违法行为。"
    terms = matched_terms(clause(text), ["百吨", "王"])
    assert terms == ("百吨王",)


def test_answer_is_the_sentence_about_the_question_not_the_title_line():
    answer = best_sentence(clause(RETAIL), words("烟花爆竹零售店有什么规定"))
    assert answer == "堅決關閉“下店上宅”“前店后宅”的零售店,嚴格落實“三個嚴禁”要求。"


def test_answer_without_any_match_is_the_first_sentence():
    assert best_sentence(clause(RETAIL), words("天气")) == "5.深化煙花爆竹企業專項整治。"


def test_misaligned_normalised_text_falls_back_to_per_character_conversion():
    # A text_norm whose length differs from the text (e.g. produced by another converter)
    # must not shift highlights onto the wrong characters.
    broken = clause(RETAIL, text_norm="X" + to_simplified(RETAIL))
    terms = matched_terms(broken, words("零售店 烟花爆竹"))
    assert set(terms) >= {"零售店", "煙花爆竹"}


def test_sentences_split_on_chinese_and_ascii_enders_and_newlines():
    parts = [s.text for s in split_sentences("一、总则；二是加强。三?好!\n四")]
    assert parts == ["一、总则；", "二是加强。", "三?", "好!", "四"]


def test_coverage_counts_query_characters_found():
    c = clause(RETAIL)
    assert coverage(words("烟花爆竹零售店"), c) == 1.0
    assert coverage(words("医保报销比例"), c) == 0.0
    assert 0 < coverage(words("烟花爆竹签证"), c) < 1


def test_an_abbreviation_covers_its_full_form_in_either_script():
    """危化品 is how officials write 危险化学品; 云南's item says 危險化學品 (Traditional)."""
    item = clause("4.打好危險化學品綜合治理攻堅戰。全力推進危險化學品安全綜合治理。")
    assert coverage(["危化品"], item) == 1.0
    assert holds("国务院安全生产委员会成员单位", "安委会")  # 安(全生产)委(员)会


def test_an_abbreviation_match_stays_close_and_needs_three_characters():
    assert not holds("危险废物与有毒化学物质的产品", "危化品")  # 危…(5 chars)…化: too far apart
    assert not holds("股市里的票据", "股票")  # two characters could be anything in order
    assert not holds("危险，化学品", "危化品")  # not across punctuation
    assert holds("危化品", "危化品") and holds("消防车通道", "消防")
