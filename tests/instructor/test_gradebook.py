import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.quizzes import services
from courseware.quizzes.models import Quiz, QuizGrade
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def grade(user, quiz, percent, attempts=1):
    value = Decimal(percent)
    return QuizGrade.objects.create(
        user=user,
        quiz=quiz,
        attempts=attempts,
        best=value,
        last=value,
        first=value,
        average=value,
        grade=value,
        passed=value >= 70,
    )


@pytest.fixture
def classroom(make_quiz):
    quiz = make_quiz()
    ada, bob, cy = (
        UserFactory(username="ada"),
        UserFactory(username="bob", email="bob@uni.test"),
        UserFactory(username="cy"),
    )
    grade(ada, quiz, 90)
    grade(bob, quiz, 40, attempts=2)
    return quiz, [ada, bob, cy]


@pytest.mark.parametrize("name", ["gradebook", "gradebook_csv", "quizzes"])
def test_only_instructors(client, student, instructor, classroom, name):
    url = reverse(f"instructor:{name}")
    assert client.get(url).status_code == 302
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(instructor)
    assert client.get(url).status_code == 200


def test_gradebook_lists_learners_but_not_instructors(instructor_client, instructor, classroom):
    page = instructor_client.get(reverse("instructor:gradebook")).content.decode()
    assert "3 learners" in page and ">ada<" in page and "90%" in page and "40%" in page
    assert instructor.username not in page.split("<table")[1]


def test_gradebook_filter_and_sort(instructor_client, classroom):
    page = instructor_client.get(reverse("instructor:gradebook") + "?q=uni.test").content.decode()
    assert "1 learner." in page and ">bob<" in page and ">ada<" not in page
    page = instructor_client.get(reverse("instructor:gradebook") + "?sort=-quiz:intro").content.decode()
    assert page.index(">ada<") < page.index(">bob<") < page.index(">cy<")  # ungraded last
    page = instructor_client.get(reverse("instructor:gradebook") + "?sort=quiz:intro").content.decode()
    assert page.index(">bob<") < page.index(">ada<") < page.index(">cy<")
    partial = instructor_client.get(reverse("instructor:gradebook") + "?sort=-learner", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="gradebook">') and body.index(">cy<") < body.index(">ada<")


def test_unknown_sort_falls_back_and_bad_page_is_clamped(instructor_client, classroom):
    response = instructor_client.get(reverse("instructor:gradebook") + "?sort=password&page=99x")
    assert response.status_code == 200


def test_csv_export(instructor_client, classroom):
    response = instructor_client.get(reverse("instructor:gradebook_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "username",
        "email",
        "intro grade",
        "intro best",
        "intro last",
        "intro attempts",
    ]
    assert rows[1:] == [
        ["ada", "ada@example.com", "90.00", "90.00", "90.00", "1"],
        ["bob", "bob@uni.test", "40.00", "40.00", "40.00", "2"],
        ["cy", "cy@example.com", "", "", "", "0"],
    ]


def test_learner_history_and_full_review(instructor_client, classroom):
    quiz, (ada, _bob, _cy) = classroom
    attempt = services.attempt_start(user=ada, quiz=quiz)
    services.attempt_submit(attempt=attempt)
    page = instructor_client.get(reverse("instructor:learner", args=[ada.pk])).content.decode()
    assert "Full review" in page and reverse("instructor:attempt", args=[attempt.pk]) in page
    review = instructor_client.get(reverse("instructor:attempt", args=[attempt.pk])).content.decode()
    assert "SECRET-EXPLANATION-single" in review and "Instructor view of" in review


def many_learners(quizzes: list[Quiz], count: int, start: int = 0) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bulk{start + i:05d}", email=f"b{start + i}@x.test") for i in range(count)]
    )
    QuizGrade.objects.bulk_create(
        [
            QuizGrade(user=user, quiz=quiz, attempts=1, best=50, last=50, first=50, average=50, grade=50)
            for user in users
            for quiz in quizzes
        ]
    )


def test_gradebook_and_export_run_in_bounded_queries(instructor_client, classroom, django_assert_max_num_queries):
    quiz, _learners = classroom
    for learners in (40, 400):
        many_learners([quiz], learners, start=learners)
        with django_assert_max_num_queries(12):
            assert instructor_client.get(reverse("instructor:gradebook") + "?sort=-average").status_code == 200
        with django_assert_max_num_queries(12):
            response = instructor_client.get(reverse("instructor:gradebook_csv"))
            lines = b"".join(response.streaming_content).decode().count("\n")
        assert lines > learners
