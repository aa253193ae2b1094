"""The lab page end to end through the views: drafts, deploy, invoke, grade, reset, isolation."""

import json
import re

import pytest
from django.urls import reverse

from courseware.labrunner.models import Lab, LabRun, LabWorkspace
from tests.lab_fixtures import HTMX, SOLUTION, solution_post


def url(name, *args):
    return reverse(f"labrunner:{name}", args=["hello-lambda", *args])


def test_anonymous_page_shows_instructions_and_starter_but_never_the_answers(client, labs):
    page = client.get(url("lab")).content.decode()
    assert "Hello Lambda" in page and "Log in to start this lab" in page
    assert "What you will build" in page and "Init Duration" in page  # the instructions
    assert "TODO: greet" in page  # the starter
    solution = (SOLUTION / "handler.py").read_text()
    checks = (SOLUTION.parent / "checks.py").read_text()
    assert "module level: runs once per execution environment" in solution
    assert "module level: runs once per execution environment" not in page
    assert "should be greeted as world" in checks and "should be greeted as world" not in page


def test_deploy_invoke_and_check_my_progress(student_client, student, labs):
    saved = student_client.post(url("draft"), solution_post(), **HTMX)
    assert saved.status_code == 200 and "Draft saved" in saved.content.decode()
    deployed = student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    assert "Version 1 deployed" in deployed.content.decode()
    invoked = student_client.post(url("run_create", "invoke"), {"event_name": "hello"}, **HTMX)
    html = invoked.content.decode()
    assert "Hello, Ada!" in html and "REPORT RequestId" in html and "cold start" in html
    assert "per million" in html  # the invocation's cost, from the pricing engine
    # Money for reading: three significant digits under a cent, and "1 request", not "1 requests".
    assert re.search(r"<dt>Cost</dt><dd>\$0\.0*[1-9]\d{0,2} <span", html), html
    assert "<li>1 request × $0.20 per 1M = $0.0000002</li>" in html
    # The REPORT line is laid out field by field, so it wraps between them instead of being clipped.
    assert '<span class="report-field">Billed Duration:' in html
    graded = student_client.post(url("run_create", "grade"), **HTMX).content.decode()
    assert "Score: <strong>10/10</strong>" in graded
    assert "Hidden check" in graded and "should be greeted as world" not in graded
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.best_score == 10 and workspace.versions.count() == 1
    grade = workspace.runs.get(kind=LabRun.Kind.GRADE)
    assert grade.account_id == workspace.account_id
    assert grade.result["account_id"] != workspace.account_id  # graded in a fresh account
    dashboard = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert "10/10" in dashboard and "Complete" in dashboard


def test_without_javascript_steps_redirect_back_to_the_page(student_client, labs):
    # The editor form posts to the draft view; its Deploy button names the step.
    response = student_client.post(url("draft"), solution_post() | {"step": "deploy"})
    assert response.status_code == 302 and "?run=" in response["Location"]
    page = student_client.get(response["Location"]).content.decode()
    assert "Version 1 deployed" in page


def test_bad_input_is_refused_with_a_message_and_nothing_saved(student_client, student, labs):
    response = student_client.post(url("draft"), {"file:../../etc/passwd": "x"}, **HTMX)
    assert response.status_code == 200  # unknown fields are not files of this lab: ignored
    too_big = student_client.post(url("draft"), {"file:handler.py": "#" * 70_000}, **HTMX)
    assert too_big.status_code == 422 and "larger than 64 KB" in too_big.content.decode()
    bad_env = solution_post() | {"environment": "not a pair"}
    refused = student_client.post(url("draft"), bad_env, **HTMX)
    assert refused.status_code == 422 and "environment line 1" in refused.content.decode()
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.files == Lab.objects.get(slug="hello-lambda").starter
    invoke = student_client.post(url("run_create", "invoke"), {"event_name": "hello"}, **HTMX)
    assert invoke.status_code == 422 and "Deploy your code first" in invoke.content.decode()
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    custom = {"event_name": "", "event": "{not json"}
    bad_event = student_client.post(url("run_create", "invoke"), custom, **HTMX)
    assert bad_event.status_code == 422 and "not valid JSON" in bad_event.content.decode()


def test_one_step_at_a_time(student_client, student, labs):
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    workspace = LabWorkspace.objects.get(user=student)
    LabRun.objects.create(workspace=workspace, kind="grade", account_id=workspace.account_id)
    busy = student_client.post(url("run_create", "invoke"), {"event_name": "hello"}, **HTMX)
    assert busy.status_code == 422 and "still running" in busy.content.decode()


def test_reset_gives_a_clean_account_and_keeps_the_code(student_client, student, labs):
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    student_client.post(url("run_create", "invoke"), {"event_name": "hello"}, **HTMX)
    before = LabWorkspace.objects.get(user=student)
    unconfirmed = student_client.post(url("reset"), follow=True).content.decode()
    assert "Nothing was reset" in unconfirmed
    assert LabWorkspace.objects.get(user=student).account_id == before.account_id
    page = student_client.post(url("reset"), {"confirm": "yes"}, follow=True).content.decode()
    after = LabWorkspace.objects.get(user=student)
    assert after.account_id != before.account_id and after.deployed_version is None
    assert after.files == before.files
    functions = labs.client("lambda", after.account_id).list_functions()["Functions"]
    assert functions == []
    # The page agrees with itself: nothing deployed, and no "Version 1 deployed" from the old account.
    assert "<dt>Deployed</dt><dd>nothing yet</dd>" in page
    assert "Version 1 deployed" not in page and "Status: <strong>ok</strong>" not in page
    assert "Invocation history (1)" in page  # the history is kept


def test_the_header_follows_deploys_and_checks_without_a_reload(student_client, student, labs):
    """Each step's answer carries the header out of band, so it is never stale."""
    page = student_client.get(url("lab")).content.decode()
    assert "<dt>Deployed</dt><dd>nothing yet</dd>" in page and "0/10" in page
    deployed = student_client.post(url("run_create", "deploy"), solution_post(), **HTMX).content.decode()
    assert 'id="lab-status" class="metrics lab-status" hx-swap-oob="true"' in deployed
    assert "<dt>Deployed</dt><dd>version 1</dd>" in deployed
    assert '<select id="restore-version" name="version" hx-swap-oob="true">' in deployed
    assert '<option value="1">version 1 (' in deployed  # the new version can be restored at once
    graded = student_client.post(url("run_create", "grade"), **HTMX).content.decode()
    assert 'hx-swap-oob="true"' in graded and '10/10 <span class="status status-done">Complete</span>' in graded
    run = LabWorkspace.objects.get(user=student).runs.get(kind="grade")
    polled = student_client.get(url("run", run.pk), **HTMX).content.decode()
    assert 'hx-swap-oob="true"' in polled and "<dt>Deployed</dt><dd>version 1</dd>" in polled


def test_a_running_step_does_not_swap_the_header(student_client, student, labs):
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    workspace = LabWorkspace.objects.get(user=student)
    running = LabRun.objects.create(workspace=workspace, kind="grade", account_id=workspace.account_id)
    polled = student_client.get(url("run", running.pk), **HTMX).content.decode()
    assert "Checking…" in polled and "hx-swap-oob" not in polled


def test_restore_brings_back_a_version(student_client, student, labs):
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    student_client.post(url("draft"), {"file:handler.py": "# oops, deleted everything\n"}, **HTMX)
    student_client.post(url("restore"), {"version": "1"})
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.files["handler.py"] == solution_post()["file:handler.py"]


SNOOP = """
import boto3

def handler(event, context):
    seen = {}
    for target in event["targets"]:
        # Everything a learner might try: the other's account id as header and as access key.
        client = boto3.client("lambda", aws_access_key_id=target, aws_secret_access_key="x")
        client.meta.events.register("before-send", lambda request, t=target, **kw: request.headers.__setitem__("x-moto-account-id", t))
        seen[target] = sorted(f["FunctionName"] for f in client.list_functions()["Functions"])
        try:
            client.delete_function(FunctionName="hello-lambda")
        except Exception as error:
            seen[target + "-delete"] = type(error).__name__
        # And a role in the other account, assumed through STS: refused, as AWS refuses a role
        # whose trust policy does not name the caller.
        role = f"arn:aws:iam::{target}:role/lab-execution-role"
        try:
            boto3.client("sts").assume_role(RoleArn=role, RoleSessionName="snoop")
            seen[target + "-assumed"] = "assumed"
        except Exception as error:
            seen[target + "-assumed"] = error.response["Error"]["Code"]
    return seen
"""


def test_two_learners_cannot_reach_each_other(client, student, other_student, labs):
    accounts = {}
    for user in (student, other_student):
        client.force_login(user)
        client.post(url("run_create", "deploy"), solution_post(), **HTMX)
        accounts[user.pk] = LabWorkspace.objects.get(user=user).account_id
    assert accounts[student.pk] != accounts[other_student.pk]
    # The first learner deploys a snooping handler and aims it at the second learner's account.
    client.force_login(student)
    snoop = solution_post() | {"file:handler.py": SNOOP}
    client.post(url("run_create", "deploy"), snoop, **HTMX)
    target = accounts[other_student.pk]
    event = json.dumps({"targets": [target]})
    client.post(url("run_create", "invoke"), {"event_name": "", "event": event}, **HTMX)
    run = LabRun.objects.filter(workspace__user=student, kind="invoke").first()
    assert run.result["status"] == "ok", run.result
    # It only ever saw (and deleted) its own function; the other learner's is untouched.
    assert run.result["response"][target] == ["hello-lambda"]
    assert target + "-delete" not in run.result["response"]  # it deleted its own copy instead
    assert run.result["response"][target + "-assumed"] == "AccessDenied"
    assert labs.client("lambda", accounts[student.pk]).list_functions()["Functions"] == []
    others = labs.client("lambda", target).list_functions()["Functions"]
    assert [f["FunctionName"] for f in others] == ["hello-lambda"]
    client.force_login(other_student)
    still = client.post(url("run_create", "invoke"), {"event_name": "hello"}, **HTMX)
    assert "Hello, Ada!" in still.content.decode()


@pytest.mark.django_db(transaction=True)
def test_steps_run_through_the_database_task_queue(client, student, lab_backend, settings):
    """The default: the web request only queues; a db_worker runs the step."""
    from django.core.management import call_command

    from courseware.labrunner.grading.runner import lab_source
    from courseware.labrunner.sync import lab_sync

    settings.LABS_ENDPOINT = lab_backend.endpoint
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    client.force_login(student)
    queued = client.post(url("run_create", "deploy"), solution_post(), **HTMX).content.decode()
    assert "Deploying version 1" in queued and "hx-get" in queued  # the page polls
    run = LabRun.objects.get()
    assert run.state == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    run.refresh_from_db()
    assert run.state == "done", run.result
    polled = client.get(url("run", run.pk), **HTMX).content.decode()
    assert "Version 1 deployed" in polled and "hx-get" not in polled


def test_a_crashed_step_is_recorded_and_an_abandoned_one_stops_blocking(student_client, student, labs, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from courseware.labrunner import steps

    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    workspace = LabWorkspace.objects.get(user=student)
    abandoned = LabRun.objects.create(
        workspace=workspace, kind="grade", state="running", account_id=workspace.account_id
    )
    LabRun.objects.filter(pk=abandoned.pk).update(created_at=timezone.now() - timedelta(hours=1))

    def crash(run):
        raise RuntimeError("a bug of ours")

    monkeypatch.setitem(steps.STEPS, "grade", crash)
    page = student_client.post(url("run_create", "grade"), **HTMX)
    assert page.status_code == 200 and "Something went wrong on our side" in page.content.decode()
    assert "a bug of ours" not in page.content.decode()
    assert workspace.runs.filter(kind="grade", state="failed").count() == 1


def test_the_labs_list_and_the_dashboard_show_where_the_learner_is(student_client, student, labs):
    page = student_client.get(reverse("labrunner:list")).content.decode()
    assert '<span class="status status-not-started">Not started</span>' in page
    student_client.post(url("draft"), solution_post(), **HTMX)
    assert "Started: nothing deployed yet" in student_client.get(reverse("labrunner:list")).content.decode()
    student_client.post(url("run_create", "deploy"), solution_post(), **HTMX)
    assert "Deployed version 1" in student_client.get(reverse("labrunner:list")).content.decode()
    student_client.post(url("run_create", "grade"), **HTMX)
    assert "Complete: 10/10" in student_client.get(reverse("labrunner:list")).content.decode()
    dashboard = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert "Complete: 10/10" in dashboard and "1 of 1 labs complete" in dashboard
