"""The blankable facts of a law article: figures in Chinese numerals, responsible subjects,
key terms.

A trainer's law questions ask what the article fixes: how much (处五万元以上十万元以下的罚款,
百分之五十), how long (三十日内, 五年内不得担任), how many (一百人以上), who must act
(生产经营单位的主要负责人, 县级以上人民政府应急管理部门) and the institutions it names
(全员安全生产责任制, 双重预防工作机制). Each finder returns ``(kind, start, end, unit)`` spans
of the text; :func:`quiz.terms.find_terms` turns them into terms.

A numeral is a figure only with a unit after it, so article numbers and references (第一百条,
依照本法第十六条, 前款) and words like 上一年 or 之一 are never figures.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from quiz.numerals import NUMERAL, NUMERAL_CHARS, parse

if TYPE_CHECKING:
    from corpus.clause import Clause

Span = tuple[str, int, int, str]

#: Units a Chinese-numeral figure may carry, longest first where one contains another.
CN_UNITS = (
    "万元", "亿元", "元", "工作日", "小时", "个月", "日", "天", "年", "周岁", "岁", "倍",
    "人", "名", "次", "个", "家", "平方米", "米", "公里", "吨",
)  # fmt: skip
TIME_UNITS = frozenset({"工作日", "小时", "个月", "日", "天", "年"})
_UNIT = "|".join(CN_UNITS)
# not after 第 (第一百条), 之/同/统/唯 (之一, 同一), nor inside a longer numeral
_BEFORE = rf"(?<![第之同统唯{NUMERAL_CHARS}])"
_FIGURE = re.compile(rf"{_BEFORE}({NUMERAL})({_UNIT})(以内|内)?(?![性条款项章节编])")
_PERCENT = re.compile(r"百分之(" + NUMERAL + ")")
_ONE = re.compile(r"(?:至少|每|满|超过|不超过)[^，。；]{0,3}$")

#: Government subjects: a level of government, then (optionally) one named department.
_GOVERNMENT = (
    "县级以上地方各级人民政府|县级以上地方人民政府|县级以上各级人民政府|县级以上人民政府|"
    "设区的市级以上地方人民政府|地方各级人民政府|乡、镇人民政府|国务院"
)
# a department's name: no clause break, no 应当/会同/及其/或者/和/并/由/的/有关 (those start a
# second subject or the predicate)
_DEPARTMENT_CHAR = r"(?:(?!应当|会同|及其|或者|有关)[^，。；、：和并由的])"
_SUBJECT_GOV = re.compile(
    rf"(?:{_GOVERNMENT})(?:负责[^，。；、：]{{2,14}}?的部门|{_DEPARTMENT_CHAR}{{2,12}}?(?:部门|机构))?"
)
#: Subjects on the enterprise side and departments named without a level, longest first.
UNIT_SUBJECTS = (
    "生产经营单位的主要负责人", "生产经营单位的其他负责人", "负有安全生产监督管理职责的部门",
    "专职安全生产管理人员", "安全生产管理人员", "安全生产管理机构", "注册安全工程师",
    "特种作业人员", "被派遣劳动者", "劳务派遣单位", "消防安全责任人", "消防安全管理人",
    "消防安全重点单位", "消防救援机构", "应急管理部门", "特种设备使用单位", "特种设备生产单位",
    "职业卫生技术服务机构", "主要负责人", "安全生产第一责任人",
)  # fmt: skip
_GOVERNMENT_SIDE = frozenset({"负有安全生产监督管理职责的部门", "消防救援机构", "应急管理部门"})
#: Institutions and duties the work-safety laws name, what key-term blanks ask for.
KEY_TERMS = (
    "安全第一、预防为主、综合治理", "人民至上、生命至上", "全员安全生产责任制", "安全生产责任制",
    "安全生产标准化", "双重预防工作机制", "安全风险分级管控", "隐患排查治理",
    "生产安全事故应急救援预案", "安全生产教育和培训", "重大危险源", "劳动防护用品",
    "安全评价", "安全警示标志", "安全生产费用", "安全生产责任保险", "工伤保险",
    "消防安全责任制", "灭火和应急疏散预案", "消防车通道", "防火巡查", "重大事故隐患",
    "特种作业操作资格证书", "岗前消防安全培训", "职业病危害因素", "职业健康检查",
)  # fmt: skip
#: Domain words: an option naming a domain its question does not is guessed without knowing.
DOMAINS: dict[str, tuple[str, ...]] = {
    "消防": ("消防", "火灾", "防火", "灭火"),
    "特种设备": ("特种设备", "电梯", "锅炉", "压力容器", "索道", "游乐设施"),
    "危险化学品": ("危险化学品", "剧毒", "易制爆"),
    "矿山": ("矿山", "矿井", "井下", "矿长"),
    "煤矿": ("煤矿", "煤炭"),
    "职业病": ("职业病", "职业健康", "职业卫生", "职业禁忌"),
    "道路": ("道路", "机动车", "驾驶", "交通警察"),
    "建筑": ("建筑施工", "建设工程", "建筑活动"),
    "防洪": ("防洪", "洪水", "防汛", "蓄滞洪", "河道"),
    "地震": ("地震", "防震"),
    "森林": ("森林", "林木", "林地"),
    "内河": ("内河", "船舶", "水路"),
}
_LISTED = re.compile("|".join(sorted(UNIT_SUBJECTS + KEY_TERMS, key=len, reverse=True)))
_KEY_TERMS = frozenset(KEY_TERMS)


_QUOTE = re.compile(r"[“\"][^“”\"]{1,30}[”\"]")


def law_spans(text: str) -> Iterator[Span]:
    """Every figure, percent, range, subject and key term of ``text`` (Simplified); a
    figure inside quotation marks ("三个代表") is a name, not a fact of the law."""
    quoted = [m.span() for m in _QUOTE.finditer(text)]
    figures = sorted(
        (f for f in _figures(text) if not any(a <= f[1] < b for a, b in quoted)),
        key=lambda span: span[1],
    )
    yield from _ranges(figures, text)
    yield from figures
    for match in _SUBJECT_GOV.finditer(text):
        if match.group() != "国务院":  # the bare 国务院 is every article's, not a fact of one
            yield ("subject", match.start(), match.end(), side_of(match.group()))
    for match in _LISTED.finditer(text):
        word = match.group()
        if word in _KEY_TERMS:
            yield ("keyterm", match.start(), match.end(), "")
        else:
            yield ("subject", match.start(), match.end(), side_of(word))


def side_of(subject: str) -> str:
    """Which kind of subject this is, so a swap stays grammatical: a government department
    ("gov"), a person ("person": 主要负责人, 从业人员) or an organisation ("org": 劳务派遣单位)."""
    if subject in _GOVERNMENT_SIDE or "人民政府" in subject or subject.startswith("国务院"):
        return "gov"
    if subject.endswith(("人", "人员", "者", "工程师")):
        return "person"
    return "org"


def domains_of(text: str) -> set[str]:
    """The domains (消防, 矿山 …) ``text`` names."""
    return {name for name, words in DOMAINS.items() if any(w in text for w in words)}


def _figures(text: str) -> Iterator[Span]:
    for match in _PERCENT.finditer(text):
        if parse(match.group(1)):
            yield ("percent", match.start(), match.end(), "%")
    for match in _FIGURE.finditer(text):
        value = parse(match.group(1))
        unit = match.group(2)
        if not value:
            continue
        before, after = text[: match.start()], text[match.end() :]
        if value == 1 and (before.endswith(("上", "下")) or not _one_counts(match, before, after)):
            continue  # 一人, 一次, 上一年 are not facts; 至少一次, 一年内, 一万元以上 are
        kind = "period" if unit in TIME_UNITS else "figure"
        yield (kind, match.start(), match.end(), unit)


def _one_counts(match: re.Match[str], before: str, after: str) -> bool:
    """Whether a figure of value one is a fact: money, a time limit, the start of a range,
    or a minimum (至少一次, 每年一次)."""
    unit = match.group(2)
    return bool(
        unit.endswith("元") or match.group(3) or after.startswith("以上") or _ONE.search(before)
    )


def _ranges(figures: list[Span], text: str) -> Iterator[Span]:
    """X以上Y以下 of one unit (五万元以上十万元以下, 百分之二十以上百分之五十以下) as one span."""
    for low, high in itertools.pairwise(figures):
        if (
            low[3] == high[3]
            and text[low[2] : high[1]] == "以上"
            and text.startswith("以下", high[2])
        ):
            yield ("range", low[1], high[2] + 2, low[3])


#: An enumerated item's number, （三）; used with ``.match(text, at)``.
ITEM_NUMBER = re.compile(r"（[一二三四五六七八九十]+）")


def item_lead(clause: Clause, offset: int) -> str:
    """For an excerpt from an enumerated item of a law article, the article's lead up to the
    colon ("生产经营单位有下列行为之一的，…："); "" for any other excerpt."""
    line_start = clause.text.rfind("\n", 0, offset) + 1
    if not clause.doc.national or not ITEM_NUMBER.match(clause.text, line_start):
        return ""
    for line in reversed(clause.text[:line_start].split("\n")):
        if line.endswith(("：", ":")):
            return re.split(r"[；;]", line, maxsplit=1)[0].rstrip("：:，,")
    return ""
