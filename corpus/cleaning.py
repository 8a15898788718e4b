"""Cleaning: from the text a reader returns to the document's own text.

Removes what is not part of the document — web-page chrome (category/author/source/date/
visit-count lines, the 【概要描述】 summary, "more products"/"leave us a message" footers),
attachment download lines, a body that was pasted twice, and blank lines — and reports
every line it removed, so the CLI can show what happened to each file.

The rules are patterns of boilerplate lines, not lists of known files: a line is removed for
what it looks like (or, for the duplicated body, for being the second copy of a long run of
identical lines). The clean text keeps the document's own script; lines are stripped of
surrounding whitespace (including the ideographic indent ``"\\u3000\\u3000"``) and joined
with ``"\\n"``, so a line's offset in the clean text is easy to follow.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: Why a line was removed (the values the CLI reports).
WEB_META = "web metadata"
WEB_CHROME = "web chrome"
PAGE_TITLE = "page title"
SUMMARY = "summary"
ATTACHMENT = "attachment"
DUPLICATE = "duplicate block"
BLANK = "blank"

_META_KEYS = (
    "分類|分类|作者|來源|来源|發布時間|发布时间|發佈時間|發表時間|发表时间|時間|时间|"
    "訪問量|访问量|瀏覽量|浏览量|瀏覽次數|浏览次数|點擊數|点击数|閱讀|阅读|"
    "責任編輯|责任编辑|編輯|编辑|字號|字号|關鍵詞|关键词"
)
#: ``- 分類:行業動態``: a list-style key/value line of a scraped page's header.
_META_LINE = re.compile(rf"^[-–—•·*]\s*(?:{_META_KEYS})\s*[:：]")
#: Keys that only a web page's header starts a line with, so no bullet is needed
#: (``发布时间：2023-11-23 来源：省应急厅 浏览次数：12``); ``时间：`` is left alone, since a
#: meeting notice legitimately starts a line with it.
_WEB_KEYS = (
    "發布時間|发布时间|發佈時間|發布日期|发布日期|來源|来源|訪問量|访问量|瀏覽次數|浏览次数|"
    "瀏覽量|浏览量|點擊數|点击数|點擊量|点击量|責任編輯|责任编辑|字號|字号"
)
_WEB_META_LINE = re.compile(rf"^(?:{_WEB_KEYS})\s*[:：]")
_MAX_META_LINE = 80
#: Navigation and footer lines of a web page, matched whole.
_CHROME_LINE = re.compile(
    r"^(?:新聞資訊|新闻资讯|新聞中心|新闻中心|更多產品|更多产品|更多新聞|更多新闻|"
    r"給我們留言|给我们留言|leave us a message|返回頂部|返回顶部|返回列表|"
    r"打印本頁|打印本页|關閉窗口|关闭窗口|上一篇.*|下一篇.*|分享到.*)$",
    re.IGNORECASE,
)
_SUMMARY_START = re.compile(r"^【(?:概要描述|摘要|内容摘要|內容摘要)】")
_ENUM_START = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])"
)
_ATTACHMENT_HEAD = re.compile(r"^(?:附件下載|附件下载|相關附件|相关附件|附件)\s*[:：]?\s*$")
_FILE_NAME = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|txt)\s*$", re.IGNORECASE)
_SENTENCE_PUNCT = re.compile(r"[，,。；;：:！!？?]")

#: A repeated block must be at least this long to count as a pasted-twice body (a couple of
#: identical short lines — two ``三、工作要求`` headings — are not a duplicate body).
MIN_DUPLICATE_LINES = 3
MIN_DUPLICATE_CHARS = 200
#: A summary's line-by-line list holds short lines; a longer one is body text again.
_MAX_SUMMARY_LINE = 60


@dataclass(frozen=True)
class Removal:
    """One removed line: why, where (1-based line number in the input) and what."""

    reason: str
    line: int
    text: str


@dataclass(frozen=True)
class CleanText:
    """The clean text of a document and the lines removed from the input to get it."""

    text: str
    removed: tuple[Removal, ...] = ()

    def counts(self) -> dict[str, int]:
        """Removed lines by reason, in the order reasons were first met."""
        return dict(Counter(r.reason for r in self.removed))

    def summary(self) -> str:
        """A short human summary, e.g. ``"web metadata 10, duplicate block 49"`` (blanks left out)."""
        parts = [f"{reason} {n}" for reason, n in self.counts().items() if reason != BLANK]
        return ", ".join(parts) or "-"


def clean_text(raw: str) -> CleanText:
    """Clean a document's raw text; see the module docstring for what is removed and why.

    Line endings are normalised and a byte-order mark dropped first. Boilerplate is removed
    before looking for a duplicated body, so chrome between the two copies (001's 附件下載
    line) does not hide the repetition.
    """
    text = raw.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    reasons: list[str | None] = [None] * len(lines)
    for i, line in enumerate(lines):
        if not line:
            reasons[i] = BLANK
    _mark_boilerplate(lines, reasons)
    _mark_summaries(lines, reasons)
    _mark_page_titles(lines, reasons)
    _mark_attachments(lines, reasons)
    _mark_duplicate_blocks(lines, reasons)
    kept = [line for line, reason in zip(lines, reasons, strict=True) if reason is None]
    removed = tuple(
        Removal(reason, i + 1, lines[i]) for i, reason in enumerate(reasons) if reason is not None
    )
    return CleanText("\n".join(kept), removed)


def _mark_boilerplate(lines: list[str], reasons: list[str | None]) -> None:
    for i, line in enumerate(lines):
        if reasons[i] is not None:
            continue
        if _META_LINE.match(line) or (len(line) <= _MAX_META_LINE and _WEB_META_LINE.match(line)):
            reasons[i] = WEB_META
        elif _CHROME_LINE.match(line):
            reasons[i] = WEB_CHROME


def _mark_summaries(lines: list[str], reasons: list[str | None]) -> None:
    """A 【概要描述】 line, and the short enumeration lines that continue it, are page summary.

    The summary of a scraped page lists the document's headings — inline in one line, or one
    per line after the marker; neither copy may be parsed as the document's own headings.
    """
    i = 0
    while i < len(lines):
        if reasons[i] is None and _SUMMARY_START.match(lines[i]):
            reasons[i] = SUMMARY
            j = i + 1
            while (
                j < len(lines)
                and reasons[j] is None
                and len(lines[j]) <= _MAX_SUMMARY_LINE
                and _ENUM_START.match(lines[j])
            ):
                reasons[j] = SUMMARY
                j += 1
            i = j
        else:
            i += 1


def _mark_page_titles(lines: list[str], reasons: list[str | None]) -> None:
    """A short title-like line wedged between web chrome (or the file start) and more web
    chrome is the page's title bar — but only when the document brings its own title: the
    first line kept after the header must be title-like too (004: the page says
    2021年浙江省…工作要點 twice, the document 2021年全省…工作要點). Otherwise the page title is
    the only title there is, and it stays."""
    chrome = {WEB_META, WEB_CHROME, SUMMARY}

    def neighbour(i: int, step: int) -> str | None:
        j = i + step
        while 0 <= j < len(lines) and reasons[j] == BLANK:
            j += step
        if not 0 <= j < len(lines):
            return "edge"
        return reasons[j]

    candidates = [
        i
        for i, line in enumerate(lines)
        if reasons[i] is None
        and _is_short_title(line)
        and neighbour(i, -1) in (*chrome, "edge")
        and neighbour(i, 1) in chrome
    ]
    # The first kept line after each position that is not a candidate, found in one
    # backward pass (a scan per candidate was quadratic on a page of title/chrome pairs).
    is_candidate = set(candidates)
    following: list[int | None] = [None] * (len(lines) + 1)
    for j in range(len(lines) - 1, -1, -1):
        kept = reasons[j] is None and j not in is_candidate
        following[j] = j if kept else following[j + 1]
    for i in candidates:
        after = following[i + 1]
        if after is not None and _is_short_title(lines[after]):
            reasons[i] = PAGE_TITLE


def _is_short_title(line: str) -> bool:
    return len(line) <= _MAX_SUMMARY_LINE and not _SENTENCE_PUNCT.search(line)


def _mark_attachments(lines: list[str], reasons: list[str | None]) -> None:
    """``附件下載:`` lines and lines naming a file (``….PDF``) are download links."""
    for i, line in enumerate(lines):
        if reasons[i] is None and (_ATTACHMENT_HEAD.match(line) or _FILE_NAME.search(line)):
            reasons[i] = ATTACHMENT


def _mark_duplicate_blocks(lines: list[str], reasons: list[str | None]) -> None:
    """Mark the later copy of the longest run of identical lines, repeatedly.

    Runs are compared over the lines still kept, so boilerplate between or inside the copies
    does not break a run. A run counts only when it is long (``MIN_DUPLICATE_LINES`` lines and
    ``MIN_DUPLICATE_CHARS`` characters): short repeats are legitimate in a document.
    """
    while True:
        kept = [i for i, reason in enumerate(reasons) if reason is None]
        run = _longest_repeat([lines[i] for i in kept])
        if run is None:
            return
        second, length = run
        for k in range(second, second + length):
            reasons[kept[k]] = DUPLICATE


#: Polynomial hashing of line sequences (mod a Mersenne prime): comparing two runs of lines
#: costs O(1), so finding how far a repeat extends is a binary search, not a walk.
_MOD = (1 << 61) - 1
_BASE = 1_000_003
#: Earlier occurrences of a line tried as the start of its first copy: the first one and the
#: most recent few. A line repeated hundreds of times (a pathological or hostile file) would
#: otherwise make every pair of its occurrences a candidate.
_RECENT_OCCURRENCES = 8


def _longest_repeat(seq: list[str]) -> tuple[int, int] | None:
    """(start of the second copy, length) of the longest non-overlapping repeated run, if any
    is long enough; the earliest such run wins ties so the result is deterministic.

    Near-linear in the number of lines: each line is paired only with a bounded number of
    earlier occurrences that start a maximal run, and each pair's run length is found by
    binary search over prefix hashes (O(log n)) instead of comparing line by line, which made
    N identical lines cost O(N²) per pass (46.9 s at 16k lines).
    """
    n = len(seq)
    codes_of: dict[str, int] = {}
    codes = [codes_of.setdefault(line, len(codes_of) + 1) for line in seq]
    if len(codes_of) == n:
        return None  # no line repeats, so no run does
    prefix = [0] * (n + 1)
    chars = [0] * (n + 1)
    power = [1] * (n + 1)
    for k, code in enumerate(codes):
        prefix[k + 1] = (prefix[k] * _BASE + code) % _MOD
        power[k + 1] = power[k] * _BASE % _MOD
        chars[k + 1] = chars[k] + len(seq[k])

    def same(i: int, j: int, length: int) -> bool:
        left = (prefix[i + length] - prefix[i] * power[length]) % _MOD
        return left == (prefix[j + length] - prefix[j] * power[length]) % _MOD

    def run_length(i: int, j: int, limit: int) -> int:
        if same(i, j, limit):
            return limit
        low, high = 1, limit - 1  # seq[i] == seq[j], so at least 1
        while low < high:
            mid = (low + high + 1) // 2
            if same(i, j, mid):
                low = mid
            else:
                high = mid - 1
        return low

    occurrences: dict[int, list[int]] = {}
    best: tuple[int, int] | None = None
    best_chars = 0
    for j, code in enumerate(codes):
        earlier = occurrences.setdefault(code, [])
        if len(earlier) > _RECENT_OCCURRENCES + 1:
            candidates = [earlier[0], *earlier[-_RECENT_OCCURRENCES:]]
        else:
            candidates = earlier
        for i in candidates:
            if i > 0 and codes[i - 1] == codes[j - 1]:
                continue  # not the start of a maximal run
            length = run_length(i, j, min(j - i, n - j))
            run_chars = chars[j + length] - chars[j]
            if (
                length >= MIN_DUPLICATE_LINES
                and run_chars >= MIN_DUPLICATE_CHARS
                and run_chars > best_chars
            ):
                best, best_chars = (j, length), run_chars
        earlier.append(j)
    return best
