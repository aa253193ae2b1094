"""The execution panel: start one of the learner's deployed state machines with a JSON input and
read the execution's history, as the Step Functions console shows it.

The form is checked here (the machine is one the deployment holds, the input is JSON within
Step Functions' 256 KB); the run starts the execution on the learner's account, waits a bounded
time for it to end (a Wait on the lab clock may keep it RUNNING: the history so far is kept),
and records its status, output or error and cause, the history as rows for a table, and what
the execution costs as a Standard and as an Express workflow (`execution_cost`).
"""

import json
import time

from courseware.pricing.engine.core import PricingInputError
from courseware.pricing.engine.stepfunctions import stepfunctions_estimate

from .client.aws import AccountAws
from .client.callers import CallerError

MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")
MAX_INPUT = 256 * 1024  # Step Functions' limit on an execution's input
WAIT_S = 30.0  # how long the worker waits for an execution to end before showing it RUNNING
REREAD_WAIT_S = 5.0  # reading a RUNNING execution again (after moving the lab clock, say)
POLL_S = 0.2
MAX_EVENTS = 1000  # rows kept for the page; a longer history says how many were left out
TASK_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
FAILED_SUFFIXES = ("Failed", "TimedOut", "Aborted")


class ExecutionInvalid(ValueError):
    pass


def state_machines(resources: dict) -> list[str]:
    """The logical ids of the deployment's state machines, for the panel's choice."""
    return sorted(k for k, v in (resources or {}).items() if v.get("type") in MACHINE_TYPES)


def parse_execution(data, resources: dict, events: dict | None = None) -> dict:
    """The panel's form as a run's request: {"machine", "input", "event_name"}, the machine one
    of the deployed `resources`, the input typed or one of the lab's saved `events`;
    ExecutionInvalid says what to fix. With `execution_arn`, an execution of the machine started
    before is read again instead."""
    machine = (data.get("machine") or "").strip()
    machines = state_machines(resources)
    if not machines:
        raise ExecutionInvalid("Your deployment has no state machine: add one to template.yaml and deploy.")
    if not machine and len(machines) == 1:
        machine = machines[0]
    if machine not in machines:
        raise ExecutionInvalid(f"choose one of your state machines: {', '.join(machines)}")
    execution_arn = (data.get("execution_arn") or "").strip()
    if execution_arn:
        prefix = resources[machine]["id"].replace(":stateMachine:", ":execution:", 1) + ":"
        if not execution_arn.startswith(prefix) or len(execution_arn) > 2048:
            raise ExecutionInvalid(f"that is not an execution of {machine} in your account")
        return {"machine": machine, "execution_arn": execution_arn, "event_name": "again"}
    event_name = (data.get("event_name") or "").strip()
    if event_name and event_name not in (events or {}):
        raise ExecutionInvalid(f"no saved input named {event_name!r}")
    text = events[event_name] if event_name else (data.get("input") or "").replace("\r\n", "\n").strip() or "{}"
    if len(text.encode()) > MAX_INPUT:
        raise ExecutionInvalid("the input is larger than 256 KB, Step Functions' limit")
    try:
        payload = json.loads(text)
    except ValueError as error:
        raise ExecutionInvalid(f"the input is not valid JSON: {error}") from error
    return {"machine": machine, "input": payload, "event_name": event_name or "custom"}


def start_execution(aws: AccountAws, resources: dict, request: dict, *, wait_s: float | None = None) -> dict:
    """Start the request's machine on its input and wait (at most `wait_s`) for the end.
    CallerError when the deployment no longer has that machine."""
    machine = request["machine"]
    if machine not in state_machines(resources):
        raise CallerError(f"Your deployment has no state machine {machine!r}: deploy the template that defines it.")
    arn = resources[machine]["id"]
    sfn = aws.client("stepfunctions")
    kind = sfn.describe_state_machine(stateMachineArn=arn)["type"]
    if request.get("execution_arn"):  # read again, not started again
        described = _wait(sfn, request["execution_arn"], REREAD_WAIT_S if wait_s is None else wait_s)
        events = _history(sfn, request["execution_arn"])
    elif kind == "EXPRESS":  # runs to its end in the call; AWS keeps no history of it
        described = sfn.start_sync_execution(stateMachineArn=arn, input=json.dumps(request["input"]))
        events = []
    else:
        started = sfn.start_execution(stateMachineArn=arn, input=json.dumps(request["input"]))
        described = _wait(sfn, started["executionArn"], WAIT_S if wait_s is None else wait_s)
        events = _history(sfn, started["executionArn"])
    rows = history_rows(events)
    start, stop = described.get("startDate"), described.get("stopDate")
    last = stop or (events[-1]["timestamp"] if events else None)
    duration_ms = _ms(last - start) if start and last else None
    transitions = count_transitions(rows) if kind != "EXPRESS" else None
    result = {
        "machine": machine,
        "type": kind,
        "execution_arn": described["executionArn"],
        "name": described.get("name", ""),
        "status": described["status"],
        "input": request["input"] if "input" in request else _json(described.get("input")),
        "output": _json(described.get("output")),
        "error": described.get("error", ""),
        "cause": _json(described.get("cause")),
        "cause_json": isinstance(_json(described.get("cause")), (dict, list)),
        "start": start.isoformat() if start else None,
        "stop": stop.isoformat() if stop else None,
        "duration_ms": duration_ms,
        "events": rows[:MAX_EVENTS],
        "events_total": len(rows),
        "transitions": transitions,
        "retries": sum(1 for row in rows if row["retry"]),
    }
    return result | {"cost": execution_cost(result)}


EXPRESS_MEMORY_MB = 64  # the smallest step Express bills memory in: a lab execution's figure


def execution_cost(result: dict) -> dict:
    """What this execution costs as a Standard workflow (its state transitions) and as an Express
    one (its duration, memory billed at 64 MB), priced by the engine with no free tier: each
    {"usd", "per_million_usd", "formulas", "price_set"}, or {"unavailable": why}."""
    if result.get("transitions") is not None:
        standard = _priced(
            {"workflow_type": "standard", "transitions_per_execution": str(result["transitions"]), "free_tier": "false"}
        )
    else:
        standard = {"unavailable": "an Express execution keeps no history to count its state transitions from"}
    duration = result.get("duration_ms")
    if duration is None:
        express = {"unavailable": "the execution has no duration yet"}
    else:
        express = _priced(
            {"workflow_type": "express", "duration_ms": str(max(duration, 1)), "memory_mb": str(EXPRESS_MEMORY_MB)}
        )
    return {"standard": standard, "express": express, "memory_mb": EXPRESS_MEMORY_MB}


def _priced(values: dict) -> dict:
    try:
        one = stepfunctions_estimate({**values, "executions": "1"}).to_dict()
        million = stepfunctions_estimate({**values, "executions": "1000000"}).to_dict()
    except PricingInputError as error:  # e.g. longer than Express's 5 minutes
        return {"unavailable": str(error)}
    return {
        "usd": one["total_exact_usd"],
        "per_million_usd": million["total_usd"],
        "formulas": [line["formula"] for line in one["lines"]],
        "notes": one["notes"],
        "price_set": one.get("price_set"),
    }


def _wait(sfn, execution_arn: str, wait_s: float) -> dict:
    deadline = time.monotonic() + wait_s
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING" or time.monotonic() >= deadline:
            return described
        time.sleep(POLL_S)


def _history(sfn, execution_arn: str) -> list[dict]:
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    return [event for page in pages for event in page["events"]]


def history_rows(events: list[dict]) -> list[dict]:
    """GetExecutionHistory's events as the console's table rows: id, type, the state each belongs
    to, timestamp, ms since the start, the detail that matters (error and cause, the resource a
    task called), and marks for a retry (a task scheduled again after it failed in the same
    state) and a Catch (the state entered after one that failed and was left without failing
    the execution)."""
    rows, states = [], {}
    first = events[0]["timestamp"] if events else None
    failed_in, caught_from, attempts = None, None, {}
    for event in events:
        kind, details = event["type"], _details(event)
        state = details.get("name") or states.get(event.get("previousEventId"), "")
        states[event["id"]] = state
        retry = 0
        if kind.endswith("StateEntered"):
            attempts[state] = 0
        elif kind in TASK_SCHEDULED:
            attempts[state] = attempts.get(state, 0) + 1
            retry = attempts[state] - 1
        caught = ""
        if kind.endswith("StateEntered") and caught_from:
            caught, caught_from = caught_from, None
        if kind.endswith(FAILED_SUFFIXES) and not kind.startswith("Execution"):
            failed_in = state
        elif kind in TASK_SCHEDULED:
            failed_in = None  # a retry: the failure was not the state's last word
        elif kind.endswith("StateExited"):
            caught_from = state if state and failed_in == state else None
            failed_in = None
        rows.append(
            {
                "id": event["id"],
                "type": kind,
                "state": state,
                "timestamp": event["timestamp"].isoformat(),
                "elapsed_ms": _ms(event["timestamp"] - first),
                "group": _group(kind),
                "error": details.get("error", ""),
                "cause": str(details.get("cause", ""))[:2000],
                "resource": ":".join(filter(None, (details.get("resourceType"), details.get("resource")))),
                "retry": retry,
                "caught_from": caught,
            }
        )
    return rows


def count_transitions(rows: list[dict]) -> int:
    """State transitions as Standard workflows bill them: each state entered, and each retry."""
    return sum(1 for row in rows if row["type"].endswith("StateEntered")) + sum(1 for row in rows if row["retry"])


def _details(event: dict) -> dict:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _group(kind: str) -> str:
    """The row's class on the page: a failure, a success, a state entered or left, or other."""
    if kind.endswith(FAILED_SUFFIXES):
        return "failed"
    if kind.endswith("Succeeded"):
        return "succeeded"
    if kind.endswith(("StateEntered", "StateExited")):
        return "state"
    return "other"


def _ms(delta) -> int:
    return max(0, round(delta.total_seconds() * 1000))


def _json(text):
    """An output or cause as JSON when it is JSON, else the text (a cause is often prose)."""
    if text is None or text == "":
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
