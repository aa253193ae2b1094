"""Finishing an attempt goes through Moodle's summary: what is answered and what is not, and the
time left; only the summary's own button submits, so a blank quiz never goes in at one click."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.quizzes import services
from courseware.quizzes.models import Attempt
from tests.quiz_fixtures import right_answers

pytestmark = pytest.mark.django_db


def test_finishing_shows_the_summary_and_burns_nothing(student_client, student, make_quiz):
    quiz = make_quiz(attempts=1)
    attempt = services.attempt_start(user=student, quiz=quiz)
    response = student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:summary", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.is_open and not quiz.grades.exists()
    page = student_client.get(response["Location"]).content.decode()
    assert "0 of 8 questions answered" in page and "You have not answered any question yet." in page
    assert page.count("Not yet answered") == 8 and "Submit all and finish" in page and "Return to attempt" in page


def test_the_summary_keeps_what_the_form_carried_and_names_the_gaps(student_client, student, make_quiz):
    attempt = services.attempt_start(user=student, quiz=make_quiz())
    form = {key: value for key, value in right_answers(attempt).items() if key.startswith("q-pick")}
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), form)
    page = student_client.get(reverse("quizzes:summary", args=[attempt.pk])).content.decode()
    assert "2 of 8 questions answered" in page and page.count("Answer saved") == 2
    assert "6 questions not answered" in page
    response = student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "1"})
    assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score == 3  # 2 + 1 points
    assert student_client.get(reverse("quizzes:summary", args=[attempt.pk]))["Location"] == reverse(
        "quizzes:review", args=[attempt.pk]
    )


def test_the_summary_shows_the_time_left_and_time_up_submits_at_once(student_client, student, make_quiz):
    attempt = services.attempt_start(user=student, quiz=make_quiz(time_limit=10))
    page = student_client.get(reverse("quizzes:summary", args=[attempt.pk])).content.decode()
    assert "Time left:" in page and 'data-submit="quiz-submit"' in page
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = student_client.post(reverse("quizzes:submit", args=[attempt.pk]))  # the timer's click
    assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_another_learners_summary_does_not_exist(client, other_student, student, make_quiz):
    attempt = services.attempt_start(user=student, quiz=make_quiz())
    client.force_login(other_student)
    assert client.get(reverse("quizzes:summary", args=[attempt.pk])).status_code == 404
