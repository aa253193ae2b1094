"""Lab 11, the order workflow: how its grader counts transitions and waits out retries, and what
it tells a learner whose saga is not one yet (test_labs.py grades its solution and starter)."""

import importlib.util
import json
from pathlib import Path

import pytest
from django.conf import settings

from courseware.labrunner.grading.runner import files_in, grade_lab, lab_source

LAB = Path(settings.CONTENT_DIR) / "labs/order-workflow"


@pytest.fixture(scope="module")
def checks():
    spec = importlib.util.spec_from_file_location("order_workflow_checks", LAB / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entered(kind: str, name: str) -> dict:
    return {"type": kind, "stateEnteredEventDetails": {"name": name}}


def failed(error: str) -> dict:
    return {"type": "TaskFailed", "taskFailedEventDetails": {"error": error, "cause": "{}"}}


def test_transitions_count_each_state_entered_and_each_retry(checks):
    history = [
        {"type": "ExecutionStarted"},
        entered("TaskStateEntered", "ChargePayment"),
        {"type": "TaskScheduled"},
        failed("PaymentGatewayTimeout"),
        {"type": "TaskScheduled"},  # the retry: the state is not entered again
        {"type": "TaskSucceeded"},
        entered("TaskStateEntered", "ShipOrder"),
        {"type": "TaskScheduled"},
        {"type": "TaskSucceeded"},
        entered("SucceedStateEntered", "OrderShipped"),
        {"type": "ExecutionSucceeded"},
    ]
    assert checks.transitions(history) == 4  # 3 states + 1 retry
    assert checks.entered(history) == ["ChargePayment", "ShipOrder", "OrderShipped"]


def test_the_wait_before_a_retry_follows_the_matching_retrier(checks):
    definition = {
        "States": {
            "ChargePayment": {
                "Retry": [
                    {"ErrorEquals": ["PaymentGatewayTimeout"], "IntervalSeconds": 2, "MaxDelaySeconds": 5},
                    {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 3, "BackoffRate": 1.5},
                ]
            }
        }
    }
    start = [{"type": "ExecutionStarted"}, entered("TaskStateEntered", "ChargePayment")]
    timeout = failed("PaymentGatewayTimeout")
    assert checks.retry_wait(definition, [*start, timeout]) == 2  # IntervalSeconds
    assert checks.retry_wait(definition, [*start, timeout, timeout]) == 4  # x BackoffRate (default 2)
    assert checks.retry_wait(definition, [*start, timeout, timeout, timeout]) == 5  # capped by MaxDelaySeconds
    other = failed("Lambda.Unknown")  # counted by its own retrier only
    assert checks.retry_wait(definition, [*start, timeout, other]) == 3
    assert checks.retry_wait(definition, [*start, failed("States.Timeout")]) is None  # TaskFailed excludes it
    assert checks.retry_wait({"States": {}}, [*start, timeout]) is None


def test_a_throttled_task_that_no_retry_ran_again_is_the_platforms_not_the_learners(checks):
    start = [{"type": "ExecutionStarted"}, entered("TaskStateEntered", "ShipOrder"), {"type": "TaskScheduled"}]
    throttled = failed("Lambda.TooManyRequestsException")
    assert checks.unretried_throttle([*start, throttled, {"type": "ExecutionFailed"}])
    assert checks.unretried_throttle([*start, throttled, entered("TaskStateEntered", "RefundPayment")])  # caught
    assert not checks.unretried_throttle([*start, throttled, {"type": "TaskScheduled"}])  # retried
    assert not checks.unretried_throttle([*start, failed("OutOfStock"), {"type": "ExecutionFailed"}])


def test_the_refund_must_be_a_state_of_the_workflow_not_code_in_a_task(checks):
    class Lab:
        def resource(self, logical_id):
            return {"RefundPaymentFunction": "lab-RefundPaymentFunction-ABC"}[logical_id]

    arn = "arn:aws:lambda:us-east-1:123456789012:function:lab-RefundPaymentFunction-ABC"
    optimised = {
        "type": "TaskScheduled",
        "taskScheduledEventDetails": {"parameters": json.dumps({"FunctionName": arn})},
    }
    by_arn = {"type": "LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails": {"resource": arn}}
    other = {"type": "TaskScheduled", "taskScheduledEventDetails": {"parameters": '{"FunctionName": "lab-Ship-X"}'}}
    assert checks.refunded_by_the_workflow(Lab(), [other, optimised])
    assert checks.refunded_by_the_workflow(Lab(), [by_arn])
    assert not checks.refunded_by_the_workflow(Lab(), [other])


def solution_with(change) -> tuple[dict, dict]:
    files, config = files_in(LAB / "solution")
    definition = json.loads(files["statemachine/order.asl.json"])
    change(definition["States"])
    files["statemachine/order.asl.json"] = json.dumps(definition)
    return files, config


def test_slow_retries_are_waited_out_on_the_lab_clock_and_a_compensation_must_fail(lab_backend):
    def change(states):
        # The lesson's kind of schedule, on every error, 20 s first: 20 + 40 + 80 s for a declined card.
        states["ChargePayment"]["Retry"] = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 20, "MaxAttempts": 3}]
        states["RefundPayment"]["Next"] = "OrderShipped"  # the refund "succeeds" the order

    lab = lab_source(settings.CONTENT_DIR, "order-workflow")
    files, config = solution_with(change)
    run = grade_lab(
        lab=lab,
        files=files,
        config=config,
        endpoint=lab_backend.endpoint,
        reveal_hidden=True,
        control=lab_backend.control_token,  # as the platform grades: the checks may move the lab clock
    )
    by_name = {c.name: c for c in run.report.checks}
    assert by_name["a_flaky_payment_is_retried"].passed
    assert "was tried 4 times" in by_name["a_declined_card_is_not_retried"].message
    assert "ended SUCCEEDED" in by_name["an_out_of_stock_order_is_refunded"].message
    assert "Fail state" in by_name["an_out_of_stock_order_is_refunded"].message
    # 160 s of retry waits passed on the lab clock, not on ours; the flaky order's duration
    # (what Express would bill) is its one 20 s wait and its tasks, not more.
    assert run.seconds < 60
    priced = by_name["standard_or_express_for_your_orders"].message
    flaky = priced.split("'flaky-payment': ")[1]
    assert flaky.startswith("5 transitions in 2")  # 20.x s
