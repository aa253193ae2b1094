"""The execution panel through the views: a learner starts one of their state machines with a
JSON input and reads its history (retries, Catch paths, failures), its cost as Standard and as
Express; bad input is refused with a message and nothing queued."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from courseware.labrunner import execution_panel
from courseware.labrunner.models import LabRun
from courseware.pricing.engine.catalog import price_set
from tests.execution_fixtures import SLUG, files, sync_flow_lab
from tests.lab_fixtures import HTMX, solution_post


def url(name, *args, slug=SLUG):
    return reverse(f"labrunner:{name}", args=[slug, *args])


@pytest.fixture
def flow_lab(labs, tmp_path):
    sync_flow_lab(tmp_path, settings.CONTENT_DIR)
    return labs


@pytest.fixture
def deployed(student_client, flow_lab):
    posted = {f"file:{name}": text for name, text in files().items()}
    answer = student_client.post(url("run_create", "deploy"), posted, **HTMX)
    html = answer.content.decode()
    assert "deployed" in html, html
    # the deploy's answer brings the deployed machines into the panel, out of band
    machines = html[html.index('<div id="execution-machines" hx-swap-oob="true">') :]
    assert '<option value="Later">' in machines[: machines.index("</div>")]
    return student_client


def start(client, machine="Orders", payload=None, text=None):
    data = {"machine": machine, "input": text if text is not None else json.dumps(payload or {})}
    return client.post(url("run_create", "execution"), data, **HTMX)


def latest() -> LabRun:
    return LabRun.objects.filter(kind=LabRun.Kind.EXECUTION).latest("pk")


def test_the_panel_starts_a_machine_and_shows_its_history_with_a_retry(deployed):
    page = deployed.get(url("lab")).content.decode()
    assert "Start an execution" in page and '<option value="Orders"' in page
    assert "{&quot;amount&quot;: 30}" in page  # the input starts as the lab's saved event
    answer = start(deployed, payload={"amount": 30, "flaky": 1})
    html = answer.content.decode()
    assert answer.status_code == 200 and "Status: <strong>SUCCEEDED</strong>" in html
    assert "&quot;charged&quot;: 30" in html  # the output
    for event in ("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskFailed", "TaskSucceeded"):
        assert f'class="event-type">{event}<' in html, event
    assert "retry 1</span>" in html and "<code>Flaky</code>" in html
    result = latest().result
    assert result["status"] == "SUCCEEDED" and result["retries"] == 1
    assert [row["state"] for row in result["events"] if row["type"] == "TaskScheduled"] == ["Charge", "Charge"]
    # Charge entered, then Done (Succeed), plus the retry: 3 transitions, priced from the catalog
    assert result["transitions"] == 3
    price = price_set("current").price("stepfunctions.standard.transitions")
    assert Decimal(result["cost"]["standard"]["usd"]) == 3 * price.flat / price.per
    assert result["cost"]["express"]["usd"] and "As Express (64 MB)" in html
    elapsed = [row["elapsed_ms"] for row in result["events"]]
    assert elapsed == sorted(elapsed) and elapsed[-1] >= 1000  # the retry waited its 1 s interval


def test_a_catch_path_and_an_uncaught_failure_are_shown(deployed):
    caught = start(deployed, payload={"amount": 30, "declined": True}).content.decode()
    assert "Status: <strong>SUCCEEDED</strong>" in caught and "Catch from Charge</span>" in caught
    rows = latest().result["events"]
    entered = [row for row in rows if row["caught_from"]]
    assert [(row["type"], row["state"]) for row in entered] == [("PassStateEntered", "Rejected")]
    assert any(row["error"] == "Declined" and row["group"] == "failed" for row in rows)
    failed = start(deployed, payload={"amount": 30, "crash": True}).content.decode()
    assert "Status: <strong>FAILED</strong>" in failed and "<code>RuntimeError</code>" in failed
    assert "the payment service crashed" in failed and '"event-type">ExecutionFailed' in failed
    assert latest().result["error"] == "RuntimeError"


def test_a_wait_on_the_lab_clock_shows_running_and_the_history_so_far(deployed, monkeypatch):
    monkeypatch.setattr(execution_panel, "WAIT_S", 0.5)
    html = start(deployed, machine="Later").content.decode()
    assert "Status: <strong>RUNNING</strong>" in html and '"event-type">WaitStateEntered' in html
    assert "the history so far" in html and latest().result["stop"] is None
    arn = latest().result["execution_arn"]
    assert deployed.post(url("clock_advance"), {"step": "hour"}, **HTMX).status_code == 200  # the Wait falls due
    again = {"machine": "Later", "execution_arn": arn}
    html = deployed.post(url("run_create", "execution"), again, **HTMX).content.decode()
    assert "Status: <strong>SUCCEEDED</strong>" in html and '"event-type">WaitStateExited' in html
    assert latest().result["execution_arn"] == arn and LabRun.objects.filter(kind="execution").count() == 2
    other = deployed.post(url("run_create", "execution"), again | {"machine": "Orders"}, **HTMX)
    assert other.status_code == 422 and "not an execution of Orders" in other.content.decode()


def test_an_express_machine_runs_to_its_end_without_a_history(deployed):
    html = start(deployed, machine="Quick", payload={"id": 7}).content.decode()
    assert "Status: <strong>SUCCEEDED</strong>" in html and "keeps no history" in html
    result = latest().result
    assert result["output"] == {"id": 7, "stamp": "done"} and result["type"] == "EXPRESS"
    assert result["cost"]["express"]["usd"] and "unavailable" in result["cost"]["standard"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"input": '{"amount": 30,}'}, "the input is not valid JSON"),
        ({"input": "{" * 10}, "the input is not valid JSON"),
        ({"machine": "Nope"}, "choose one of your state machines: Later, Orders, Quick"),
        ({"input": json.dumps({"pad": "x" * 256 * 1024})}, "larger than 256 KB"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_queued(deployed, fields, message):
    data = {"machine": "Orders", "input": "{}"} | fields
    answer = deployed.post(url("run_create", "execution"), data, **HTMX)
    assert answer.status_code == 422 and message in answer.content.decode()
    assert not LabRun.objects.filter(kind=LabRun.Kind.EXECUTION).exists()


def test_without_a_deploy_or_a_state_machine_the_panel_says_what_is_missing(student_client, flow_lab):
    assert "Deploy your code first" in start(student_client).content.decode()
    hello = reverse("labrunner:run_create", args=["hello-lambda", "deploy"])
    student_client.post(hello, solution_post(), **HTMX)
    none = student_client.post(reverse("labrunner:run_create", args=["hello-lambda", "execution"]), {}, **HTMX)
    assert none.status_code == 422 and "has no state machine" in none.content.decode()
    assert (
        "Start an execution" not in student_client.get(reverse("labrunner:lab", args=["hello-lambda"])).content.decode()
    )


def test_a_saved_input_is_started_by_its_name(deployed):
    data = {"machine": "Orders", "event_name": "order", "input": "not even JSON"}
    html = deployed.post(url("run_create", "execution"), data, **HTMX).content.decode()
    assert "Status: <strong>SUCCEEDED</strong>" in html and "&quot;charged&quot;: 30" in html
    assert latest().request == {"machine": "Orders", "input": {"amount": 30}, "event_name": "order"}
    assert '<option value="order" selected>' in deployed.get(url("lab")).content.decode()
    unknown = deployed.post(url("run_create", "execution"), data | {"event_name": "nope"}, **HTMX)
    assert unknown.status_code == 422 and "no saved input named" in unknown.content.decode()


def test_history_rows_mark_retries_and_catches_and_count_transitions():
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = [
        ("ExecutionStarted", None),
        ("TaskStateEntered", {"name": "Reserve"}),
        ("TaskScheduled", {"resource": "invoke"}),
        ("TaskFailed", {"error": "Lambda.ServiceException", "cause": "busy"}),
        ("TaskScheduled", {"resource": "invoke"}),
        ("TaskFailed", {"error": "OutOfStock", "cause": '{"errorMessage": "LAMP-9"}'}),
        ("TaskStateExited", {"name": "Reserve"}),
        ("TaskStateEntered", {"name": "Refund"}),
        ("TaskScheduled", {"resource": "invoke"}),
        ("TaskSucceeded", {}),
        ("TaskStateExited", {"name": "Refund"}),
        ("FailStateEntered", {"name": "OrderFailed"}),
        ("ExecutionFailed", {"error": "OrderFailed"}),
    ]
    events = [
        {"id": i, "previousEventId": i - 1, "type": kind, "timestamp": start + timedelta(milliseconds=250 * i)}
        | ({f"{kind[0].lower()}{kind[1:]}EventDetails": details} if details is not None else {})
        for i, (kind, details) in enumerate(kinds, 1)
    ]
    rows = execution_panel.history_rows(events)
    assert [row["state"] for row in rows][2:6] == ["Reserve"] * 4  # task events belong to their state
    assert [row["retry"] for row in rows if row["type"] == "TaskScheduled"] == [0, 1, 0]
    assert [(row["state"], row["caught_from"]) for row in rows if row["caught_from"]] == [("Refund", "Reserve")]
    assert rows[-1]["elapsed_ms"] == 3000 and rows[5]["group"] == "failed" and rows[9]["group"] == "succeeded"
    assert execution_panel.count_transitions(rows) == 4  # three states entered and one retry
    cost = execution_panel.execution_cost({"transitions": 4, "duration_ms": 400_000})
    assert cost["standard"]["usd"] and "at most 300,000" in cost["express"]["unavailable"]
