"""Moodle's "interactive with multiple tries": a wrong try shows its feedback and a hint, and
waits for "Try again"; each wrong try before the one that counts costs `try_penalty`."""

import pytest
from django.urls import reverse

from courseware.course import services as course_services
from courseware.quizzes import checking, services
from courseware.quizzes.models import Quiz, Response
from courseware.quizzes.services import QuizRefused
from courseware.quizzes.spec.grading import AnswerForged
from tests.quiz_fixtures import INTERACTIVE

from .test_spec import problems

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def quiz(content) -> Quiz:
    content.write("01-intro.quiz.yaml", INTERACTIVE)
    course_services.content_sync()
    return Quiz.objects.get(lesson__slug="intro")


def pick(attempt, index: int) -> dict:
    return {"q-colour": attempt.layout["questions"]["colour"]["ids"][index]}


def test_a_wrong_try_shows_feedback_and_a_hint_then_try_again(student_client, student, quiz):
    attempt = services.attempt_start(user=student, quiz=quiz)
    url = reverse("quizzes:check", args=[attempt.pk, "colour"])
    fragment = student_client.post(url, pick(attempt, 1), headers=HTMX).content.decode()
    assert "Not correct" in fragment and "FB-blue" in fragment and "HINT-one" in fragment
    assert "Try again" in fragment and "try 1 of 3" in fragment and "25%" in fragment
    assert "SECRET-EXPLANATION" not in fragment and "FB-red" not in fragment  # the key stays hidden
    assert fragment.count("disabled") == 4
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "HINT-one" in page and "HINT-two" not in page  # a reload shows the same state
    with pytest.raises(AnswerForged):  # no answering again before "Try again"
        services.attempt_save(attempt=attempt, form=pick(attempt, 0))
    again = student_client.post(reverse("quizzes:retry", args=[attempt.pk, "colour"]), headers=HTMX).content.decode()
    assert "HINT-one" not in again and "Try 2 of 3." in again and "disabled" not in again
    fragment = student_client.post(url, pick(attempt, 2), headers=HTMX).content.decode()
    assert "HINT-two" in fragment and "try 2 of 3" in fragment
    student_client.post(reverse("quizzes:retry", args=[attempt.pk, "colour"]), headers=HTMX)
    fragment = student_client.post(url, pick(attempt, 0), headers=HTMX).content.decode()
    assert (
        "Correct" in fragment and "50% of the points, on try 3" in fragment and "SECRET-EXPLANATION-colour" in fragment
    )
    response = Response.objects.get(attempt=attempt, question__key="colour")
    assert (response.tries, response.checked, response.fraction) == (3, True, 0.5)
    with pytest.raises(AnswerForged):
        checking.attempt_check(attempt=attempt, key="colour", form=pick(attempt, 0))


def test_checking_a_blank_answer_costs_no_try(student_client, student, quiz):
    attempt = services.attempt_start(user=student, quiz=quiz)
    url = reverse("quizzes:check", args=[attempt.pk, "count"])
    response = student_client.post(url, {"q-count": ""}, headers=HTMX)
    assert response.status_code == 422 and "Give an answer before checking it." in response.content.decode()
    assert not Response.objects.filter(attempt=attempt, question__key="count", tries__gt=0).exists()


def test_out_of_tries_finishes_the_question_with_the_answer_shown(student, quiz):
    attempt = services.attempt_start(user=student, quiz=quiz)
    for index in (1, 2, 3):
        checking.attempt_check(attempt=attempt, key="colour", form=pick(attempt, index))
        if index < 3:
            checking.attempt_retry(attempt=attempt, key="colour")
    response = Response.objects.get(attempt=attempt, question__key="colour")
    assert (response.tries, response.checked, response.awaiting_retry, response.fraction) == (3, True, False, 0)
    with pytest.raises(QuizRefused):
        checking.attempt_retry(attempt=attempt, key="colour")


def test_the_submit_counts_as_a_try_and_a_regrade_keeps_the_penalties(student, quiz):
    attempt = services.attempt_start(user=student, quiz=quiz)
    checking.attempt_check(attempt=attempt, key="colour", form=pick(attempt, 1))  # wrong, waiting
    checking.attempt_retry(attempt=attempt, key="colour")
    services.attempt_save(attempt=attempt, form={**pick(attempt, 0), "q-count": "42"})  # right, never checked
    attempt, _ = services.attempt_submit(attempt=attempt)
    fractions = dict(attempt.responses.values_list("question__key", "fraction"))
    assert fractions == {"colour": 0.75, "count": 1.0}  # one wrong try before the submit's
    assert float(attempt.percent) == pytest.approx(87.5)
    assert services.quiz_regrade(quiz=quiz) == []  # nothing changes: the penalty is kept


def test_interactive_settings_are_validated(content):
    text = "settings:\n  tries: 2\nquestions:\n  - {id: q1, type: truefalse, prompt: True or false, explanation: Because, answer: true}\n"
    assert problems(content, text) == [
        "lessons/01-intro.quiz.yaml:2: settings: 'tries' applies only with reveal: interactive"
    ]
    text = text.replace("tries: 2", "reveal: interactive\n  try_penalty: half")
    assert problems(content, text) == [
        "lessons/01-intro.quiz.yaml:3: settings: 'try_penalty' is a percentage such as '50%', not 'half'"
    ]
