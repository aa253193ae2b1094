"""Saving and submitting a quiz take as many queries for a quiz of 3 questions as for one of 12."""

from itertools import cycle, islice

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.course.services import content_sync
from courseware.quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quiz_fixtures import quiz_yaml, right_answers

pytestmark = pytest.mark.django_db


def quiz_of(content, count: int) -> None:
    """The every-type quiz's questions, repeated (each under its own id) until there are `count`."""
    quiz = yaml.safe_load(quiz_yaml(attempts=10))
    questions = islice(cycle(quiz["questions"]), count)
    quiz["questions"] = [{**question, "id": f"{question['id']}-{n}"} for n, question in enumerate(questions)]
    content.write("01-intro.quiz.yaml", yaml.safe_dump(quiz, sort_keys=False))
    content_sync()


def queries_to_save_and_submit(client) -> tuple[int, int]:
    response = client.post(reverse("quizzes:start", args=["intro"]))
    attempt = Attempt.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    form = right_answers(attempt)
    with CaptureQueriesContext(connection) as saved:
        assert client.post(reverse("quizzes:save", args=[attempt.pk]), form).status_code == 302
    with CaptureQueriesContext(connection) as submitted:
        response = client.post(reverse("quizzes:submit", args=[attempt.pk]), {**form, "confirm": "1"})
        assert response.status_code == 302 and response["Location"].endswith("/review/")
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score and len(attempt.layout["order"]) == attempt.responses.count()
    return len(saved), len(submitted)


def test_save_and_submit_take_as_many_queries_for_12_questions_as_for_3(content, client):
    counts = {}
    for size in (3, 12):
        quiz_of(content, size)
        client.force_login(UserFactory())  # a learner of their own: each starts a first attempt
        counts[size] = queries_to_save_and_submit(client)
    assert counts[3] == counts[12], counts
