"""Moodle's own documented GIFT examples: imported without a problem or a loss, loaded as a quiz,
graded with Moodle's per-answer credit, exported and imported back to the same questions."""

import io
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from courseware.course import services as course_services
from courseware.course.loader import load_course
from courseware.quizzes import engine, services
from courseware.quizzes.gift import export_gift, questions_to_yaml, read_gift
from courseware.quizzes.models import Quiz
from tests.factories import UserFactory

from .moodle_gift import EXAMPLES, examples_file


def imported() -> dict[str, dict]:
    read = read_gift(examples_file(), "moodle.gift")
    assert read.problems == [] and read.notes == []
    assert len(read.questions) == len(EXAMPLES)
    return dict(zip(EXAMPLES, read.questions, strict=True))


def test_every_documented_form_imports_as_moodle_reads_it():
    q = imported()
    assert q["half-credit"]["type"] == "single"
    assert q["half-credit"]["choices"][1] == {"text": "half credit answer", "credit": "50%"}
    assert [c.get("credit") for c in q["weighted-choices"]["choices"]] == [None, "25%", "50%", None]
    assert q["weighted-short"]["answers"] == [
        {"text": "Nazareth", "feedback": "Yes! That's right!"},
        {"text": "Nazereth", "credit": "75%", "feedback": "Right, but misspelled."},
        {"text": "Bethlehem", "credit": "25%", "feedback": "He was born here, but not raised here."},
    ]
    assert q["numerical-partial"]["answers"] == [
        {"answer": 1822, "tolerance": 0},
        {"answer": 1822, "tolerance": 2, "credit": "50%"},
    ]
    assert q["numerical-feedback"]["answers"][1]["feedback"] == (
        "He was born in 1822.\nYou get 50% credit for being close."
    )
    assert (q["numerical-range"]["answer"], q["numerical-range"]["tolerance"]) == (3.1415, 0.0005)
    assert q["multiple-answers"]["type"] == "multiple" and q["multiple-answers"]["penalty"] == 0
    assert "penalty" not in q["multiple-answers-negative"]  # -50% each: the default penalty of 1
    assert [c["text"] for c in q["control-characters"]["choices"]] == ["~", "=", "#", "{", "}", "\\"]
    assert q["true-false-feedback"]["feedback"] == {True: "No one is buried in Grant's tomb."}
    assert q["missing-word"]["prompt"] == "Grant is ____ in Grant's tomb."
    assert (q["question-name"]["id"], q["weighted-short"]["id"]) == ("kanji-origins", "jesus-hometown-2")


@pytest.fixture
def moodle_quiz(content, db) -> Quiz:
    questions = list(imported().values())
    content.write(
        "01-intro.quiz.yaml", "settings:\n  shuffle_choices: false\nquestions:\n" + questions_to_yaml(questions)
    )
    course_services.content_sync()
    return Quiz.objects.get(lesson__slug="intro")


def graded(quiz: Quiz, key: str, answer) -> tuple[float, list[str]]:
    question = quiz.questions.get(key=key)
    result = engine.grade(question.spec, engine.make_layout([question.spec], {}, 1)["questions"][key], answer)
    return result.fraction, result.feedback


def test_the_examples_load_as_a_quiz_and_grade_as_moodle_would(moodle_quiz):
    assert load_course(settings.CONTENT_DIR).problems == []
    assert moodle_quiz.questions.count() == len(EXAMPLES)
    keys = {name: question["id"] for name, question in imported().items()}
    assert graded(moodle_quiz, keys["weighted-choices"], [2]) == (0.5, ["<p>You need to be more specific.</p>"])
    assert graded(moodle_quiz, keys["weighted-choices"], [3])[0] == 1.0
    assert graded(moodle_quiz, keys["weighted-short"], "nazereth") == (0.75, ["<p>Right, but misspelled.</p>"])
    assert graded(moodle_quiz, keys["weighted-short"], "Paris") == (0.0, [])
    fraction, feedback = graded(moodle_quiz, keys["numerical-feedback"], "1823")
    assert fraction == 0.5 and "50% credit for being close" in feedback[0]
    assert graded(moodle_quiz, keys["numerical-feedback"], "1822")[0] == 1.0
    assert graded(moodle_quiz, keys["numerical-feedback"], "1825")[0] == 0.0
    assert graded(moodle_quiz, keys["half-credit"], [1])[0] == 0.5
    assert graded(moodle_quiz, keys["multiple-answers-negative"], [0, 1, 2, 3])[0] == 0.0
    assert graded(moodle_quiz, keys["multiple-answers-negative"], [1, 2])[0] == 1.0
    assert graded(moodle_quiz, keys["multiple-answers"], [0, 1, 2, 3])[0] == 1.0  # wrong picks cost nothing there


def test_exported_examples_import_back_to_the_same_questions(moodle_quiz):
    specs = [question.spec for question in moodle_quiz.questions.order_by("position")]
    read = read_gift(export_gift(moodle_quiz.title, specs), "round-trip.gift")
    assert read.problems == [] and read.notes == []
    for before, after in zip(imported().values(), read.questions, strict=True):
        assert after == {**before, "prompt": after["prompt"]}, before["id"]
        assert after["prompt"] == before["prompt"]


def test_partial_credit_through_an_attempt_a_regrade_and_the_gradebook(moodle_quiz, content):
    learner = UserFactory()
    key = imported()["weighted-choices"]["id"]
    attempt = services.attempt_start(user=learner, quiz=moodle_quiz)
    layout = attempt.layout["questions"][key]
    services.attempt_save(attempt=attempt, form={f"q-{key}": layout["ids"][2]})  # Galilee, 50%
    attempt, _ = services.attempt_submit(attempt=attempt)
    assert attempt.score == Decimal("0.5") and attempt.responses.get(question__key=key).fraction == 0.5
    path = content.lessons / "01-intro.quiz.yaml"
    before = "credit: 50%\n        feedback: You need"
    assert before in path.read_text()
    path.write_text(path.read_text().replace(before, before.replace("50%", "75%")))
    course_services.content_sync()
    changes = services.quiz_regrade(quiz=moodle_quiz)
    assert [(c.questions[0][0], c.questions[0][2]) for c in changes] == [(key, 0.75)]
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.75")
    assert moodle_quiz.grades.get(user=learner).best == attempt.percent


def test_an_export_imports_into_its_own_lesson_and_into_another(make_quiz, content, tmp_path):
    make_quiz()  # intro's every-type quiz; its single-choice question links to #overview
    out = io.StringIO()
    call_command("quiz", "export-gift", "intro", stdout=out)
    gift = tmp_path / "intro.gift"
    gift.write_text(out.getvalue())
    same = io.StringIO()
    call_command("quiz", "import-gift", str(gift), stdout=same)
    assert f"{gift}:6: note: question id 'pick-one' is already in the quiz: imported as 'pick-one-2'" in same.getvalue()
    other = io.StringIO()
    call_command("quiz", "import-gift", str(gift), "--lesson", "next", stdout=other)
    assert "lessons/02-next.md has no section '#overview'; the link was dropped" in other.getvalue()
    course = load_course(content.root)
    assert course.problems == []
    by_lesson = {quiz.lesson_slug: quiz for quiz in course.quizzes}
    assert len(by_lesson["intro"].questions) == 8 + 6  # ordering and calculated have no GIFT form
    assert [q["id"] for q in by_lesson["next"].questions][:2] == ["pick-one", "pick-many"]
    assert all(not q["section"] for q in by_lesson["next"].questions)
    assert yaml.safe_load((content.lessons / "02-next.quiz.yaml").read_text())["questions"][0]["id"] == "pick-one"
