"""An instructor's look at one attempt: in progress, it says so (a regression: it showed
"submitted", 0% and every unanswered question "Not correct")."""

import pytest
from django.urls import reverse

from courseware.quizzes import services
from tests.quiz_fixtures import right_answers

pytestmark = pytest.mark.django_db


def test_an_attempt_in_progress_is_shown_as_in_progress(instructor_client, student, make_quiz):
    attempt = services.attempt_start(user=student, quiz=make_quiz(time_limit=30))
    form = {key: value for key, value in right_answers(attempt).items() if key == "q-pick-one"}
    services.attempt_save(attempt=attempt, form=form)
    page = instructor_client.get(reverse("instructor:attempt", args=[attempt.pk])).content.decode()
    assert "Attempt 1: in progress" in page and "1 of 8 answered" in page and "closes at" in page
    assert "points · submitted" not in page and "0.0%" not in page
    assert "Not correct" not in page and "Not answered" not in page and "mark-" not in page
    assert page.count("Not yet answered") == 7 and page.count("Answer saved") == 1
    assert "SECRET-EXPLANATION-single" in page  # the instructor still sees the key


def test_a_submitted_attempt_says_not_answered_for_blanks(instructor_client, student, make_quiz):
    attempt = services.attempt_start(user=student, quiz=make_quiz())
    services.attempt_save(attempt=attempt, form={"q-name-it": "wrong"})
    services.attempt_submit(attempt=attempt)
    page = instructor_client.get(reverse("instructor:attempt", args=[attempt.pk])).content.decode()
    assert "Attempt 1: 0.0%" in page and page.count("Not answered") == 7 and page.count("Not correct") == 1
    assert "mark-incorrect" in page
