"""Chinese numerals as laws write them: 三十, 一百零一, 二千 — read, written, and stepped.

Laws write every figure in Chinese numerals (处二万元以上五万元以下的罚款, 三十日内, 百分之五十),
so a wrong option must be written the same way: "50人" among "一百人" gives the answer away.
The numbers here stay below 10000; 万 and 亿 belong to the unit (万元, 亿元), as the law
reads them ("一千万元" is 一千 of 万元).

Plausible wrong values come from :data:`LADDERS`: the values laws actually use for a unit
(days: 三, 五, 七, 十, 十五, 二十, 三十, 六十, 九十 …), so 三十日 is swapped for 十五日 or
六十日, never for 三十一日, and 一百人 for 五十人.
"""

from __future__ import annotations

import re

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9,
}  # fmt: skip
_POWERS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(_POWERS)
#: A run of numeral characters; the 百 of 百分之 (per cent) is not one.
NUMERAL = f"(?:(?!百分之)[{NUMERAL_CHARS}])+"
_WRITTEN = "零一二三四五六七八九"

#: The values laws use, per kind of unit: wrong options are the answer's neighbours here.
LADDERS: dict[str, tuple[int, ...]] = {
    "日": (1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 180),
    "工作日": (1, 2, 3, 5, 7, 10, 15, 20, 30),
    "小时": (1, 2, 4, 6, 8, 12, 24, 48, 72),
    "个月": (1, 2, 3, 6, 9, 12, 18, 24),
    "年": (1, 2, 3, 5, 10, 15, 20, 30),
    "%": (5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100),
    "倍": (1, 2, 3, 5, 10, 20),
    "money": (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000),
    "count": (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 3000, 5000),
}
_TIME_UNITS = {
    "日": "日",
    "天": "日",
    "工作日": "工作日",
    "小时": "小时",
    "个月": "个月",
    "年": "年",
}


def parse(text: str) -> int | None:
    """The value of a Chinese numeral below 10000 (十 = 10, 十五 = 15, 一百零一 = 101);
    ``None`` when ``text`` is not one."""
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    total, digit, last_power = 0, None, 10_000
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                return None  # 二三: two digits in a row is not a number
            digit = DIGITS[ch] if DIGITS[ch] != 0 else None
        else:
            power = _POWERS[ch]
            if power >= last_power:
                return None
            total += (1 if digit is None else digit) * power
            digit, last_power = None, power
    return total + (digit or 0)


def write(value: int) -> str:
    """``value`` (1 … 9999) as the law writes it: 10 → 十, 15 → 十五, 110 → 一百一十, 1005 →
    一千零五."""
    if not 0 < value < 10_000:
        raise ValueError(f"{value} is outside 1 … 9999")
    parts: list[str] = []
    zero = False
    for power, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // power % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_WRITTEN[digit] + name)
    written = "".join(parts)
    return written[1:] if written.startswith("一十") else written


def ladder_for(unit: str) -> tuple[int, ...]:
    """The ladder of a unit: time units their own, 元/万元/亿元 money, % percents, else counts."""
    if unit in _TIME_UNITS:
        return LADDERS[_TIME_UNITS[unit]]
    if unit in LADDERS:
        return LADDERS[unit]
    return LADDERS["money"] if unit.endswith("元") else LADDERS["count"]


def neighbours(value: int, unit: str) -> list[int]:
    """Other values of the unit's ladder, nearest (in ratio) first; the answer never."""
    steps = [v for v in ladder_for(unit) if v != value]
    return sorted(steps, key=lambda v: (max(v, value) / min(v, value), v))


def replace_numbers(text: str, values: list[int]) -> str:
    """``text`` with its Chinese numerals replaced, in order, by ``values``."""
    numbers = iter(values)
    return re.sub(NUMERAL, lambda m: write(next(numbers)), text)


def numbers_in(text: str) -> list[int]:
    """The values of the Chinese numerals in ``text``, in order (unreadable ones skipped)."""
    found = (parse(m.group()) for m in re.finditer(NUMERAL, text))
    return [v for v in found if v is not None]
