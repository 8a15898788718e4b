"""Cleaning: boilerplate, duplicated bodies and blank lines go; the document stays."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.cleaning import ATTACHMENT, DUPLICATE, PAGE_TITLE, SUMMARY, WEB_META, clean_text

DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"
ZHEJIANG = DOCUMENTS / "zhejiang-2021-yingji-guanli-gongzuo-yaodian.txt"
YUNNAN = DOCUMENTS / "yunnan-2019-anweihui-gongzuo-yaodian.txt"
QINGHAI = DOCUMENTS / "qinghai-2020-anweihui-gongzuo-yaodian.txt"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_web_page_chrome_is_removed_and_the_document_kept() -> None:
    clean = clean_text(_read(ZHEJIANG))
    for junk in (
        "新聞資訊",
        "分類:",
        "作者:",
        "來源:",
        "發布時間",
        "訪問量",
        "概要描述",
        "更多產品",
        "給我們留言",
        "LEAVE US",
    ):
        assert junk not in clean.text, junk
    lines = clean.text.split("\n")
    assert lines[0] == "2021年全省應急管理工作要點"  # the document's own title, not the page's
    assert lines[-1].startswith("(三)推行指數評價。")


def test_the_summary_list_is_removed_but_the_body_headings_stay_once() -> None:
    clean = clean_text(_read(ZHEJIANG))
    for heading in (
        "(一)以真正壓實責任為關鍵,提升責任傳導力。",
        "(九)以打造應急鐵軍為支撐,提升履職專業力。",
    ):
        assert clean.text.split("\n").count(heading) == 1
    summary_lines = [r.text for r in clean.removed if r.reason == SUMMARY]
    assert "(五)以深化自然災害重點工程建設為牽引,提升災害防范力。" in summary_lines


def test_removals_are_reported_with_reason_and_line_number() -> None:
    raw = _read(ZHEJIANG)
    clean = clean_text(raw)
    raw_lines = raw.replace("\r\n", "\n").split("\n")
    for removal in clean.removed:
        assert raw_lines[removal.line - 1].strip() == removal.text
    reasons = {r.reason for r in clean.removed}
    assert {WEB_META, SUMMARY, PAGE_TITLE} <= reasons
    assert "web metadata" in clean.summary()


def test_a_body_pasted_twice_is_kept_once() -> None:
    clean = clean_text(_read(YUNNAN))
    lines = clean.text.split("\n")
    long_lines = [line for line in lines if len(line) > 20]
    assert len(long_lines) == len(set(long_lines))
    assert lines[0] == "各州、市人民政府,省級有關部門,各有關單位:"  # the first copy is the one kept
    assert any(r.reason == DUPLICATE for r in clean.removed)


def test_attachment_download_lines_are_removed() -> None:
    clean = clean_text(_read(YUNNAN))
    assert "附件下載" not in clean.text
    assert ".PDF" not in clean.text
    assert [r.reason for r in clean.removed if "PDF" in r.text] == [ATTACHMENT]


def test_a_clean_document_only_loses_blank_lines() -> None:
    raw = _read(QINGHAI)
    clean = clean_text(raw)
    expected = [line.strip() for line in raw.split("\n") if line.strip()]
    assert clean.text.split("\n") == expected
    assert clean.summary() == "-"


def test_duplicate_detection_is_general_and_ignores_short_repeats() -> None:
    block = [
        f"{n}.第{n}项工作任务。要求各地区各部门认真落实，确保取得实效，按期完成目标。"
        for n in range(1, 9)
    ]
    raw = "\n".join(
        ["工作要点", "三、工作要求", *block, "三、工作要求", "正文结束。", *block, "落款"]
    )
    clean = clean_text(raw)
    lines = clean.text.split("\n")
    assert lines == ["工作要点", "三、工作要求", *block, "三、工作要求", "正文结束。", "落款"]
    assert sum(r.reason == DUPLICATE for r in clean.removed) == 8


def test_simplified_web_boilerplate_and_crlf() -> None:
    raw = "新闻资讯\r\n\r\n页面标题\r\n- 来源：某省应急管理厅\r\n- 发布时间：2022-01-01\r\n正文标题\r\n\u3000\u3000正文第一段。\r\n给我们留言\r\n"
    clean = clean_text(raw)
    assert clean.text == "正文标题\n正文第一段。"


def test_unbulleted_page_header_lines_are_removed_but_meeting_times_kept() -> None:
    raw = "关于召开安全生产会议的通知\n发布时间：2023-11-20 09:30 来源：省应急管理厅 浏览次数：12\n时间：2023年11月23日上午9时\n地点：省应急管理厅三楼会议室"
    clean = clean_text(raw)
    assert (
        clean.text
        == "关于召开安全生产会议的通知\n时间：2023年11月23日上午9时\n地点：省应急管理厅三楼会议室"
    )
    assert [r.reason for r in clean.removed] == [WEB_META]


# --- the fast repeat finder agrees with the definition ------------------------------------


def _reference_longest_repeat(seq: list[str]) -> tuple[int, int] | None:
    """The definition, line by line (quadratic): every earlier occurrence that starts a
    maximal run, extended without overlapping; the most characters wins, earliest first."""
    from corpus.cleaning import MIN_DUPLICATE_CHARS, MIN_DUPLICATE_LINES

    best, best_chars = None, 0
    for j in range(len(seq)):
        for i in range(j):
            if seq[i] != seq[j] or (i > 0 and seq[i - 1] == seq[j - 1]):
                continue
            length = 0
            while j + length < len(seq) and i + length < j and seq[i + length] == seq[j + length]:
                length += 1
            chars = sum(len(s) for s in seq[j : j + length])
            if (
                length >= MIN_DUPLICATE_LINES
                and chars >= MIN_DUPLICATE_CHARS
                and chars > best_chars
            ):
                best, best_chars = (j, length), chars
    return best


_LINES = st.sampled_from(["甲" * 80, "乙" * 90, "丙" * 70, "丁" * 100, "戊" * 60, "短"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=36).filter(lambda s: max(Counter(s).values(), default=0) <= 9))
def test_the_fast_repeat_finder_finds_the_run_the_definition_finds(seq: list[str]) -> None:
    """Lines repeated at most 9 times, so every earlier occurrence is a candidate."""
    from corpus.cleaning import _longest_repeat

    assert _longest_repeat(seq) == _reference_longest_repeat(seq)
