"""Taking a quiz: start, resume, save, check, submit, time limits and every setting."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.quizzes import services
from courseware.quizzes.models import Attempt, QuizGrade, Response
from tests.factories import UserFactory
from tests.quiz_fixtures import right_answers

pytestmark = pytest.mark.django_db


def without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", page)


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.lesson.slug]))
    assert response.status_code == 302, response.content
    return Attempt.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_quizzes_need_an_account(client, make_quiz):
    quiz = make_quiz()
    for url in [reverse("quizzes:quiz", args=["intro"])]:
        assert client.get(url).status_code == 302
    assert client.post(reverse("quizzes:start", args=["intro"])).status_code == 302
    assert not Attempt.objects.exists() and quiz


def test_start_shows_every_question_and_resume_returns_the_same_attempt(student_client, make_quiz):
    quiz = make_quiz()
    attempt = start(student_client, quiz)
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert page.count('class="question card') == 8
    assert "0 of 8 answered" in page
    assert start(student_client, quiz).pk == attempt.pk  # resuming, not a second attempt
    again = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert without_tokens(again) == without_tokens(page), "a reload never changes the questions"


def test_layout_is_seeded_per_attempt(student, make_quiz):
    quiz = make_quiz()
    first = services.attempt_start(user=student, quiz=quiz)
    services.attempt_submit(attempt=first)
    second = services.attempt_start(user=student, quiz=quiz)
    assert first.seed != second.seed
    assert first.layout != second.layout
    assert set(first.layout["order"]) == set(second.layout["order"])


def test_saving_as_you_go_and_submitting_all_right(student_client, student, make_quiz):
    quiz = make_quiz()
    attempt = start(student_client, quiz)
    form = right_answers(attempt)
    response = student_client.post(reverse("quizzes:save", args=[attempt.pk]), form)
    assert response.status_code == 302
    assert "8 of 8 answered" in student_client.get(response["Location"]).content.decode()
    response = student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "1"})
    assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.percent == 100 and attempt.max_score == 9
    grade = QuizGrade.objects.get(user=student, quiz=quiz)
    assert grade.grade == 100 and grade.passed and grade.attempts == 1


def test_htmx_save_returns_the_status_and_progress(student_client, make_quiz):
    quiz = make_quiz()
    attempt = start(student_client, quiz)
    url = reverse("quizzes:save", args=[attempt.pk]) + "?q=how-many"
    response = student_client.post(url, {"q-how-many": "5 s"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="question-status" id="status-how-many" role="status">')
    assert "Saved" in body and "<fieldset" not in body
    assert 'id="quiz-progress" class="quiz-progress" hx-swap-oob="true"' in body
    assert "1 of 8 answered" in body and "<html" not in body
    bad = student_client.post(url, {"q-how-many": "lots"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Enter a number" in bad.content.decode()
    assert Response.objects.get(attempt=attempt, question__key="how-many").answer == "5 s"


def test_wrong_unit_is_a_clear_message_not_an_error(student_client, make_quiz):
    attempt = start(student_client, make_quiz())
    response = student_client.post(reverse("quizzes:save", args=[attempt.pk]), {"q-how-many": "5 parsecs"})
    assert response.status_code == 422
    assert "&#x27;parsecs&#x27; is not a unit this question accepts (s, ms)" in response.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [
        ("q-pick-one", "0"),  # an authored index instead of this attempt's opaque id
        ("q-pick-one", "deadbeef0000"),
        ("q-no-such-question", "x"),
        ("q-true-or-false", "maybe"),
        ("q-order-them-ffffffffffff", "1"),
    ],
)
def test_forged_ids_get_400_and_change_nothing(student_client, make_quiz, field, value):
    attempt = start(student_client, make_quiz())
    form = {**right_answers(attempt), field: value}
    response = student_client.post(reverse("quizzes:save", args=[attempt.pk]), form)
    assert response.status_code == 400
    assert not Response.objects.filter(attempt=attempt).exists()


def test_another_learners_attempt_is_404(client, student, make_quiz):
    quiz = make_quiz()
    attempt = services.attempt_start(user=student, quiz=quiz)
    client.force_login(UserFactory())
    for name in ["attempt", "review"]:
        assert client.get(reverse(f"quizzes:{name}", args=[attempt.pk])).status_code == 404
    for name in ["save", "submit"]:
        assert client.post(reverse(f"quizzes:{name}", args=[attempt.pk]), right_answers(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open and not attempt.responses.exists()


def test_no_attempts_left_is_403(student_client, student, make_quiz):
    quiz = make_quiz(attempts=1)
    services.attempt_submit(attempt=services.attempt_start(user=student, quiz=quiz))
    response = student_client.post(reverse("quizzes:start", args=["intro"]))
    assert response.status_code == 403
    assert "used all 1 attempts" in response.content.decode()
    assert Attempt.objects.filter(user=student).count() == 1


def test_submitted_attempt_cannot_be_changed(student_client, student, make_quiz):
    quiz = make_quiz()
    attempt = services.attempt_start(user=student, quiz=quiz)
    services.attempt_submit(attempt=attempt)
    response = student_client.post(reverse("quizzes:save", args=[attempt.pk]), right_answers(attempt))
    assert response.status_code == 409
    assert not Response.objects.filter(attempt=attempt, answer__isnull=False).exists()


def test_time_limit_is_enforced_by_the_server(student_client, student, make_quiz):
    quiz = make_quiz(time_limit=10)
    attempt = start(student_client, quiz)
    form = right_answers(attempt)
    student_client.post(reverse("quizzes:save", args=[attempt.pk]), {"q-how-many": form["q-how-many"]})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    late = student_client.post(reverse("quizzes:save", args=[attempt.pk]), form)
    assert late.status_code == 409 and "Time is up" in late.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == "submitted"
    saved = {r.question.key for r in attempt.responses.exclude(answer=None)}
    assert saved == {"how-many"}, "answers sent after the deadline are not saved"
    assert float(attempt.percent) == pytest.approx(100 / 9, abs=0.01)


def test_opening_an_expired_attempt_submits_it(student_client, student, make_quiz):
    attempt = start(student_client, make_quiz(time_limit=5))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=30))
    response = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:review", args=[attempt.pk])


def test_timer_is_shown_for_timed_quizzes(student_client, make_quiz):
    attempt = start(student_client, make_quiz(time_limit=20))
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in page
    assert "js/quiz-timer.js" in page


def test_immediate_mode_checks_one_question_and_locks_it(student_client, make_quiz):
    attempt = start(student_client, make_quiz(reveal="immediately"))
    url = reverse("quizzes:check", args=[attempt.pk, "true-or-false"])
    response = student_client.post(url, {"q-true-or-false": "true"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Not correct" in body and "SECRET-FEEDBACK-tf-true" in body and "SECRET-EXPLANATION-truefalse" in body
    assert "SECRET-EXPLANATION-single" not in body
    again = student_client.post(url, {"q-true-or-false": "false"}, headers={"HX-Request": "true"})
    assert again.status_code == 400
    response = Response.objects.get(attempt=attempt, question__key="true-or-false")
    assert response.checked and response.answer is False is False or response.answer is True


def test_check_is_refused_when_answers_come_after_submission(student_client, make_quiz):
    attempt = start(student_client, make_quiz(reveal="after_submission"))
    url = reverse("quizzes:check", args=[attempt.pk, "true-or-false"])
    assert student_client.post(url, {"q-true-or-false": "true"}).status_code == 403


@pytest.mark.parametrize(
    "grading, expected",
    [("highest", 100), ("last", 0), ("first", 100), ("average", 50)],
)
def test_grading_methods(student, make_quiz, grading, expected):
    from django.http import QueryDict

    quiz = make_quiz(grading=grading)
    first = services.attempt_start(user=student, quiz=quiz)
    form = QueryDict(mutable=True)
    for key, values in right_answers(first).items():
        form.setlist(key, values)
    services.attempt_save(attempt=first, form=form)
    services.attempt_submit(attempt=first)
    services.attempt_submit(attempt=services.attempt_start(user=student, quiz=quiz))
    grade = QuizGrade.objects.get(user=student, quiz=quiz)
    assert grade.grade == expected and grade.attempts == 2
    assert grade.best == 100 and grade.last == 0 and grade.first == 100 and grade.average == 50


def test_review_reveals_per_settings(student_client, student, make_quiz):
    quiz = make_quiz(reveal="never")
    attempt = start(student_client, quiz)
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {**right_answers(attempt), "confirm": "1"})
    page = student_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "100.0%" in page and "SECRET-EXPLANATION" not in page and "shows your score only" in page


def test_after_last_attempt_reveals_only_when_none_are_left(student_client, student, make_quiz):
    quiz = make_quiz(attempts=2, reveal="after_last_attempt")
    first = start(student_client, quiz)
    student_client.post(reverse("quizzes:submit", args=[first.pk]), {"confirm": "1"})
    page = student_client.get(reverse("quizzes:review", args=[first.pk])).content.decode()
    assert "SECRET-EXPLANATION" not in page and "once you have used all your attempts" in page
    second = start(student_client, quiz)
    student_client.post(reverse("quizzes:submit", args=[second.pk]), {"confirm": "1"})
    page = student_client.get(reverse("quizzes:review", args=[first.pk])).content.decode()
    assert "SECRET-EXPLANATION-single" in page


def test_review_after_submission_shows_answers_and_links_to_the_lesson(student_client, make_quiz):
    attempt = start(student_client, make_quiz())
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "1"})
    page = student_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "0.0%" in page and "Not answered" in page and "Not correct" not in page
    assert "SECRET-EXPLANATION-calculated" in page and "987,654 s (±10)" in page
    assert 'href="/lessons/intro/#overview"' in page


def test_draw_n_questions_from_the_pool(student, content, make_quiz):
    text = content.lessons / "01-intro.quiz.yaml"
    make_quiz(attempts=0)
    text.write_text(text.read_text().replace("  pass_mark: 60\n", "  pass_mark: 60\n  draw: 3\n"))
    from courseware.course.services import content_sync

    content_sync()
    from courseware.quizzes.models import Quiz

    quiz = Quiz.objects.get()
    seen = set()
    for _ in range(5):
        attempt = services.attempt_start(user=student, quiz=quiz)
        assert len(attempt.layout["order"]) == 3
        seen |= set(attempt.layout["order"])
        services.attempt_submit(attempt=attempt)
    assert len(seen) > 3


def test_shuffle_settings(student, content, make_quiz):
    from courseware.course.services import content_sync

    make_quiz(attempts=0)
    path = content.lessons / "01-intro.quiz.yaml"
    path.write_text(
        path.read_text().replace(
            "  pass_mark: 60\n",
            "  pass_mark: 60\n  shuffle_questions: false\n  shuffle_choices: false\n",
        )
    )
    content_sync()
    quiz = Attempt._meta.get_field("quiz").related_model.objects.get()
    authored = list(quiz.questions.order_by("position").values_list("key", flat=True))
    for _ in range(4):
        attempt = services.attempt_start(user=student, quiz=quiz)
        assert attempt.layout["order"] == authored
        assert attempt.layout["questions"]["pick-one"]["order"] == [0, 1, 2]
        services.attempt_submit(attempt=attempt)
    path.write_text(
        path.read_text()
        .replace("shuffle_questions: false", "shuffle_questions: true")
        .replace("shuffle_choices: false", "shuffle_choices: true")
    )
    content_sync()
    quiz.refresh_from_db()
    orders = {tuple(services.attempt_start(user=UserFactory(), quiz=quiz).layout["order"]) for _ in range(6)}
    assert len(orders) > 1


def test_check_without_javascript_saves_everything_then_checks_one(student_client, make_quiz):
    attempt = start(student_client, make_quiz(reveal="immediately"))
    form = {"q-true-or-false": "false", "q-name-it": "guess"}
    response = student_client.post(reverse("quizzes:check", args=[attempt.pk, "true-or-false"]), form)
    assert response.status_code == 302 and response["Location"].endswith("#question-true-or-false")
    saved = {r.question.key: (r.answer, r.checked) for r in attempt.responses.select_related("question")}
    assert saved == {"true-or-false": (False, True), "name-it": ("guess", False)}
    page = student_client.get(response["Location"]).content.decode()
    assert "SECRET-FEEDBACK-tf-false" in page and "SECRET-EXPLANATION-short" not in page


def test_save_and_submit_use_as_many_queries_for_one_question_as_for_all(make_quiz):
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    quiz = make_quiz()
    counts = {}
    for label in ("none", "one", "all"):  # a learner of its own each: the same first submit
        attempt = services.attempt_start(user=UserFactory(), quiz=quiz)
        answers = list(right_answers(attempt).items())
        assert len(answers) > 3
        form = QueryDict(mutable=True)
        for key, values in {"none": [], "one": answers[:1], "all": answers}[label]:
            form.setlist(key, values)
        with CaptureQueriesContext(connection) as saved:
            services.attempt_save(attempt=attempt, form=form)
        with CaptureQueriesContext(connection) as resaved:  # every answer now updates its row
            services.attempt_save(attempt=attempt, form=form)
        with CaptureQueriesContext(connection) as submitted:
            services.attempt_submit(attempt=attempt)
        counts[label] = (len(saved), len(resaved), len(submitted))
        assert attempt.responses.count() == len(attempt.layout["order"])  # unanswered ones stored too
    assert counts["one"][:2] == counts["all"][:2], counts  # saves: one question or all
    assert counts["none"][2] == counts["all"][2], counts  # submits: nothing answered, or everything
