"""Quiz material for trainers: questions from clauses, exported to Excel, Word, CSV, JSON, Anki.

from corpus.loader import load_corpus
from quiz import Selection, select_clauses, generate_quiz, export

corpus = load_corpus()
clauses = select_clauses(corpus.clauses, Selection(provinces=("青海",)))
questions = generate_quiz(clauses, n=20, seed=1, corpus=corpus.clauses)
export(questions, "quiz.xlsx")

# law articles (the default corpus holds the default laws) and a 问卷星 batch-add text
laws = select_clauses(corpus.clauses, Selection(laws=("安全生产法",), chapter="第三章"))
export(generate_quiz(laws, n=10, corpus=corpus.clauses), "quiz.txt")
"""

from quiz.export import EXAM_FORMATS, FORMATS, export
from quiz.generate import BODY_KINDS, generate_mixed, generate_quiz
from quiz.questions import QUESTION_TYPES, TYPE_LABELS, Question
from quiz.select import Selection, select_clauses
from quiz.validate import check_question, check_quiz

__all__ = [
    "BODY_KINDS",
    "EXAM_FORMATS",
    "FORMATS",
    "QUESTION_TYPES",
    "TYPE_LABELS",
    "Question",
    "Selection",
    "check_question",
    "check_quiz",
    "export",
    "generate_mixed",
    "generate_quiz",
    "select_clauses",
]
