"""Who is stuck, found from real lab runs (the issue's learner: three checks at the same failing
check, then a deploy of a syntax error) and from quiz attempts; how far the class got."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from courseware.instructor.grades import ActivityGrade, grade_recorded
from courseware.labrunner import services as lab_services
from courseware.labrunner.models import Lab, LabRun, LabWorkspace
from courseware.quizzes import services
from courseware.quizzes.models import Attempt
from tests.factories import InstructorFactory, UserFactory

from . import classroom


def test_the_issues_learner_is_visible_everywhere_an_instructor_looks(client, labs):
    learner, steady = UserFactory(username="stuck-sam"), UserFactory(username="steady-sue")
    lab = Lab.objects.get(slug="hello-lambda")
    workspace = lab_services.lab_workspace_get(user=learner, lab=lab)
    assert lab_services.lab_run_start(workspace=workspace, kind="deploy").state == LabRun.State.DONE
    recorded = []

    def passback(sender, grade, **kwargs):
        recorded.append((sender, grade))

    grade_recorded.connect(passback)
    try:
        for _ in range(3):
            run = lab_services.lab_run_start(workspace=workspace, kind="grade")
            assert run.state == LabRun.State.DONE and run.score < lab.points
    finally:
        grade_recorded.disconnect(passback)
    assert recorded == [("lab", ActivityGrade(learner.pk, "lab", lab.pk, Decimal(2), 10))] * 3
    assert recorded[0][1].fraction == 0.2
    broken = {"handler.py": "def handler(event, context)\n    return 1\n"}
    lab_services.lab_draft_save(workspace=workspace, files=broken)
    lab_services.lab_run_start(workspace=workspace, kind="deploy")
    lab_services.lab_run_start(workspace=LabWorkspace.objects.get(pk=workspace.pk), kind="invoke", event_name="hello")
    lab_services.lab_workspace_get(user=steady, lab=lab)  # opened the lab, ran nothing: not stuck
    client.force_login(InstructorFactory())

    glance = client.get(reverse("instructor:lab_class", args=[lab.slug])).content.decode()
    stuck = glance.split('id="stuck"')[1]
    assert "stuck-sam" in stuck and "steady-sue" not in stuck
    assert "failed on each of the last 3 checks" in stuck
    assert reverse("instructor:learner_lab", args=[learner.pk, lab.slug]) in stuck
    assert "How many passed each check" in glance and "Hidden check" in glance

    history = client.get(reverse("instructor:learner_lab", args=[learner.pk, lab.slug])).content.decode()
    assert "def handler(event, context)\n    return 1" in history  # the broken version, read-only
    assert history.count("Score 2/10") == 3 and "Version 2 deployed" in history
    assert "Runtime.UserCodeSyntaxError" in history  # the invoke says what is wrong
    assert "should be greeted as world" not in history  # a hidden check's message never shows

    record = client.get(reverse("instructor:learner", args=[learner.pk])).content.decode()
    assert "ran a lab step" in record
    row = record.split('id="lab-hello-lambda"')[1].split("</tr>")[0]
    assert f"/{lab.points}</td>" in row and "<td>2</td>" in row  # two versions

    book = client.get(reverse("instructor:gradebook")).content.decode()
    assert "3 checks" in book.split(">stuck-sam<")[1].split("</tr>")[0]
    overview = client.get(reverse("instructor:class")).content.decode()
    assert "1 stuck" in overview


@pytest.mark.django_db
def test_the_same_error_repeated_and_no_progress_for_a_day(instructor_client):
    _quizzes, (lab,) = classroom.course(quizzes=1, labs=1)
    repeating, idle, fine = classroom.learners(3)
    classroom.lab_work([repeating, fine], [lab], grade_runs=1)
    classroom.lab_work([idle], [lab], grade_runs=1, ago=timedelta(days=3))
    space = LabWorkspace.objects.get(user=repeating)
    for _ in range(3):
        LabRun.objects.create(workspace=space, kind="deploy", state="failed", account_id=space.account_id,
                              result={"deploy_error": {"text": "handler.py:1: invalid syntax"}})  # fmt: skip
    LabRun.objects.filter(workspace__user=idle).update(score=5)
    body = instructor_client.get(reverse("instructor:lab_class", args=[lab.slug])).content.decode()
    stuck = body.split('id="stuck"')[1]
    assert "The same error on each of the last 3 deploys: Deploy failed: handler.py:1: invalid syntax" in stuck
    assert "No progress for 3 days (best 5/10)" in stuck
    assert fine.username not in stuck


@pytest.mark.django_db
def test_stuck_in_a_quiz_and_the_questions_reached(instructor_client, make_quiz):
    quiz = make_quiz(attempts=3)
    trier, idler, passer = UserFactory(username="trier"), UserFactory(username="idler"), UserFactory(username="passer")
    for _ in range(3):
        services.attempt_submit(attempt=services.attempt_start(user=trier, quiz=quiz))
    open_attempt = services.attempt_start(user=idler, quiz=quiz)
    Attempt.objects.filter(pk=open_attempt.pk).update(started_at=timezone.now() - timedelta(days=2))
    attempt = services.attempt_start(user=passer, quiz=quiz)
    key = "name-it"
    services.attempt_save(attempt=attempt, form={f"q-{key}": "SECRETWORD"})
    services.attempt_submit(attempt=attempt)
    cohort = Group.objects.create(name="Evening")
    cohort.user_set.add(trier, passer)

    body = instructor_client.get(reverse("instructor:quiz_class", args=["intro"])).content.decode()
    stuck = body.split('id="stuck"')[1]
    assert "Used all 3 attempts without passing (best 0%)" in stuck
    assert "An attempt left open, untouched for 2 days" in stuck and "passer" not in stuck
    reached = body.split("How many got each question right")[1].split("</table>")[0]
    row = reached.split(f"<code>{key}</code>")[1].split("</tr>")[0]
    assert '1 <span class="muted">of 1</span>' in row  # passer answered it, and rightly
    evening = instructor_client.get(reverse("instructor:quiz_class", args=["intro"]) + "?group=Evening")
    stuck = evening.content.decode().split('id="stuck"')[1]
    assert "trier" in stuck and "idler" not in stuck
    overview = instructor_client.get(reverse("instructor:class") + "?group=Evening").content.decode()
    assert "2 learners in Evening" in overview and "1 stuck" in overview
