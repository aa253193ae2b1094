"""The gradebook: quizzes and labs by module, totals that count what is not done, sortable
columns, filters by name and by group, the CSV, and a fixed number of queries at any size."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courseware.labrunner.models import Lab
from courseware.quizzes import services
from courseware.quizzes.models import QuizGrade
from tests.factories import UserFactory

from . import classroom

pytestmark = pytest.mark.django_db


def grade(user, quiz, percent, attempts=1):
    value = Decimal(percent)
    return QuizGrade.objects.create(
        user=user, quiz=quiz, attempts=attempts, best=value, last=value, first=value, average=value, grade=value,
        passed=value >= 70,
    )  # fmt: skip


@pytest.fixture
def klass(make_quiz):
    """The intro quiz and two labs (one on the intro lesson), and three learners."""
    quiz = make_quiz()
    lab = Lab.objects.create(
        slug="hello", title="Hello lab", order=1, summary="", deploy="function", handler="h.h", points=10, minutes=5,
        lesson_slug="intro", body_html="", source_path="", content_hash="", synced_at=quiz.lesson.synced_at,
    )  # fmt: skip
    loose = Lab.objects.create(
        slug="loose", title="Loose lab", order=2, summary="", deploy="function", handler="h.h", points=4, minutes=5,
        lesson_slug="", body_html="", source_path="", content_hash="", synced_at=quiz.lesson.synced_at,
    )  # fmt: skip
    ada, bob, cy = (
        UserFactory(username="ada"),
        UserFactory(username="bob", email="bob@uni.test"),
        UserFactory(username="cy"),
    )
    grade(ada, quiz, 90)
    grade(bob, quiz, 40, attempts=2)
    classroom.lab_work([ada], [lab], score=10)
    classroom.lab_work([bob], [lab], score=6, grade_runs=3)
    return quiz, [lab, loose], [ada, bob, cy]


def page(client, query=""):
    return client.get(reverse("instructor:gradebook") + query).content.decode()


def test_gradebook_has_quizzes_and_labs_by_module_and_not_instructors(instructor_client, instructor, klass):
    body = page(instructor_client)
    table = body.split("<table")[1]
    assert "3 learners" in body and instructor.username not in table
    heads = re.findall(r'class="module-head">([^<]+)<', table)
    assert heads == ["Basics", "Other labs"]  # intro's module holds its quiz and its lab
    assert table.index("Quiz</span> The intro lesson") < table.index("Lab</span> Hello lab") < table.index("Loose lab")
    ada = table.split(">ada<")[1].split("</tr>")[0]
    assert "90%" in ada and "1 attempt" in ada and "10/10" in ada and "2 checks" in ada
    bob = table.split(">bob<")[1].split("</tr>")[0]
    assert "40%" in bob and "2 attempts" in bob and "6/10" in bob and "3 checks" in bob and "not-passed" in bob
    assert 'class="sticky-col"' in table


def test_the_total_counts_what_is_not_done_as_zero(instructor_client, klass):
    body = page(instructor_client, "?sort=-total")
    # ada: quiz 90, lab 10/10 (100), loose lab not started (0): (90 + 100 + 0) / 3
    assert "63.3%" in body.split(">ada<")[1].split("</tr>")[0]
    assert "2 of 3 done" in body.split(">ada<")[1].split("</tr>")[0]
    assert body.index(">ada<") < body.index(">bob<") < body.index(">cy<")
    assert "0.0%" in body.split(">cy<")[1].split("</tr>")[0]


def test_headers_sort_and_say_so(instructor_client, klass):
    body = page(instructor_client, "?sort=-quiz:intro")
    assert body.index(">ada<") < body.index(">bob<") < body.index(">cy<")  # ungraded last
    assert 'aria-sort="descending"' in body and "sort=quiz:intro" in body  # a second click: low first
    body = page(instructor_client, "?sort=quiz:intro")
    assert body.index(">bob<") < body.index(">ada<") < body.index(">cy<")
    body = page(instructor_client, "?sort=-lab:hello")
    assert body.index(">ada<") < body.index(">bob<") < body.index(">cy<")
    partial = instructor_client.get(reverse("instructor:gradebook") + "?sort=-learner", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<div id="gradebook">') and text.index(">cy<") < text.index(">ada<")
    assert "<select" not in page(instructor_client).split("<table")[0].split("gb-filters")[1]  # no sort menu
    assert instructor_client.get(reverse("instructor:gradebook") + "?sort=password&page=99x").status_code == 200


def test_filter_by_name_and_by_group(instructor_client, klass):
    _quiz, _labs, (ada, bob, cy) = klass
    assert "1 learner." in page(instructor_client, "?q=uni.test")
    cohort = Group.objects.create(name="Cohort A")
    cohort.user_set.add(ada, cy)
    body = page(instructor_client, "?group=Cohort+A")
    assert "2 learners in Cohort A" in body and ">bob<" not in body
    assert '<option value="Cohort A" selected>' in body and '<option value="instructor"' not in body
    assert "3 learners." in page(instructor_client, "?group=nobody")  # an unknown group is no filter


def test_csv_has_groups_totals_quizzes_and_labs(instructor_client, klass):
    _quiz, _labs, (ada, _bob, _cy) = klass
    Group.objects.create(name="Cohort A").user_set.add(ada)
    response = instructor_client.get(reverse("instructor:gradebook_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8" and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "username", "email", "groups", "total %",
        "intro grade", "intro best", "intro last", "intro attempts",
        "lab hello best (of 10)", "lab hello checks", "lab loose best (of 4)", "lab loose checks",
    ]  # fmt: skip
    assert rows[1:] == [
        ["ada", "ada@example.com", "Cohort A", "63.33", "90.00", "90.00", "90.00", "1", "10", "2", "", "0"],
        ["bob", "bob@uni.test", "", "33.33", "40.00", "40.00", "40.00", "2", "6", "3", "", "0"],
        ["cy", "cy@example.com", "", "0.00", "", "", "", "0", "", "0", "", "0"],
    ]
    only = instructor_client.get(reverse("instructor:gradebook_csv") + "?group=Cohort+A")
    assert b"".join(only.streaming_content).decode().count("\n") == 2


def test_learner_page_has_lessons_quizzes_labs_and_last_activity(instructor_client, klass):
    quiz, (lab, _loose), (ada, _bob, _cy) = klass
    attempt = services.attempt_start(user=ada, quiz=quiz)
    services.attempt_submit(attempt=attempt)
    body = instructor_client.get(reverse("instructor:learner", args=[ada.pk])).content.decode()
    assert "Full review" in body and reverse("instructor:attempt", args=[attempt.pk]) in body
    assert "0 of 2 completed" in body and "Not completed:</span> The intro lesson" in body
    assert "10/10" in body and reverse("instructor:learner_lab", args=[ada.pk, lab.slug]) in body
    assert "Last active:" in body and "submitted a quiz attempt" in body
    review = instructor_client.get(reverse("instructor:attempt", args=[attempt.pk])).content.decode()
    assert "SECRET-EXPLANATION-single" in review and "Instructor view of" in review
