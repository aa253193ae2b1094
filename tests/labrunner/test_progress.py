"""The read-only selectors the instructor's pages use: what a run came to, in one line, from what
the lab runner stored (and only the keys it needs, read in SQL)."""

import pytest

from courseware.labrunner.models import LabRun, LabWorkspace
from courseware.labrunner.progress import recent_runs, run_outcome
from courseware.labrunner.scores import workspaces
from tests.instructor import classroom


@pytest.mark.parametrize(
    "kind, state, result, score, text, ok, error",
    [
        ("deploy", "done", {"version": 3}, None, "Version 3 deployed", True, ""),
        ("deploy", "failed", {"deploy_error": {"text": "handler.py:2: invalid syntax"}}, None,
         "Deploy failed: handler.py:2: invalid syntax", False, "deploy: handler.py:2: invalid syntax"),
        ("invoke", "done", {"status": "ok"}, None, "Invoked: ok", True, ""),
        ("invoke", "done", {"status": "timeout", "error": {"errorType": "Sandbox.Timedout", "errorMessage": "3 s"}}, None,
         "Invoked: timeout (Sandbox.Timedout: 3 s)", False, "invoke: Sandbox.Timedout: 3 s"),
        ("invoke", "failed", {"error": "The lab backend did not answer."}, None,
         "Failed: The lab backend did not answer.", False, "invoke: The lab backend did not answer."),
        ("grade", "done", classroom.grade_result(5, ("greets",)), 5, "Score 5/10", False, ""),
        ("grade", "done", classroom.grade_result(10), 10, "Score 10/10", True, ""),
        ("request", "done", {"response": {"status": 403}}, None, "Request: HTTP 403", True, ""),
        ("grade", "queued", None, None, "Queued…", True, ""),
        ("execution", "done", {"machine": "Orders", "status": "SUCCEEDED"}, None,
         "Execution of Orders: SUCCEEDED", True, ""),
        ("execution", "done", {"machine": "Orders", "status": "FAILED", "error": "OrderFailed"}, None,
         "Execution of Orders: FAILED (OrderFailed)", False, ""),
        ("execution", "failed", {"error": "Your deployment has no state machine 'Orders'"}, None,
         "Failed: Your deployment has no state machine 'Orders'", False,
         "execution: Your deployment has no state machine 'Orders'"),
    ],
)  # fmt: skip
def test_a_run_in_one_line(kind, state, result, score, text, ok, error):
    outcome = run_outcome(kind, state, result, score)
    assert (outcome.text, outcome.ok, outcome.error) == (text, ok, error)


def test_failed_checks_keep_their_names_and_titles():
    outcome = run_outcome("grade", "done", classroom.grade_result(5, ("greets",)), 5)
    assert outcome.failed == (("greets", "The handler greets by name"),)
    assert [name for name, _title in outcome.passed] == ["configured", "hidden-3"]


@pytest.mark.django_db
def test_recent_runs_are_the_last_of_each_kind_in_one_query(django_assert_num_queries):
    _quizzes, labs = classroom.course(quizzes=1, labs=2)
    users = classroom.learners(2)
    classroom.lab_work(users, labs, grade_runs=5)
    space = LabWorkspace.objects.filter(user=users[0], lab=labs[0]).get()
    latest = LabRun.objects.create(workspace=space, kind="grade", state="done", score=10, account_id="1",
                                   result=classroom.grade_result(10))  # fmt: skip
    with django_assert_num_queries(1):
        rows = recent_runs(users=[u.pk for u in users], per_kind=3)
    mine = [row for row in rows if row.user_id == users[0].pk and row.lab_id == labs[0].pk]
    assert [row.kind for row in mine].count("grade") == 3 and len(mine) == 5  # 3 checks, a deploy, an invoke
    assert mine[0].created_at == latest.created_at and mine[0].outcome.text == "Score 10/10"
    assert len(rows) == 2 * 2 * 5
    found = {(row["user_id"], row["lab_id"]): row for row in workspaces(users=[u.pk for u in users])}
    assert found[(users[0].pk, labs[0].pk)]["grade_runs"] == 6 and found[(users[0].pk, labs[0].pk)]["run_count"] == 8


@pytest.mark.django_db
def test_an_execution_read_in_sql_keeps_its_machine_status_and_error():
    _quizzes, labs = classroom.course(quizzes=1, labs=1)
    (user,) = classroom.learners(1)
    space = LabWorkspace.objects.create(user=user, lab=labs[0], account_id="1")
    result = {"machine": "Orders", "status": "FAILED", "error": "OrderFailed", "events": [{"id": 1}] * 50}
    LabRun.objects.create(workspace=space, kind="execution", state="done", account_id="1", result=result)
    (row,) = recent_runs(users=[user.pk], per_kind=3)
    assert row.outcome.text == "Execution of Orders: FAILED (OrderFailed)" and row.outcome.error == ""
