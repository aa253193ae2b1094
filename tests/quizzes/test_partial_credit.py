"""Per-answer credit as Moodle has it: authored in YAML, validated at its line, graded, and shown
in the review beside the answer it belongs to (with a mark on every answer given)."""

import pytest
from django.urls import reverse

from courseware.course import services as course_services
from courseware.quizzes import engine, services
from courseware.quizzes.models import Quiz

from .test_spec import QUESTION, problems

pytestmark = pytest.mark.django_db

CREDIT_QUIZ = """\
settings:
  shuffle_choices: false
questions:
  - id: hometown
    type: single
    prompt: Where was he raised?
    explanation: Nazareth.
    choices:
      - {text: Jerusalem, feedback: FB-jerusalem}
      - {text: Bethlehem, credit: 25%, feedback: FB-bethlehem}
      - {text: Galilee, credit: 50%, feedback: FB-galilee}
      - {text: Nazareth, correct: true, feedback: FB-nazareth}
  - id: spelled
    type: short
    prompt: Spell it.
    explanation: Nazareth.
    answers:
      - Nazareth
      - {text: Nazereth, credit: 75%, feedback: FB-misspelled}
  - id: born
    type: numeric
    prompt: When was he born?
    explanation: In 1822.
    answers:
      - {answer: 1822, tolerance: 0}
      - {answer: 1822, tolerance: 2, credit: 50%, feedback: FB-close}
  - id: weights
    type: multiple
    prompt: Pick.
    explanation: A and B.
    choices:
      - {text: A, credit: 70%}
      - {text: B, credit: 30%}
      - {text: C, credit: -50%, feedback: FB-c}
"""


@pytest.fixture
def credit_quiz(content) -> Quiz:
    content.write("01-intro.quiz.yaml", CREDIT_QUIZ)
    course_services.content_sync()
    return Quiz.objects.get(lesson__slug="intro")


def grade(quiz, key, answer):
    question = quiz.questions.get(key=key)
    return engine.grade(question.spec, {}, answer)


def test_each_answer_earns_its_own_credit(credit_quiz):
    assert [grade(credit_quiz, "hometown", [i]).fraction for i in range(4)] == [0, 0.25, 0.5, 1]
    assert grade(credit_quiz, "hometown", [2]).status == "partial"
    assert grade(credit_quiz, "spelled", "NAZERETH").fraction == 0.75
    assert grade(credit_quiz, "spelled", "Nazareth").fraction == 1
    assert [grade(credit_quiz, "born", typed).fraction for typed in ("1822", "1823.5", "1824", "1825")] == [
        1,
        0.5,
        0.5,
        0,
    ]
    assert grade(credit_quiz, "born", "1821").feedback == ["<p>FB-close</p>"]
    assert grade(credit_quiz, "weights", [0]).fraction == pytest.approx(0.7)
    assert grade(credit_quiz, "weights", [0, 1, 2]).fraction == pytest.approx(0.5)
    assert grade(credit_quiz, "weights", [2]).fraction == 0


@pytest.mark.parametrize(
    "kind, extra, expected",
    [
        ("single", "    choices:\n      - {text: a, correct: true}\n      - {text: b, credit: 50}\n",
         "lessons/01-intro.quiz.yaml:8: question 1 'q1': choice 2: 'credit' is a percentage such as '50%', not 50"),
        ("single", "    choices:\n      - {text: a, correct: true}\n      - {text: b, credit: 150%}\n",
         "lessons/01-intro.quiz.yaml:8: question 1 'q1': choice 2: 'credit' must be between 0% and 100%, not 150%"),
        ("single", "    choices:\n      - {text: a, correct: true}\n      - {text: b, credit: -10%}\n",
         "lessons/01-intro.quiz.yaml:8: question 1 'q1': choice 2: 'credit' must be between 0% and 100%"),
        ("single", "    choices:\n      - {text: a, correct: true, credit: 50%}\n      - {text: b}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': choice 1: give 'correct' or 'credit', not both"),
        ("single", "    choices:\n      - {text: a, credit: 50%}\n      - {text: b, credit: 50%}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': a single-choice question needs exactly one correct choice, not 0"),
        ("multiple", "    choices:\n      - {text: a, credit: 50%}\n      - {text: b, credit: 40%}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': the positive credits add up to 90%, not 100%"),
        ("multiple", "    penalty: 0.5\n    choices:\n      - {text: a, credit: 100%}\n      - {text: b}\n",
         "lessons/01-intro.quiz.yaml:6: question 1 'q1': 'penalty' goes with 'correct' choices"),
        ("short", "    answers:\n      - {text: a, credit: 50%}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': at least one answer needs full credit"),
        ("short", "    answers:\n      - {word: a}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': answer 1 needs 'text' (and may have credit, feedback)"),
        ("numeric", "    answers:\n      - {answer: 5}\n",
         "lessons/01-intro.quiz.yaml:7: question 1 'q1': answer 1: missing 'tolerance' (0 for exact, or a percentage)"),
        ("numeric", "    answer: 5\n    tolerance: 0\n    answers:\n      - {answer: 5, tolerance: 0}\n",
         "lessons/01-intro.quiz.yaml:2: question 1 'q1': give 'answer' and 'tolerance', or a list of 'answers'"),
    ],
)  # fmt: skip
def test_credit_problems_point_at_their_line(content, kind, extra, expected):
    found = problems(content, QUESTION.format(type=kind, extra=extra))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_review_marks_each_answer_and_puts_its_feedback_beside_it(student_client, student, credit_quiz):
    attempt = services.attempt_start(user=student, quiz=credit_quiz)
    ids = attempt.layout["questions"]["hometown"]["ids"]
    weights = attempt.layout["questions"]["weights"]["ids"]
    form = {"q-hometown": ids[2], "q-spelled": "Nazereth", "q-born": "1822", "q-weights": [weights[0], weights[2]]}
    services.attempt_save(attempt=attempt, form=form)
    services.attempt_submit(attempt=attempt)
    page = student_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    galilee = page.split("Galilee")[1].split("</div>\n      </div>")[0]
    assert "mark-partial" in galilee and "(partly right)" in galilee and "FB-galilee" in galilee
    assert "FB-nazareth" not in page and "FB-jerusalem" not in page  # feedback only for what was chosen
    spelled = page.split('id="question-spelled"')[1].split("</section>")[0]
    assert "mark-partial" in spelled and "FB-misspelled" in spelled and "75% of the points" in spelled
    born = page.split('id="question-born"')[1].split("</section>")[0]
    assert "mark-correct" in born and "100% of the points" in born
    picked = page.split('id="question-weights"')[1].split("</section>")[0]
    assert picked.count("mark-correct") == 1 and picked.count("mark-incorrect") == 1 and "FB-c" in picked
    assert "20% of the points" in picked
