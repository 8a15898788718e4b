"""出处题: which province and year issued this clause.

The excerpt shown has every province name and every year masked (××), since "青海省2020年"
in the text would answer the question; the explanation keeps the full original clause.
"""

from __future__ import annotations

import random
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz.distractors import is_traditional
from quiz.questions import LETTERS, Difficulty, Question

_SENTENCE_END = re.compile(r"(?<=[。！？；;!?])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MIN_EXCERPT, _MAX_EXCERPT = 40, 150
MASK = "××"


def source_label(clause: Clause) -> str:
    """The option text for a clause's document: "青海省·2020年" ("" when either is unknown);
    for a law article the law and article, "《安全生产法》第二十一条"."""
    if clause.doc.national:  # a law: which law and article
        article = re.match(r"第.+?条", clause.item)  # a 款/项 part is asked as its article
        return f"《{clause.title.removeprefix('中华人民共和国')}》{article.group() if article else clause.item}"
    if not clause.province or not clause.year:
        return ""
    return f"{clause.province}·{clause.year}年"


def make_source(clause: Clause, corpus: Sequence[Clause], rng: random.Random) -> Question | None:
    """A 出处题 for ``clause``; ``corpus`` supplies the other documents' labels as options.

    ``None`` when the clause's own label is unknown, when fewer than two documents exist, or
    when the excerpt also occurs in a document with another label (two right answers).
    """
    corpus = [c for c in corpus if not c.doc.national]  # laws have no province or year
    label = source_label(clause)
    excerpt = _excerpt(clause.text)
    if not label or not excerpt:
        return None
    labels = sorted({source_label(c) for c in corpus} - {"", label})
    excerpt_norm = to_simplified(excerpt)
    if len(labels) < 1 or any(
        source_label(c) not in ("", label) and excerpt_norm in c.text_norm for c in corpus
    ):
        return None
    options = [label, *_other_labels(clause, labels, corpus, rng)[:3]]
    rng.shuffle(options)
    masked = mask_places(excerpt, corpus)
    return Question(
        type="source",
        stem=f"下列内容出自哪个省份、哪一年的文件？“{masked}{'…' if len(excerpt) < len(clause.text.strip()) else ''}”",
        options=tuple(options),
        answer=LETTERS[options.index(label)],
        explanation=clause.text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty=_difficulty(masked, clause),
        answer_terms=(excerpt,),
        province=clause.province,
        year=clause.year,
        doc_id=clause.doc.doc_id,
    )


def _other_labels(
    clause: Clause, labels: list[str], corpus: Sequence[Clause], rng: random.Random
) -> list[str]:
    """The other documents' labels, those in the clause's script first: with only one
    Traditional document among the options, a Traditional excerpt would answer itself."""
    traditional = {source_label(c) for c in corpus if is_traditional(c)}
    same = [x for x in labels if (x in traditional) == is_traditional(clause)]
    other = [x for x in labels if x not in same]
    rng.shuffle(same)
    rng.shuffle(other)
    return same + other


def mask_places(text: str, corpus: Sequence[Clause]) -> str:
    """``text`` with the corpus's province names (full and short) and all years masked."""
    names = sorted(
        {n for c in corpus for n in (c.province, c.doc.province_short) if n},
        key=len,
        reverse=True,
    )
    for name in names:
        text = text.replace(name, MASK)
    return _YEAR.sub(MASK * 2, text)


def _excerpt(text: str) -> str:
    """The start of the clause, ending at a sentence end (or, failing that, a comma) between
    about 40 and 150 characters: long enough to recognise, short enough to read."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    commas = [m.end() for m in re.finditer(r"[，,：:]", text)]
    for stops in (ends, commas):
        fitting = [e for e in stops if _MIN_EXCERPT <= e <= _MAX_EXCERPT]
        if fitting:
            return text[: fitting[0]].strip()
    short = [e for e in ends if e < _MIN_EXCERPT]
    return text[: short[-1] if short and len(text) > _MAX_EXCERPT else _MAX_EXCERPT].strip()


def _difficulty(masked: str, clause: Clause) -> Difficulty:
    """易 when a city or county of the clause's own province is still named (成都市 → 四川),
    中 when the script narrows it to the Traditional documents, 难 otherwise."""
    text = to_simplified(masked)
    if any(name in text for name in _places_by_province().get(clause.province, ())):
        return "易"
    return "中" if is_traditional(clause) else "难"


@lru_cache(maxsize=1)
def _places_by_province() -> dict[str, tuple[str, ...]]:
    """Full names of cities and counties (cpca's table), by province.

    Full names only ("甘孜县", "成都市"): cpca's own matching also accepts short names, which
    finds "大安" in 重大安全 and "和县" in 市和县级 — plausible for addresses, wrong for prose.
    """
    with warnings.catch_warnings():  # cpca imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import cpca  # slow import (pandas, address tables): only 出处题 need it

    table = cpca.ad_2_addr_dict
    places: dict[str, list[str]] = {}
    for code, info in sorted(table.items()):
        province = table.get(code[:2] + "0" * 10)
        named = len(info.name) >= 3 and info.name != "市辖区"
        if info.rank in (1, 2) and province is not None and named:
            places.setdefault(province.name, []).append(info.name)
    return {province: tuple(names) for province, names in places.items()}
