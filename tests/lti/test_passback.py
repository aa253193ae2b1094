"""Assignment and Grade Services: a quiz submit and a lab check send the score to the line item
the learner launched from, with a service token from a signed client assertion; retried while
the platform fails, and shown to instructors with the platform's answer."""

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import default_task_backend

from courseware.labrunner.models import Lab, LabRun, LabWorkspace
from courseware.lti.models import GradeTarget, ScorePush
from courseware.lti.tasks import score_push_task
from courseware.quizzes import services as quizzes
from courseware.quizzes.models import QuizGrade
from tests.lti.platform import LINEITEM_SCOPE, LIS, LTI, SCORE_SCOPE
from tests.quiz_fixtures import right_answers

pytestmark = pytest.mark.django_db
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def _ags(platform, name):
    return {AGS: {"scope": [LINEITEM_SCOPE, SCORE_SCOPE], "lineitem": platform.lineitem(name)}}


def _quiz_submit(user, quiz):
    attempt = quizzes.attempt_start(user=user, quiz=quiz)
    quizzes.attempt_save(attempt=attempt, form=right_answers(attempt))
    quizzes.attempt_submit(attempt=attempt)


@pytest.fixture
def quiz_learner(registered, launch, make_quiz):
    quiz = make_quiz()
    response, _, _ = launch(
        registered, **{LTI + "custom": {"resource": "quiz:intro"}}, **_ags(registered, "quiz-intro")
    )
    assert response["Location"] == "/lessons/intro/quiz/"
    return quiz, get_user_model().objects.get(email="learner-1@uni.example")


def test_a_quiz_submit_sends_the_score_to_the_line_item(registered, quiz_learner, django_capture_on_commit_callbacks):
    quiz, user = quiz_learner
    with django_capture_on_commit_callbacks(execute=True):
        _quiz_submit(user, quiz)
    [score] = registered.scores
    assert score["lineitem"] == "/lineitems/quiz-intro"
    assert score["userId"] == "learner-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (100.0, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert abs(datetime.fromisoformat(score["timestamp"]) - timezone.now()).total_seconds() < 60
    [assertion] = registered.tokens  # one signed client assertion, checked against the tool's JWKS
    assert assertion["aud"] == f"{registered.url}/token"
    assert ScorePush.objects.get().state == ScorePush.State.SENT


def test_a_quiz_submitted_through_the_pages_after_a_launch_is_passed_back(
    registered, quiz_learner, client, django_capture_on_commit_callbacks
):
    from courseware.quizzes.models import Attempt

    client.post("/lessons/intro/quiz/start/")  # the launched learner's own session
    attempt = Attempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quiz/attempts/{attempt.pk}/submit/", {**right_answers(attempt), "confirm": "1"})
    assert response.status_code == 302
    [score] = registered.scores
    assert (score["userId"], score["scoreGiven"]) == ("learner-1", 100.0)


def test_a_lab_check_sends_the_labs_points(registered, launch, django_capture_on_commit_callbacks):
    lab = Lab.objects.create(
        slug="hello", title="Hello", order=1, summary="s", deploy="function", handler="app.handler",
        points=10, minutes=5, body_html="", source_path="labs/hello", content_hash="x", synced_at=timezone.now(),
    )  # fmt: skip
    launch(registered, **{LTI + "custom": {"resource": "lab:hello"}}, **_ags(registered, "lab-hello"))
    user = get_user_model().objects.get(email="learner-1@uni.example")
    workspace = LabWorkspace.objects.create(user=user, lab=lab, account_id="123456789012", best_score=7)
    with django_capture_on_commit_callbacks(execute=True):
        # What steps._grade writes when a progress check finishes: the run, done, after the best score.
        LabRun.objects.create(workspace=workspace, kind=LabRun.Kind.GRADE, state=LabRun.State.DONE, score=7)
    [score] = registered.scores
    assert (score["lineitem"], score["scoreGiven"], score["scoreMaximum"]) == ("/lineitems/lab-hello", 7.0, 10)


def test_a_failing_platform_is_retried_with_backoff_until_it_accepts(
    registered, quiz_learner, settings, instructor_client, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    registered.failures = [500, 503]
    quiz, user = quiz_learner
    with django_capture_on_commit_callbacks(execute=True):
        _quiz_submit(user, quiz)
    push = ScorePush.objects.get()
    assert [r.args for r in default_task_backend.results] == [[push.pk]]
    assert score_push_task.call(push.pk) == "pending"
    push.refresh_from_db()
    assert (push.attempts, push.last_status) == (1, 500) and "gradebook unavailable" in push.last_response
    page = instructor_client.get("/lti/instructor/").content.decode()
    assert "gradebook unavailable" in page and "pending" in page
    first = default_task_backend.results[1].task.run_after
    assert first > timezone.now()
    assert score_push_task.call(push.pk) == "pending"
    second = default_task_backend.results[2].task.run_after
    assert second - first > (first - push.timestamp) / 2  # the delay grows
    assert score_push_task.call(push.pk) == "sent"
    assert len(registered.scores) == 1 and registered.scores[0]["scoreGiven"] == 100.0


def test_a_score_the_platform_never_accepts_is_marked_failed_for_instructors(
    registered, quiz_learner, settings, client, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.LTI_PUSH_ATTEMPTS = 2
    registered.failures = [500, 400]
    quiz, user = quiz_learner
    with django_capture_on_commit_callbacks(execute=True):
        _quiz_submit(user, quiz)
    push = ScorePush.objects.get()
    score_push_task.call(push.pk)
    assert score_push_task.call(push.pk) == "failed"
    push.refresh_from_db()
    assert push.last_status == 400 and registered.scores == []


def test_a_removed_grade_is_sent_as_not_ready(registered, quiz_learner, django_capture_on_commit_callbacks):
    quiz, user = quiz_learner
    with django_capture_on_commit_callbacks(execute=True):
        _quiz_submit(user, quiz)
        QuizGrade.objects.filter(user=user).delete()
    removed = registered.scores[-1]
    assert "scoreGiven" not in removed and removed["gradingProgress"] == "NotReady"


def test_nothing_is_sent_for_a_learner_who_did_not_come_through_lti(
    registered, make_quiz, student, django_assert_num_queries
):
    quiz = make_quiz()
    _quiz_submit(student, quiz)
    assert not ScorePush.objects.exists() and registered.scores == []
    grade = QuizGrade.objects.get(user=student)
    with django_assert_num_queries(2):  # the update, and passback's one look for a line item
        grade.save()


def test_an_instructor_launch_records_no_line_item(registered, launch, make_quiz):
    make_quiz()
    launch(
        registered,
        sub="t",
        roles=(LIS + "Instructor",),
        **{LTI + "custom": {"resource": "quiz:intro"}},
        **_ags(registered, "q"),
    )
    assert not GradeTarget.objects.exists()


def test_a_retried_score_never_overwrites_a_newer_one(
    registered, quiz_learner, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    registered.failures = [500]
    quiz, user = quiz_learner
    with django_capture_on_commit_callbacks(execute=True):
        _quiz_submit(user, quiz)
    older = ScorePush.objects.get()
    assert score_push_task.call(older.pk) == "pending"  # the platform failed
    with django_capture_on_commit_callbacks(execute=True):
        QuizGrade.objects.filter(user=user).delete()  # a newer grade: removed
    newer = ScorePush.objects.exclude(pk=older.pk).get()
    assert score_push_task.call(newer.pk) == "sent"
    assert score_push_task.call(older.pk) == "superseded"
    assert [score["gradingProgress"] for score in registered.scores] == ["NotReady"]
