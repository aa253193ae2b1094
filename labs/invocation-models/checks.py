"""Checks for Invocation models. Each gets `lab` (a LabContext bound to a fresh account)."""

import json
import uuid

from botocore.exceptions import ClientError

from courseware.labrunner.grading import Fail, check

RETRIES = 1  # the MaximumRetryAttempts the lab asks for


def marked_order(lab, **changes) -> dict:
    """The saved valid order with a unique order_id, so its log lines can be told apart."""
    order = lab.event("valid-order") | changes
    order["order_id"] = f"chk-{uuid.uuid4().hex[:12]}"
    return order


def attempts_logged(lab, order_id: str) -> int:
    """How many times the function logged `received` for this order (once per attempt)."""
    return sum(
        1
        for line in lab.logs().splitlines()
        if line.startswith("received") and f'"{order_id}"' in line
    )


def error_text(result) -> str:
    error = result.error or {}
    return f"{error.get('errorType')}: {error.get('errorMessage')}"


def invoke_config(lab) -> dict:
    try:
        return lab.client("lambda").get_function_event_invoke_config(FunctionName=lab.function_name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            raise Fail(
                "OrderFunction has no asynchronous invocation settings: add EventInvokeConfig "
                "to it in template.yaml."
            ) from None
        raise


def queue_arn(lab, logical_id: str) -> str:
    return lab.client("sqs").get_queue_attributes(
        QueueUrl=lab.resource(logical_id), AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]


@check(
    points=2,
    hints=[
        "Invoke the saved event `valid-order` and read the response: is the total there, and is "
        "it a number?",
        "A synchronous caller gets exactly what the handler returns. Read [synchronous "
        "invocation](lessons/invocation-models#synchronous-invocation).",
    ],
)
def valid_order_returns_total(lab):
    """A synchronous invoke of a valid order returns its total"""
    result = lab.invoke(lab.event("valid-order"))
    if result.status != "ok":
        raise Fail(f"Invoking with the event valid-order failed: {error_text(result)}")
    expected = {"order_id": "A-1001", "total": 42.5}
    if result.response != expected:
        raise Fail(
            f"Expected {json.dumps(expected)} for valid-order; got {json.dumps(result.response)}."
        )
    return "The caller waited and got the result: total 42.5."


@check(
    points=2,
    hints=[
        "Invoke `invalid-order`. Does the invocation end with a returned value or with an error?",
        "Returning an error message is a success to Lambda; raising an exception is a function "
        "error that the caller (and retries) can see. Read [synchronous "
        "invocation](lessons/invocation-models#synchronous-invocation).",
    ],
)
def invalid_order_is_a_function_error(lab):
    """A synchronous invoke of an invalid order fails with a ValueError"""
    result = lab.invoke(lab.event("invalid-order"))
    if result.status == "ok":
        raise Fail(
            f"invalid-order returned normally ({json.dumps(result.response)}), so Lambda counts it "
            "as a success. Let the ValueError escape from the handler instead of returning it."
        )
    if (result.error or {}).get("errorType") != "ValueError":
        raise Fail(f"Expected a ValueError for invalid-order; got {error_text(result)}.")
    return "The caller got the error back (FunctionError: Unhandled)."


@check(
    points=1,
    hints=[
        "An asynchronous invoke only queues the event. What answer does the caller get straight "
        "away?",
        "Lambda answers 202 as soon as the event is queued, then runs the function later. Read "
        "[asynchronous invocation](lessons/invocation-models#asynchronous-invocation).",
    ],
)
def async_invoke_is_accepted(lab):
    """An asynchronous invoke is accepted with 202 and runs later"""
    order = marked_order(lab)
    status = lab.invoke_async(order)
    if status != 202:
        raise Fail(f"An asynchronous invoke should answer 202 Accepted; it answered {status}.")
    if not lab.wait_until(lambda: attempts_logged(lab, order["order_id"]), timeout=5):
        raise Fail(
            "The asynchronous invocation never showed up in the function's logs. Keep the "
            "print('received', ...) line at the top of the handler."
        )
    return "202 Accepted at once; the function ran in the background."


@check(
    points=2,
    hints=[
        "Retries and destinations of asynchronous invocations are set on the function, in the "
        "template, not in the handler.",
        "SAM's `EventInvokeConfig` holds `MaximumRetryAttempts` and "
        "`DestinationConfig.OnFailure`; the function also needs permission to send to the queue. "
        "Read [retries and maximum event "
        "age](lessons/invocation-models#retries-and-maximum-event-age) and [dead-letter queues "
        "and destinations](lessons/invocation-models#dead-letter-queues-and-destinations).",
    ],
)
def retries_and_destination_configured(lab):
    """Asynchronous invocations retry once, then go to the FailedOrders queue"""
    config = invoke_config(lab)
    retries = config.get("MaximumRetryAttempts")
    if retries != RETRIES:
        shown = "the default of 2" if retries is None else retries
        raise Fail(f"MaximumRetryAttempts is {shown}; set it to {RETRIES}.")
    destination = (config.get("DestinationConfig") or {}).get("OnFailure", {}).get("Destination")
    if not destination:
        raise Fail("There is no OnFailure destination: add DestinationConfig.OnFailure.")
    if destination != queue_arn(lab, "FailedOrders"):
        raise Fail(f"OnFailure points at {destination}; point it at the FailedOrders queue's ARN.")
    return "1 retry, then the FailedOrders queue."


@check(
    points=2,
    hints=[
        "Send a failing event asynchronously and then read the FailedOrders queue. Does anything "
        "arrive, and how many times did the function run?",
        "The on-failure destination receives a record with the original event and the error once "
        "the retries are used up. Read [dead-letter queues and "
        "destinations](lessons/invocation-models#dead-letter-queues-and-destinations).",
    ],
)
def failed_event_lands_in_failed_orders(lab):
    """A failing asynchronous event is tried twice, then recorded in FailedOrders"""
    invoke_config(lab)  # fail fast when nothing is configured
    lab.resource("FailedOrders")
    probe = lab.invoke(marked_order(lab, items=[]))
    if probe.status == "ok":
        raise Fail(
            "An order without items returns normally, so to Lambda it is a success: it is "
            "never retried and never reaches the OnFailure destination. Let the ValueError escape."
        )
    order = marked_order(lab, items=[])
    lab.invoke_async(order)

    def record_for_order():
        for message in lab.queue_messages("FailedOrders"):
            record = json.loads(message["Body"])
            if (record.get("requestPayload") or {}).get("order_id") == order["order_id"]:
                return record
        return None

    record = lab.wait_until(record_for_order, timeout=8)
    attempts = attempts_logged(lab, order["order_id"])
    if record is None:
        raise Fail(
            f"After {attempts} attempt(s), no destination record for the failed order reached "
            "FailedOrders."
        )
    condition = record.get("requestContext", {}).get("condition")
    if condition != "RetriesExhausted":
        raise Fail(
            f"The record's requestContext.condition is {condition!r}, not 'RetriesExhausted'."
        )
    if record.get("requestPayload") != order:
        raise Fail("The record's requestPayload should be the original event, unchanged.")
    if (record.get("responsePayload") or {}).get("errorType") != "ValueError":
        raise Fail("The record's responsePayload should be the function's ValueError.")
    if attempts != 1 + RETRIES:
        raise Fail(
            f"The function logged {attempts} attempt(s) for the order; expected {1 + RETRIES}."
        )
    return f"{attempts} attempts, then a RetriesExhausted record with the original event."


@check(
    points=1, hidden=True,
    hints=[
        "Think about every quantity an order could carry, not only the ones in the saved events.",
        "A quantity must be a whole number above zero; anything else is a function error. Read "
        "[synchronous invocation](lessons/invocation-models#synchronous-invocation).",
    ],
)
def rejects_bad_quantities(lab):
    for qty in (0, -3, 1.5):
        order = marked_order(lab, items=[{"sku": "TEA-BLACK", "qty": qty, "price": 9.0}])
        result = lab.invoke(order)
        if result.status == "ok" or (result.error or {}).get("errorType") != "ValueError":
            raise Fail(f"An order with quantity {qty} should fail with a ValueError.")
    return "Quantities below 1 and fractions are rejected."
