"""Questions only law articles can carry: 多选 from an article's enumeration, 出处 by article.

**多选题 from enumerations.** An article that lists its duties, acts or cases as （一）（二）…
under a lead ("生产经营单位的主要负责人对本单位安全生产工作负有下列职责：") becomes "下列哪些
属于…": two or three of its items are the right options; the wrong ones are items of other
articles' enumerations of the same kind (职责 for 职责, 行为 for 行为), the same law first.
An item of an article with the same lead question is never wrong (安全生产法 第九十七条 and
第一百零一条 both punish "下列行为之一" with the same fine), nor one that says nearly what an
item of this article says.

**出处题 for laws.** Which law and article a provision comes from: the options are the article
and others of the same chapter (then law), one from another law when there is one; an option
whose article also holds the quoted words is never offered.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from corpus.clause import Clause
from quiz.distractors import acceptable
from quiz.law_terms import domains_of
from quiz.questions import LETTERS, Difficulty, Question
from quiz.source import source_label

_ITEM = re.compile(r"^（([一二三四五六七八九十]+)）(.+?)[；;。，,]?$")
_FIRST_SENTENCE = re.compile(r"^(.{12,90}?[。；])")
_SIMILAR = 0.5
_PENALTY = re.compile(r"罚款|责令|处分|拘留|追究|没收|吊销|处罚")
_OFFICIAL = re.compile(r"工作人员|人民政府|监督管理职责的部门|主管部门|行政部门|警察|机关")
_CATCH_ALL = re.compile(r"规定的其他|^其他")


@dataclass(frozen=True)
class Enumeration:
    """An article's lead (up to its colon) and its items, without their （一） numbering."""

    lead: str
    items: tuple[str, ...]

    @property
    def noun(self) -> str:
        """What the items are: 职责, 行为, 情形 … (the word after 下列)."""
        match = re.search(r"下列([^，。；：:之]{1,8}?)(?:之一|[，。；：:]|$)", self.lead)
        return match.group(1) if match else ""

    @property
    def actor(self) -> str:
        """Who the items are about: the lead before 有下列/履行下列/对…负有下列."""
        head = self.lead.split("下列", 1)[0]
        return re.sub(r"[，,]?(有|履行|负有|应当履行|还应当履行|存在|依照)$", "", head)

    @property
    def sanction(self) -> str:
        """What the lead says follows (责令限期改正，处十万元以下的罚款), "" for duties."""
        match = re.search(r"下列[^，。；：]{1,8}?(?:之一)?的，([^；;：:]+)", self.lead)
        return match.group(1).rstrip("，,。") if match else ""

    @property
    def question(self) -> str:
        """The lead as a question: 负有下列职责 → 负有下列哪些职责？; the sentence ends at the
        first semicolon (the rest of a penalty lead is the next sanction)."""
        lead = re.split(r"[；;]", self.lead.rstrip("：:"), maxsplit=1)[0]
        lead = lead.replace("下列", "下列哪些", 1)
        lead = re.sub(r"(下列哪些[^，。；]{1,8}?)之一", r"\1", lead)
        return lead.rstrip("，,。") + "？"


@lru_cache(maxsize=8192)
def _enumeration_of(text: str) -> Enumeration | None:
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _ITEM.match(line)]
    if len(starts) < 3 or starts[0] == 0 or "下列" not in lines[starts[0] - 1]:
        return None
    items: list[str] = []
    for line in lines[starts[0] :]:
        match = _ITEM.match(line)
        if match is None:
            break
        if not _CATCH_ALL.search(match.group(2)):  # "其他…职责" is right in every list
            items.append(match.group(2))
    if len(items) < 3:
        return None
    return Enumeration(lines[starts[0] - 1], tuple(items))


def enumeration(clause: Clause) -> Enumeration | None:
    """The clause's enumeration, or ``None`` when it lists fewer than three items."""
    return _enumeration_of(clause.text)


def is_law(clause: Clause) -> bool:
    return clause.doc.national


def law_short_name(clause: Clause) -> str:
    return clause.title.removeprefix("中华人民共和国")


def law_article(clause: Clause) -> str:
    """第九十七条 of a clause cited 第九十七条 or 第九十七条第（一）项至第（三）项."""
    match = re.match(r"第.+?条", clause.item)
    return match.group() if match else clause.item


def law_label(clause: Clause) -> str:
    """The option text naming an article: 《安全生产法》第二十一条."""
    return source_label(clause)


def similarity(a: str, b: str) -> float:
    """Share of character pairs two texts have in common (Jaccard on bigrams)."""
    pairs_a = {a[i : i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return 0.0
    return len(pairs_a & pairs_b) / len(pairs_a | pairs_b)


def _punishes(lead: str) -> bool:
    return bool(_PENALTY.search(lead))


def _side(actor: str) -> str:
    """Whether a list is about officials (工作人员, 主管部门) or about the regulated."""
    return "official" if _OFFICIAL.search(actor) else "regulated"


def form(item: str) -> tuple[bool, bool]:
    """How an item is written, as far as it shows: a fine in 万元, a share of income."""
    return ("万元" in item, "百分之" in item)


def make_enum_multi(
    clause: Clause, corpus: Sequence[Clause], rng: random.Random
) -> Question | None:
    """多选题 "下列哪些…" from the clause's enumeration (rules in the module docstring)."""
    own = enumeration(clause)
    if own is None:
        return None
    forms = [form(item) for item in own.items]
    usual = max(forms, key=forms.count)
    alike = [item for item in own.items if form(item) == usual]
    right = rng.sample(alike, min(len(alike) - 1, rng.choice((2, 3))))
    wrong = _wrong_items(clause, own, right, corpus, rng)
    if len(right) < 2 or len(right) + len(wrong) < 4:
        return None
    wrong = wrong[: 4 - len(right)]
    options = right + wrong
    rng.shuffle(options)
    stem = f"根据《{clause.title}》{law_article(clause)}，{own.question}"
    return Question(
        type="multi",
        stem=stem,
        options=tuple(options),
        answer="".join(LETTERS[i] for i, o in enumerate(options) if o in right),
        explanation=clause.text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty="中" if len(right) == 2 else "难",
        term_kind="enumeration",
        answer_terms=tuple(o for o in options if o in right),
        distractors=tuple(o for o in options if o not in right),
        doc_id=clause.doc.doc_id,
    )


def _wrong_items(
    clause: Clause,
    own: Enumeration,
    right: list[str],
    corpus: Sequence[Clause],
    rng: random.Random,
) -> list[str]:
    """Items of other enumerations that are wrong for this question, best first: the same
    noun in the same law, the same noun elsewhere; none of another question's domain."""
    domains = domains_of(own.question + "".join(own.items))
    # an article the lead refers to (除应当履行本法第十六条规定的职责外) lists right answers too
    referred = set(re.findall(r"第[一二三四五六七八九十百零]+条", own.lead))
    ranked: list[tuple[bool, str]] = []
    for other in corpus:
        theirs = enumeration(other) if other.id != clause.id and is_law(other) else None
        if theirs is None or theirs.question == own.question or other.text == clause.text:
            continue
        if theirs.sanction and theirs.sanction == own.sanction:
            continue  # 责令限期改正 for 使用单位 and for 电梯运营使用单位: right either way
        if _punishes(theirs.lead) != _punishes(own.lead):
            continue  # a worker's protected 情形 among an employer's offences stands out
        if not own.noun or theirs.noun != own.noun:
            continue  # a 行为 among 职责 reads as the odd one out
        same_law = other.doc.doc_id == clause.doc.doc_id
        if same_law and other.item in referred:
            continue
        if _side(theirs.actor) != _side(own.actor):
            continue  # an official's misconduct among an enterprise's offences stands out
        if not same_law and not domains & domains_of(other.text_norm):
            continue  # another law's list is wrong only as a near neighbour: the same domain
        for item in theirs.items:
            named = domains_of(item)
            if named - domains or (domains and not named and not same_law):
                continue  # 消防 options among 矿山 ones, or plain ones among 消防 ones, stand out
            ranked.append((not same_law, item))
    rng.shuffle(ranked)
    ranked.sort(key=lambda pair: pair[0])
    chosen: list[str] = []
    for _, item in ranked:
        if len(chosen) == 4:
            break
        if not all(acceptable(item, r, clause, chosen) for r in right):
            continue
        if any(similarity(item, mine) >= _SIMILAR for mine in own.items):
            continue
        if form(item) != form(right[0]):  # "处上一年年收入百分之…" among "处…万元" stands out
            continue
        chosen.append(item)
    return chosen


def make_law_source(
    clause: Clause, corpus: Sequence[Clause], rng: random.Random
) -> Question | None:
    """出处题: which law and article the clause's first sentence comes from."""
    match = _FIRST_SENTENCE.match(clause.text.split("\n", 1)[0])
    if match is None or "前款" in match.group(1):  # "前款" quoted alone says nothing
        return None
    excerpt = match.group(1).rstrip("。；")
    others = [
        c for c in corpus if is_law(c) and c.id != clause.id and law_label(c) != law_label(clause)
    ]
    if any(excerpt in c.text for c in others):
        return None
    same_law = [c for c in others if c.doc.doc_id == clause.doc.doc_id]
    same_chapter = [c for c in same_law if c.path[:1] == clause.path[:1]]
    other_laws = [c for c in others if c.doc.doc_id != clause.doc.doc_id]
    picked: list[str] = []
    for group, want in ((same_chapter, 2), (same_law, 2), (other_laws, 3), (same_law, 3)):
        labels = sorted({law_label(c) for c in group} - set(picked))
        rng.shuffle(labels)
        picked += labels[: max(0, want - len(picked))]
    if len(picked) < 2:
        return None
    options = [law_label(clause), *picked[:3]]
    rng.shuffle(options)
    difficulty: Difficulty = "难" if len(same_chapter) >= 2 else "中"
    return Question(
        type="source",
        stem=f"下列规定出自哪部法律的哪一条？“{excerpt}”",
        options=tuple(options),
        answer=LETTERS[options.index(law_label(clause))],
        explanation=clause.text,
        citation=clause.citation,
        clause_id=clause.id,
        difficulty=difficulty,
        answer_terms=(excerpt,),
        doc_id=clause.doc.doc_id,
    )
