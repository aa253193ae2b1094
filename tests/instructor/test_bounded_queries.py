"""Every instructor page reads in a fixed number of queries, whatever the class: the same count
for 40 learners as for 400, with 30 quizzes and 13 labs (nothing may assume 8 labs)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from . import classroom

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20  # session, user and role checks included


def pages(quizzes, labs, learner) -> dict[str, str]:
    return {
        "gradebook by total": reverse("instructor:gradebook") + "?sort=-total",
        "gradebook by a lab, page 2": reverse("instructor:gradebook") + f"?sort=lab:{labs[-1].slug}&page=2",
        "gradebook CSV": reverse("instructor:gradebook_csv"),
        "class at a glance": reverse("instructor:class"),
        "one lab's class": reverse("instructor:lab_class", args=[labs[0].slug]),
        "one quiz's class": reverse("instructor:quiz_class", args=[quizzes[0].lesson.slug]),
        "a learner": reverse("instructor:learner", args=[learner.pk]),
        "a learner's lab": reverse("instructor:learner_lab", args=[learner.pk, labs[1].slug]),
    }


def count_queries(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return len(queries.captured_queries), body


def test_400_learners_30_quizzes_13_labs(instructor_client):
    quizzes, labs = classroom.course(quizzes=30, labs=13)
    counts = {}
    for size, start in ((40, 0), (360, 40)):  # 40 learners, then 400
        users = classroom.learners(size, start=start)
        classroom.grades(users, quizzes)
        classroom.lab_work(users, labs, grade_runs=3)
        for name, url in pages(quizzes, labs, users[0]).items():
            number, body = count_queries(instructor_client, url)
            counts.setdefault(name, []).append(number)
            assert number <= MAX_QUERIES, f"{name}: {number} queries"
            if name == "gradebook CSV":
                assert body.count(b"\n") == start + size + 1  # the header and every learner
            if name == "one lab's class":
                assert b"failed on each of the last 3 checks" in body  # every learner fails 'greets' 3 times
    assert all(len(set(found)) == 1 for found in counts.values()), counts
