"""Quiz material for trainers: questions from clauses, exported to Excel, Word, CSV, JSON, Anki.

from corpus.loader import load_corpus
from quiz import Selection, select_clauses, generate_quiz, export

corpus = load_corpus()
clauses = select_clauses(corpus.clauses, Selection(provinces=("青海",)))
questions = generate_quiz(clauses, n=20, seed=1, corpus=corpus.clauses)
export(questions, "quiz.xlsx")
"""

from quiz.export import FORMATS, export
from quiz.generate import BODY_KINDS, generate_quiz
from quiz.questions import QUESTION_TYPES, TYPE_LABELS, Question
from quiz.select import Selection, select_clauses
from quiz.validate import check_question, check_quiz

__all__ = [
    "BODY_KINDS",
    "FORMATS",
    "QUESTION_TYPES",
    "TYPE_LABELS",
    "Question",
    "Selection",
    "check_question",
    "check_quiz",
    "export",
    "generate_quiz",
    "select_clauses",
]
