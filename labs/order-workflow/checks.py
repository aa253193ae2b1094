"""Checks for the order workflow. Each gets `lab` (a LabContext bound to a fresh account).

The checks start OrderWorkflow on the saved inputs in events/ (each with an order id of its own),
wait for each execution to end, and judge it three ways: its status, its history (which states
ran, how often a task was retried) and what it left in OrdersTable (was the customer charged,
refunded, was the order shipped). The saga's promise is the last one: no order is left charged
but not shipped.

Retry intervals wait on the lab clock, which runs at real time unless a check moves it. `finish`
moves it past each Retry's wait (read from the deployed definition), so a learner's realistic
backoff costs no grading time and an execution's duration stays what AWS would bill; it stops an
execution that loops. Timeouts are generous: four cold starts on a busy grader take a while.
"""

import json
import time
import uuid
from decimal import Decimal

from courseware.labrunner.grading import Fail, check
from courseware.pricing.engine.stepfunctions import stepfunctions_estimate

MACHINE, TABLE = "OrderWorkflow", "OrdersTable"
RUN_TIMEOUT_S = 90  # four functions' cold starts and a retry, on a busy grader
PER_MONTH = 1_000_000  # the volume the cost check prices: the lesson's "one million orders a month"
EXPRESS_MEMORY_MB, EXPRESS_LIMIT_S = 64, 300  # the smallest billed memory; Express's 5-minute bound
LOOP_EVENTS = 400  # an order's history holds a few dozen events; hundreds mean a loop
THROTTLED, THROTTLE_RERUNS = "Lambda.TooManyRequestsException", 2
FAILED_TASK = {"TaskFailed", "LambdaFunctionFailed"}  # the newest event while a Retry waits
RETRY_PATIENCE_S = 1.0  # a retry waiting longer than this (real time) gets the lab clock moved
CLOCK_STEP_S, MAX_CLOCK_STEP_S = 5, 120  # when the retry's wait cannot be read: doubling from 5 s


# -- helpers ------------------------------------------------------------------------------------
def run(lab, name: str) -> dict:
    """Runs OrderWorkflow once on the saved input `name`, with a fresh order id; several checks
    read the same run: {"order", "arn", "done", "history", "record"}."""
    runs = lab.__dict__.setdefault("_runs", {})
    if name not in runs:
        if machine_type(lab) != "STANDARD":
            raise Fail(
                f"OrderWorkflow is an {machine_type(lab).title()} workflow: its executions keep no history, so neither "
                "you nor the grader can see which state failed or whether a refund ran. Keep Type: STANDARD."
            )
        for _ in range(1 + THROTTLE_RERUNS):
            order = lab.event(name)
            order["order_id"] = f"{order['order_id']}-{uuid.uuid4().hex[:6]}"
            arn = lab.start_execution(MACHINE, order)
            runs[name] = {"order": order, "arn": arn, "done": finish(lab, arn, name), "history": history(lab, arn)}
            if not unretried_throttle(runs[name]["history"]):
                break  # a busy platform's throttle is not the learner's doing: run that order again
    found = runs[name]
    found["record"] = record(lab, found["order"]["order_id"])
    return found


def unretried_throttle(events: list[dict]) -> bool:
    """Whether Lambda refused one of the tasks (too many functions running at once on the
    platform, `Lambda.TooManyRequestsException`) and no Retry ran the task again."""
    for at, event in enumerate(events):
        if event["type"] in FAILED_TASK and failure(event).get("error") == THROTTLED:
            following = next((later["type"] for later in events[at + 1 :]), None)
            if following not in ("TaskScheduled", "LambdaFunctionScheduled"):
                return True
    return False


def machine_type(lab) -> str:
    """STANDARD or EXPRESS, as deployed."""
    if "_type" not in lab.__dict__:
        described = lab.client("stepfunctions").describe_state_machine(stateMachineArn=lab.resource(MACHINE))
        lab.__dict__["_type"] = described["type"]
    return lab.__dict__["_type"]


def finish(lab, arn: str, name: str) -> dict:
    """Waits for the execution to end; `lab.execution`'s answer. A Retry's wait runs on the lab
    clock: when a task's failure has been the newest event for a moment (its retry is waiting),
    the clock is moved on by that retry's wait, read from the definition, so a realistic schedule
    (2 s, 4 s, 8 s...) keeps nobody waiting and the execution's duration stays what AWS would
    bill. Still running at the timeout (a loop?): the grader stops it, and the check fails."""
    sfn = lab.client("stepfunctions")
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=lab.resource(MACHINE))["definition"])
    seen = {}  # id of the newest event → [when last nudged (or first seen newest), next step in s]

    def ended_or_nudged():
        if sfn.describe_execution(executionArn=arn)["status"] != "RUNNING":
            return True
        newest = sfn.get_execution_history(executionArn=arn, reverseOrder=True, maxResults=1)["events"]
        if newest and newest[0]["id"] > LOOP_EVENTS:
            return "loop"
        if newest and newest[0]["type"] in FAILED_TASK:
            waiting = seen.setdefault(newest[0]["id"], [time.monotonic(), None])
            if time.monotonic() - waiting[0] > RETRY_PATIENCE_S:
                step = waiting[1]
                if step is None:  # the retry's own wait, less what has passed since the failure was seen
                    wait = retry_wait(definition, history(lab, arn))
                    step = max(0.05, wait - (time.monotonic() - waiting[0])) if wait else CLOCK_STEP_S
                lab.advance_clock(seconds=step)
                waiting[:] = [time.monotonic(), CLOCK_STEP_S if waiting[1] is None else min(2 * step, MAX_CLOCK_STEP_S)]
        return False

    outcome = lab.wait_until(ended_or_nudged, timeout=RUN_TIMEOUT_S, interval=0.2)
    if outcome is not True:
        sfn.stop_execution(executionArn=arn, error="Grader.Stopped", cause="stopped by the grader")
        states = entered(history(lab, arn))
        most = max(set(states), key=states.count, default="no state")
        so_far = f"it entered {most} {states.count(most)} times" if states else "it entered no state"
        why = (
            f"had recorded over {LOOP_EVENTS} events"
            if outcome == "loop"
            else f"was still running after {RUN_TIMEOUT_S} s"
        )
        raise Fail(
            f"The execution for {name!r} {why} ({so_far}), and the grader stopped it. An order needs a few dozen "
            "events: does a Catch or a Next lead back to a state that already ran (a loop)?"
        )
    return lab.execution(arn, timeout=10)


def retry_wait(definition: dict, events: list[dict]) -> float | None:
    """The wait before the retry of the newest task failure, as the state's Retry list sets it
    (the first retrier that matches the error; its interval times its backoff rate for each
    earlier retry it made, capped by MaxDelaySeconds), or None if it cannot be told."""
    entered_at = max((i for i, e in enumerate(events) if e["type"] == "TaskStateEntered"), default=None)
    if entered_at is None:
        return None
    state = definition.get("States", {}).get(events[entered_at]["stateEnteredEventDetails"]["name"]) or {}
    retriers = state.get("Retry") or []
    errors = [details.get("error", "") for details in task_failures(events[entered_at:])]

    def matching(error: str) -> int | None:
        for index, retrier in enumerate(retriers):
            names = retrier.get("ErrorEquals", [])
            if error in names or "States.ALL" in names or ("States.TaskFailed" in names and error != "States.Timeout"):
                return index
        return None

    if not errors or (index := matching(errors[-1])) is None:
        return None
    retrier, earlier = retriers[index], sum(matching(error) == index for error in errors[:-1])
    wait = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** earlier
    return float(min(wait, retrier.get("MaxDelaySeconds", wait)))


def history(lab, arn: str) -> list[dict]:
    pages = lab.client("stepfunctions").get_paginator("get_execution_history").paginate(executionArn=arn)
    return [event for page in pages for event in page["events"]]


def record(lab, order_id: str) -> dict:
    """The order's item in OrdersTable (attempts, payment_status, tracking_number), or {}."""
    item = lab.client("dynamodb").get_item(TableName=lab.resource(TABLE), Key={"order_id": {"S": order_id}})
    return {key: next(iter(value.values())) for key, value in item.get("Item", {}).items()}


def entered(events: list[dict]) -> list[str]:
    """The names of the states the execution entered, in order."""
    return [event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event]


def failure(event: dict) -> dict:
    return event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails") or {}


def task_failures(events: list[dict]) -> list[dict]:
    """Details (error, cause) of each failed Lambda task, in order."""
    return [failure(event) for event in events if event["type"] in FAILED_TASK]


def transitions(events: list[dict]) -> int:
    """State transitions as Standard workflows bill them: one per state entered, and one per
    retry of a task (a retry schedules the task again without entering its state again)."""
    states = sum(event["type"].endswith("StateEntered") for event in events)
    tasks = sum(event["type"] == "TaskStateEntered" for event in events)
    scheduled = sum(event["type"] in ("TaskScheduled", "LambdaFunctionScheduled") for event in events)
    return states + max(0, scheduled - tasks)


def ended(found: dict) -> str:
    """How an execution ended, in words: 'SUCCEEDED' or 'FAILED with OutOfStock (cause)'."""
    done = found["done"]
    if done["status"] == "SUCCEEDED":
        return "SUCCEEDED"
    error, cause = done.get("error") or "no error name", done.get("cause") or ""
    try:  # a Lambda task's cause is the function's error as JSON: its message says what happened
        cause = json.loads(cause).get("errorMessage", cause)
    except (ValueError, AttributeError):
        pass
    cause = str(cause)[:160]
    said = f"{done['status']} with {error}" + (f" ({cause})" if cause else "")
    if unretried_throttle(found["history"]):
        said += (
            f" after Lambda refused a task with {THROTTLED} (too many functions running at once; the platform is "
            "busy): a retrier for Lambda's service errors on every task absorbs it"
        )
    return said


def path(found: dict) -> str:
    return " → ".join(entered(found["history"])) or "no state"


def attempts(found: dict) -> int:
    return int(found["record"].get("attempts", 0))


def refunded_by_the_workflow(lab, events: list[dict]) -> bool:
    """Whether a task of the execution invoked RefundPaymentFunction (by name or ARN, in the
    `lambda:invoke` integration's parameters or as the task's resource)."""
    function = lab.resource("RefundPaymentFunction")
    details = ("taskScheduledEventDetails", "lambdaFunctionScheduledEventDetails")
    return any(function in json.dumps(event.get(key) or {}) for event in events for key in details)


def compensated(lab, name: str, failing_state: str) -> str:
    """The saga's promise for an order that cannot be filled: refunded, not shipped, and the
    execution FAILED (so its status says what happened)."""
    found = run(lab, name)
    order_id, status = found["order"]["order_id"], found["record"].get("payment_status")
    if "tracking_number" in found["record"]:
        raise Fail(f"Order {order_id} ({name}) was shipped, but it should not have been.")
    if status == "CHARGED":
        raise Fail(
            f"Order {order_id} ({name}) was charged and never shipped, and nothing refunded it: the execution "
            f"ended {ended(found)} after {path(found)}. Catch the failure of {failing_state} and run a "
            "compensating RefundPayment state."
        )
    if status != "REFUNDED":
        raise Fail(
            f"Order {order_id} ({name}) should have been charged, then refunded; its payment_status is {status!r} "
            f"(states: {path(found)})."
        )
    if not refunded_by_the_workflow(lab, found["history"]):
        raise Fail(
            f"Order {order_id} ({name}) was refunded, but no state of OrderWorkflow invoked RefundPaymentFunction "
            f"(states: {path(found)}). Keep orchestration out of code: the compensation is a state of the workflow."
        )
    if found["done"]["status"] != "FAILED":
        raise Fail(
            f"Order {order_id} ({name}) was refunded, but the execution ended {ended(found)}: an order that was not "
            "filled should end in a Fail state, so that its status (and any alarm on failed executions) says so."
        )
    return f"{path(found)}: refunded, ended {ended(found)}."


# -- checks -------------------------------------------------------------------------------------
@check(
    points=2,
    hints=[
        "Start an execution with the saved input `order` from the lab page and read its history: "
        "which state failed, and with which error?",
        "Each task hands its result on with `ResultSelector` and `ResultPath`, and the next task "
        "receives the whole order. Read [a worked example: an order "
        "workflow](lessons/step-functions#a-worked-example-an-order-workflow).",
    ],
)
def an_order_is_charged_reserved_and_shipped(lab):
    """An order in stock is charged, reserved and shipped"""
    found = run(lab, "order")
    order_id = found["order"]["order_id"]
    if found["done"]["status"] != "SUCCEEDED":
        raise Fail(
            f"The execution for order {order_id} (saved input 'order') ended {ended(found)} after {path(found)}."
        )
    tracking = ((found["done"]["output"] or {}).get("shipment") or {}).get("tracking_number")
    if not tracking:
        raise Fail(
            "The execution succeeded, but its output has no shipment.tracking_number: keep ShipOrder's "
            "ResultPath: $.shipment (and the other states' ResultPath), so the output carries the whole order."
        )
    if found["record"].get("payment_status") != "CHARGED" or "tracking_number" not in found["record"]:
        raise Fail(f"OrdersTable should show order {order_id} charged and shipped; it has {found['record']}.")
    return f"{path(found)}: charged, shipped as {tracking}."


@check(
    points=3,
    hints=[
        "Run the saved input `flaky-payment` and read the history: what error did ChargePayment "
        "fail with the first time, and would a second try have worked?",
        "Add a `Retry` to ChargePayment whose `ErrorEquals` names `PaymentGatewayTimeout` (the "
        "exception's class name). Read [error handling with Retry and "
        "Catch](lessons/step-functions#error-handling-with-retry-and-catch).",
    ],
)
def a_flaky_payment_is_retried(lab):
    """A payment provider's timeout is retried, and the order ships"""
    found = run(lab, "flaky-payment")
    order_id, failures = found["order"]["order_id"], task_failures(found["history"])
    if found["done"]["status"] != "SUCCEEDED":
        tried = attempts(found)
        raise Fail(
            f"Order {order_id} (saved input 'flaky-payment') ended {ended(found)} after {tried} charge "
            f"attempt{'s' * (tried != 1)} ({path(found)}). The provider only timed out once: a timeout is worth "
            "another try."
        )
    if attempts(found) < 2 or not failures:
        raise Fail(f"Order {order_id} should have needed a second charge attempt; OrdersTable has {found['record']}.")
    if "tracking_number" not in found["record"]:
        raise Fail(f"Order {order_id} was charged but has no tracking number in OrdersTable.")
    first = failures[0].get("error", "an error")
    return f"Attempt 1 failed with {first}, attempt {attempts(found)} charged it, and it shipped."


@check(
    points=3,
    hints=[
        "Run the saved input `out-of-stock` and read its history: ChargePayment succeeded before "
        "ReserveInventory failed. The customer paid and nothing will ship: what should happen to the payment?",
        "`Catch` the failure of ReserveInventory (`ResultPath: $.error` keeps the order), go to a "
        "RefundPayment task, then to a `Fail` state. Read [compensation: the saga "
        "pattern](lessons/step-functions#compensation-the-saga-pattern).",
    ],
)
def an_out_of_stock_order_is_refunded(lab):
    """An order that cannot be reserved is refunded (the compensation), and the execution fails"""
    return compensated(lab, "out-of-stock", "ReserveInventory")


@check(
    points=2,
    hidden=True,
    hints=[
        "What happens to the payment when the carrier cannot deliver (saved input `unshippable`)?",
        "ShipOrder needs a `Catch` to the same compensation as ReserveInventory. Read [compensation: "
        "the saga pattern](lessons/step-functions#compensation-the-saga-pattern).",
    ],
)
def an_unshippable_order_is_refunded(lab):
    """An order the carrier cannot deliver is refunded too"""
    return compensated(lab, "unshippable", "ShipOrder")


@check(
    points=1,
    hidden=True,
    hints=[
        "Run the saved input `declined`: how many times did ChargePayment ask the bank?",
        "Retry only the errors a second try can fix (`PaymentGatewayTimeout`, Lambda's own service "
        "errors), never `States.ALL` on a payment. Read [error handling with Retry and "
        "Catch](lessons/step-functions#error-handling-with-retry-and-catch).",
    ],
)
def a_declined_card_is_not_retried(lab):
    """A declined card is not charged again and again"""
    found = run(lab, "declined")
    order_id, tried = found["order"]["order_id"], attempts(found)
    if tried != 1:
        raise Fail(f"Order {order_id} (a declined card) was tried {tried} times: a declined card stays declined.")
    if found["done"]["status"] != "FAILED":
        raise Fail(f"The execution for a declined card ended {ended(found)}; it should fail.")
    if found["record"].get("payment_status") == "CHARGED" or "tracking_number" in found["record"]:
        raise Fail(f"Order {order_id} (a declined card) was charged or shipped: {found['record']}.")
    return f"One attempt, then {ended(found)}."


def monthly(values: dict) -> Decimal:
    return stepfunctions_estimate({"executions": PER_MONTH, **values}).total


@check(
    points=1,
    hints=[
        "Which workflow type is OrderWorkflow, and what does that type promise about running each order exactly once?",
        "Keep `Type: STANDARD` for a workflow that charges money, and compare the two prices "
        "for your own executions. Read [Standard or Express?](lessons/step-functions#standard-or-express) "
        "and its [worked example](lessons/step-functions#worked-example-one-million-orders-a-month).",
    ],
)
def standard_or_express_for_your_orders(lab):
    """OrderWorkflow is a Standard workflow, and your executions priced both ways"""
    if machine_type(lab) != "STANDARD":
        raise Fail(
            f"OrderWorkflow is an {machine_type(lab).title()} workflow. Express runs an asynchronous execution at "
            "least once and keeps no history: for a workflow that charges cards, Standard's exactly-once execution "
            "is worth its price."
        )
    priced = []
    for name in ("order", "flaky-payment", "out-of-stock"):
        found = lab.__dict__.get("_runs", {}).get(name)
        if found is None:
            continue
        count = transitions(found["history"])
        seconds = (found["done"]["stopDate"] - found["done"]["startDate"]).total_seconds()
        standard = monthly({"workflow_type": "standard", "transitions_per_execution": count, "free_tier": False})
        if seconds > EXPRESS_LIMIT_S:
            express = f"and Express could not run it (over its {EXPRESS_LIMIT_S // 60} minutes)"
        else:
            billed = max(Decimal("0.001"), Decimal(str(round(seconds * 1000, 3))))
            cost = monthly({"workflow_type": "express", "duration_ms": billed, "memory_mb": EXPRESS_MEMORY_MB})
            express = f"${cost:,.2f} on Express"
        priced.append(
            f"{name!r}: {count} transition{'s' * (count != 1)} in {seconds:.2f} s → a million a month costs "
            f"${standard:,.2f} on Standard, {express}"
        )
    if not priced:
        return "OrderWorkflow is a Standard workflow (no execution of this run to price)."
    return f"OrderWorkflow is a Standard workflow. Your executions, priced by the pricing engine: {'; '.join(priced)}."
