"""Place names in a text and the provinces they belong to, by the cpca gazetteer.

cpca matches any substring that is a place name, which in policy text finds many places that
are not there: 大安 in 重大安全, 合作 (合作市) in 加强合作, 四平 in 四平台. A mention is
kept only when it is a province, a city or prefecture standing as a word, or a county written
out in full; prefectures are also found by their everyday short form (甘孜州 for
甘孜藏族自治州), which cpca does not know.

cpca is slow to import (about a second), so it is imported on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Endings dropped from a city-level name to get the form people write without it.
_CITY_SUFFIXES = ("自治州", "地区", "市", "盟", "州")
# A county is kept only written out in full, and only a name this long: shorter ones (和县,
# 城区) are words of ordinary text.
_MIN_COUNTY_NAME = 3


def provinces_mentioned(text: str) -> list[str]:
    """Full province names (青海省) of the places named in ``text`` (Simplified), in order.

    Each kept mention contributes one entry, so the list can be counted.
    """
    if not text.strip():
        return []
    found: dict[int, str] = {}
    for position, province in _cpca_mentions(text):
        found.setdefault(position, province)
    for match in _prefecture_pattern().finditer(text):
        found.setdefault(match.start(), _prefecture_short_forms()[match.group(0)])
    return [found[position] for position in sorted(found)]


def _cpca_mentions(text: str) -> list[tuple[int, str]]:
    import cpca

    try:
        table = cpca.transform_text_with_addrs(text, pos_sensitive=True)
    except KeyError:  # cpca fails to build its table when the text names no place at all
        return []
    mentions: list[tuple[int, str]] = []
    for row in table.to_dict("records"):
        province = row.get("省")
        if not isinstance(province, str) or not province:
            continue
        if row["省_pos"] >= 0:
            mentions.append((int(row["省_pos"]), province))
        elif row["市_pos"] >= 0 and _city_stands(text, int(row["市_pos"]), row.get("市")):
            mentions.append((int(row["市_pos"]), province))
        elif row["区_pos"] >= 0 and _county_in_full(text, int(row["区_pos"]), row.get("区")):
            mentions.append((int(row["区_pos"]), province))
    return mentions


def _city_stands(text: str, position: int, name: object) -> bool:
    """A city name at ``position`` written in full, or in short form as a word of its own."""
    if not isinstance(name, str) or not name.endswith(_CITY_SUFFIXES):
        return False  # cpca reports some county groups with a city name such as "县"
    if text.startswith(name, position):
        return True
    short = _short_city(name)
    if len(short) < 2 or not text.startswith(short, position):
        return False
    import jieba

    first = next(iter(jieba.cut(text[position : position + len(short) + 6], HMM=False)), "")
    return first == short


def _county_in_full(text: str, position: int, name: object) -> bool:
    return (
        isinstance(name, str) and len(name) >= _MIN_COUNTY_NAME and text.startswith(name, position)
    )


def _short_city(name: str) -> str:
    for suffix in _CITY_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _prefecture_short_forms() -> dict[str, str]:
    """``甘孜州`` → ``四川省`` for every autonomous prefecture in cpca's gazetteer.

    The everyday form drops the peoples' names and 自治: 甘孜藏族自治州 → 甘孜州,
    黔东南苗族侗族自治州 → 黔东南州.
    """
    import cpca

    nations = _nation_names()
    forms: dict[str, str] = {}
    provinces = {
        info.adcode[:2]: info.name
        for info in cpca.ad_2_addr_dict.values()
        if info.rank == info.RANK_PROVINCE
    }
    for info in cpca.ad_2_addr_dict.values():
        if info.rank != info.RANK_CITY or not info.name.endswith("自治州"):
            continue
        stem = info.name[: -len("自治州")]
        for nation in sorted(nations, key=len, reverse=True):
            stem = stem.replace(nation, "")
        province = provinces.get(info.adcode[:2])
        if len(stem) >= 2 and province is not None:
            forms[stem + "州"] = province
    return forms


@lru_cache(maxsize=1)
def _prefecture_pattern() -> re.Pattern[str]:
    names = sorted(_prefecture_short_forms(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)) or "(?!)")


def _nation_names() -> list[str]:
    """The 56 peoples' names as cpca ships them (汉族, 藏族 …)."""
    from importlib.resources import files

    text = files("cpca.resources").joinpath("56_nations.csv").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]
