"""What a trainer rejects in a question that is formally valid: three kinds of error.

- **ambiguous blank** — the blank can be filled in another way the sources also support:
  the same sentence elsewhere with another value ("生产经营单位有下列行为之一的，责令限期
  改正，处______以下的罚款" is 十万元 in 第九十七条 and 五万元 in 第九十九条), or too little
  text around the blank to know what it asks.
- **guessable option** — the right option can be picked without knowing the source: it is
  written in the stem, it is the only one in Chinese numerals, it is far longer or shorter
  than the others, or a wrong option names another domain (防火巡查 among 矿山 options) or is
  written in another form (a share of income among fines in 万元).
- **two correct options** — a wrong option is also right: the sentence with it occurs in the
  corpus, a "false" 判断 statement is the text of another clause, a wrong 多选 item comes from
  an article with the same lead question (or the one the lead refers to) or says nearly what
  a right item says, a 出处 option's article also holds the quoted words.

Every problem starts with its kind, so counts per kind can be read off :func:`check_quiz`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.clause import Clause
from corpus.script import to_simplified
from quiz.law_questions import enumeration, form, similarity
from quiz.law_terms import domains_of
from quiz.questions import BLANK, FALSE, Question
from quiz.source import source_label

AMBIGUOUS, GUESSABLE, TWO_CORRECT = "ambiguous blank", "guessable option", "two correct options"
KINDS = (AMBIGUOUS, GUESSABLE, TWO_CORRECT)
#: Fewer letters than this around a blank do not say what the blank asks.
MIN_CONTEXT = 12
_NUMERIC = frozenset({"figure", "percent", "deadline", "period", "range"})
_START = r"(?:^|(?<=[。；;：:，,\n]))"


def quality_problems(question: Question, clause: Clause, corpus: Sequence[Clause]) -> list[str]:
    """The trainer's objections to ``question`` about ``clause``; ``corpus`` is every clause
    the quiz could have drawn on (the other articles and documents). A text in force is
    compared with texts in force only: the superseded version of the same law says much the
    same with other figures, which is what changed, not what is ambiguous."""
    corpus = [c for c in corpus if c.doc.in_force == clause.doc.in_force or not c.doc.national]
    return (
        _ambiguous_blank(question, clause, corpus)
        + _guessable(question, clause)
        + _two_correct(question, clause, corpus)
    )


def _ambiguous_blank(question: Question, clause: Clause, corpus: Sequence[Clause]) -> list[str]:
    if question.type not in ("cloze", "choice") or BLANK not in question.blanked:
        return []
    before, after = question.blanked.split(BLANK, 1)
    context = re.sub(r"[\W_]", "", before + after)
    if len(context) < MIN_CONTEXT:
        return [f"{AMBIGUOUS}: only {len(context)} characters around the blank"]
    answer = to_simplified(question.answer_terms[0])
    for other, fill in _fills(before, after, corpus):
        if to_simplified(fill) != answer and to_simplified(fill) not in map(
            to_simplified, question.distractors
        ):
            return [f"{AMBIGUOUS}: “{fill}” also fits ({other.citation})"]
    return []


def _fills(before: str, after: str, corpus: Sequence[Clause]) -> list[tuple[Clause, str]]:
    """What fills ``before``…``after`` in the corpus texts."""
    pattern = re.compile(
        (re.escape(before) if before else _START) + "(.{1,40}?)" + re.escape(after)
    )
    found = []
    for other in corpus:
        if before in other.text and after in other.text:
            found += [(other, m.group(1)) for m in pattern.finditer(other.text)]
    return found


def _guessable(question: Question, clause: Clause) -> list[str]:
    if question.type not in ("choice", "multi", "judge") or not question.distractors:
        return []
    right, wrong = list(question.answer_terms), list(question.distractors)
    problems = []
    if question.type == "choice" and right[0] in question.stem:
        problems.append(f"{GUESSABLE}: the answer “{right[0]}” is written in the stem")
    elif question.type == "choice" and question.term_kind in ("keyterm", "title", "quoted"):
        hint = _echo(right[0], question.stem)
        if hint:
            problems.append(f"{GUESSABLE}: the stem says “{hint}” of the answer “{right[0]}”")
    if question.term_kind in _NUMERIC and len({_chinese(o) for o in right + wrong}) > 1:
        problems.append(f"{GUESSABLE}: the options are not all written in the same numerals")
    if question.type == "choice":
        lengths = [len(w) for w in wrong]
        size = len(right[0])
        if size >= 4 and (size > 2 * max(lengths) or 2 * size < min(lengths)):
            problems.append(f"{GUESSABLE}: the answer is much longer or shorter than the others")
    domains = domains_of(to_simplified(question.stem + "".join(right) + clause.text))
    for option in wrong:
        if domains_of(to_simplified(option)) - domains:
            problems.append(f"{GUESSABLE}: “{option}” names a domain the question does not")
    if question.type == "multi" and question.term_kind == "enumeration":
        forms = {form(r) for r in right}
        odd = [w for w in wrong if form(w) not in forms]
        if odd:
            problems.append(f"{GUESSABLE}: “{odd[0]}” is written unlike the right options")
        telltale = _telltale(question.stem, right, wrong)
        if telltale:
            problems.append(f"{GUESSABLE}: only the right options say “{telltale}”, as the stem")
    return problems


#: Words too common in these laws to give an answer away.
_COMMON = ("安全", "生产", "单位", "管理", "事故", "规定", "本法", "违反", "有关", "按照", "部门")


_COMMON_CHARS = frozenset("".join(_COMMON))


def _echo(answer: str, stem: str) -> str:
    """A three-character piece of the answer that the stem also says ("危险源" of
    "重大危险源" in "组织开展危险源辨识"), common words left aside; "" when none."""
    core = answer.removeprefix("中华人民共和国").removesuffix("法")
    for size in range(len(core), 2, -1):
        for start in range(len(core) - size + 1):
            piece = core[start : start + size]
            if not any(word in piece for word in _COMMON) and piece in stem:
                return piece
    return ""


def _telltale(stem: str, right: list[str], wrong: list[str]) -> str:
    """A word of the stem every right option repeats and no wrong option has ("内河")."""
    for start in range(len(stem) - 1):
        pair = stem[start : start + 2]
        if any(c in "，。；：、？（）《》“”的和或与及" for c in pair) or all(
            c in _COMMON_CHARS for c in pair
        ):
            continue
        if all(pair in r for r in right) and not any(pair in w for w in wrong):
            return pair
    return ""


def _two_correct(question: Question, clause: Clause, corpus: Sequence[Clause]) -> list[str]:
    others = [c for c in corpus if c.id != clause.id]
    if question.type == "choice" or (question.type == "judge" and question.answer == FALSE):
        for option in question.distractors:
            filled = question.blanked.replace(BLANK, option)
            holder = next((c for c in others if filled in c.text), None)
            if holder is not None:
                return [f"{TWO_CORRECT}: with “{option}” it is the text of {holder.citation}"]
    if question.type == "multi" and question.term_kind == "enumeration":
        return _two_correct_items(question, clause, others)
    if question.type == "source" and clause.doc.national:
        excerpt = question.answer_terms[0] if question.answer_terms else ""
        labels = set(question.options) - {source_label(clause)}
        holder = next((c for c in others if source_label(c) in labels and excerpt in c.text), None)
        if holder is not None:
            return [f"{TWO_CORRECT}: {source_label(holder)} also holds the quoted words"]
    return []


def _two_correct_items(question: Question, clause: Clause, others: list[Clause]) -> list[str]:
    own = enumeration(clause)
    if own is None:
        return [f"{TWO_CORRECT}: the cited article has no enumeration"]
    referred = set(re.findall(r"第[一二三四五六七八九十百零]+条", own.lead))
    for option in question.distractors:
        if any(similarity(option, item) >= 0.5 for item in own.items):
            return [f"{TWO_CORRECT}: “{option}” says nearly what an item of the article says"]
        for other in others:
            theirs = enumeration(other)
            if theirs is None or option not in theirs.items:
                continue
            same_lead = theirs.question == own.question or (
                bool(own.sanction) and theirs.sanction == own.sanction
            )
            if same_lead or (other.doc.doc_id == clause.doc.doc_id and other.item in referred):
                return [f"{TWO_CORRECT}: “{option}” is also an answer ({other.citation})"]
    return []


def _chinese(text: str) -> bool:
    return not any(ch.isdigit() for ch in text)
