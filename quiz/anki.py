"""An Anki deck (.apkg, genanki): one note per question, question on the front, answer,
explanation and citation on the back.

Model and deck ids are derived from a hash of their names (not random), so re-importing an
updated deck updates the same deck and note type instead of creating copies; note guids
come from the clause id and stem for the same reason.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from pathlib import Path

import genanki

from common.atomic import atomic_path
from quiz.questions import DEFAULT_TITLE, LETTERS, Question

MODEL_NAME = "政策文件测验题"
_FIELDS = ("题型", "题干", "选项", "答案", "解析", "出处", "难度")
_FRONT = '<div class="type">{{题型}} · {{难度}}</div><div class="stem">{{题干}}</div>{{选项}}'
_BACK = (
    '{{FrontSide}}<hr id="answer"><div class="answer">答案：{{答案}}</div>'
    '<div class="explanation">{{解析}}</div><div class="citation">{{出处}}</div>'
)
_CSS = (
    ".card { font-family: 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; font-size: 18px; "
    "text-align: left; } .type, .citation { color: #666; font-size: 14px; } "
    ".answer { font-weight: bold; margin: 8px 0; }"
)


def stable_id(name: str) -> int:
    """A 31-bit id from a name: the same name gives the same id on every machine."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF


def quiz_model() -> genanki.Model:
    return genanki.Model(
        stable_id(MODEL_NAME),
        MODEL_NAME,
        fields=[{"name": name} for name in _FIELDS],
        templates=[{"name": "问答", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )


def note_tags(question: Question) -> list[str]:
    """Tags for browsing: the type, the province and the year (Anki tags have no spaces)."""
    tags = [question.type_label, question.province, f"{question.year}年" if question.year else ""]
    return [tag.replace(" ", "_") for tag in tags if tag]


def write_apkg(questions: Sequence[Question], path: Path, title: str = DEFAULT_TITLE) -> None:
    model = quiz_model()
    deck = genanki.Deck(stable_id(f"deck:{title}"), title)
    for question in questions:
        options = "".join(
            f"<div>{letter}. {html.escape(option)}</div>"
            for letter, option in zip(LETTERS, question.options, strict=False)
        )
        answer = question.answer
        if question.type in ("choice", "multi", "source"):
            answer = f"{question.answer}（{question.answer_text}）"
        fields = [
            question.type_label,
            html.escape(question.stem),
            options,
            html.escape(answer),
            html.escape(question.explanation),
            html.escape(question.citation),
            question.difficulty,
        ]
        guid = genanki.guid_for(question.clause_id, question.stem)
        deck.add_note(genanki.Note(model=model, fields=fields, tags=note_tags(question), guid=guid))
    with atomic_path(path) as temp:
        genanki.Package(deck).write_to_file(str(temp))
