"""Checks for SQS and Lambda. Each gets `lab` (a LabContext bound to a fresh account)."""

import json
import time
import uuid
from collections import Counter

from courseware.labrunner.grading import Fail, check

BATCH_SIZE = 5
MAX_RECEIVES = 2
# How long a check waits for the event source mapping and the function. A correct function is
# done in a second or two and the check ends then; the slack is for a lab node under a whole
# class, where a 128 MB function's share of a busy CPU makes a cold start take several seconds.
SHIPPING_WAIT_S = 15
DEAD_LETTER_WAIT_S = 20
GOOD_ITEMS = [
    {"sku": "TEA-GREEN", "qty": 2, "price": 12.5},
    {"sku": "MUG-BLUE", "qty": 1, "price": 17.5},
]


def new_order(label: str, items=None) -> dict:
    """An order with a unique id, so this check's messages can be told from any other's."""
    return {
        "order_id": f"chk-{label}-{uuid.uuid4().hex[:10]}",
        "items": GOOD_ITEMS if items is None else items,
    }


def shipped(lab) -> Counter:
    """Everything the function has sent to ShippingQueue so far, counted by order_id.

    Reading a queue deletes what it reads, so the tally is kept on `lab` for the later checks.
    """
    tally = lab.__dict__.setdefault("_shipped", Counter())
    totals = lab.__dict__.setdefault("_totals", {})
    for message in lab.queue_messages("ShippingQueue"):
        try:
            body = json.loads(message["Body"])
        except ValueError:
            continue
        if isinstance(body, dict):
            tally[body.get("order_id")] += 1
            totals[body.get("order_id")] = body.get("total")
    return tally


def queue_attributes(lab, logical_id: str) -> dict:
    return lab.client("sqs").get_queue_attributes(
        QueueUrl=lab.resource(logical_id), AttributeNames=["All"]
    )["Attributes"]


def orders_mapping(lab) -> dict:
    """The event source mapping from OrdersQueue to the function."""
    arn = queue_attributes(lab, "OrdersQueue")["QueueArn"]
    mappings = lab.client("lambda").list_event_source_mappings(FunctionName=lab.function_name)
    for mapping in mappings["EventSourceMappings"]:
        if mapping["EventSourceArn"] == arn:
            return mapping
    raise Fail("OrderWorker has no event source mapping from OrdersQueue: add an SQS event to it.")


def redrive_policy(lab) -> dict:
    policy = queue_attributes(lab, "OrdersQueue").get("RedrivePolicy")
    if not policy:
        raise Fail("OrdersQueue has no RedrivePolicy yet, so a poison message is never set aside.")
    return json.loads(policy)


def poison_scenario(lab) -> dict:
    """One batch of four good orders and one poison order, followed until the poison settles.

    Run once and remembered on `lab`: two checks grade different parts of the same story.
    """
    if "_scenario" in lab.__dict__:
        return lab.__dict__["_scenario"]
    redrive_policy(lab)  # fail fast: without a dead-letter queue there is nothing to wait for
    lab.resource("OrdersDLQ")
    good = [new_order(f"good{index}") for index in range(4)]
    poison = new_order("poison", items=[])
    batch = good[:2] + [poison] + good[2:]
    lab.client("sqs").send_message_batch(
        QueueUrl=lab.resource("OrdersQueue"),
        Entries=[
            {"Id": str(index), "MessageBody": json.dumps(order)}
            for index, order in enumerate(batch)
        ],
    )
    dead, empty_polls, outcome = [], 0, "timeout"
    deadline = time.monotonic() + DEAD_LETTER_WAIT_S
    while time.monotonic() < deadline:
        dead.extend(json.loads(message["Body"]) for message in lab.queue_messages("OrdersDLQ"))
        if any(order.get("order_id") == poison["order_id"] for order in dead):
            outcome = "dead-lettered"
            break
        empty_polls = empty_polls + 1 if lab.queue_depth("OrdersQueue") == 0 else 0
        if empty_polls >= 3:  # the poison left the queue without reaching the DLQ
            outcome = "deleted"
            break
        time.sleep(0.25)
    dead.extend(json.loads(message["Body"]) for message in lab.queue_messages("OrdersDLQ"))
    scenario = {
        "good": good,
        "poison": poison,
        "dead": dead,
        "outcome": outcome,
        "shipped": shipped(lab),
    }
    lab.__dict__["_scenario"] = scenario
    return scenario


@check(
    points=2,
    hints=[
        "Send one order to the queue yourself (Invoke with `one-order`) and read the function's "
        "logs. Does it reach the end of the handler?",
        "Each record's `body` is a string: parse it, compute the total and send it to the "
        "shipping queue. Read [the event source "
        "mapping](lessons/sqs#lambda-and-sqs-the-event-source-mapping).",
    ],
)
def good_orders_are_shipped(lab):
    """Good orders sent to OrdersQueue are shipped with their totals"""
    orders = [new_order(f"ship{index}") for index in range(3)]
    for order in orders:
        lab.send_message("OrdersQueue", order)
    ids = {order["order_id"] for order in orders}
    if not lab.wait_until(lambda: ids <= set(shipped(lab)), timeout=SHIPPING_WAIT_S):
        missing = len(ids - set(shipped(lab)))
        raise Fail(
            f"{missing} of 3 good orders never reached ShippingQueue. Look for errors in "
            "OrderWorker's logs."
        )
    totals = lab.__dict__["_totals"]
    wrong = [order_id for order_id in ids if totals.get(order_id) != 42.5]
    if wrong:
        raise Fail(
            f"A shipped order should carry its total (42.5 here); got {totals.get(wrong[0])!r}."
        )
    return "The event source mapping delivered the messages and the worker shipped them."


@check(
    points=1,
    hints=[
        "How many messages Lambda hands the function at once is a setting of the SQS event in the"
        " template.",
        "Set `BatchSize` on the function's SQS event and deploy. Read [the event source "
        "mapping](lessons/sqs#lambda-and-sqs-the-event-source-mapping).",
    ],
)
def batch_size_is_five(lab):
    """The event source mapping delivers batches of at most 5"""
    size = orders_mapping(lab).get("BatchSize")
    if size != BATCH_SIZE:
        raise Fail(f"BatchSize is {size}; set BatchSize: {BATCH_SIZE} on the SQS event.")
    return f"BatchSize {BATCH_SIZE}."


@check(
    points=1,
    hints=[
        "Your handler can list the messages that failed, but Lambda only reads that list when the"
        " mapping is told to.",
        "Add the response type for batch item failures to the SQS event. Read [partial batch "
        "failures](lessons/sqs#partial-batch-failures).",
    ],
)
def partial_batch_responses_enabled(lab):
    """The mapping accepts partial batch responses"""
    types = orders_mapping(lab).get("FunctionResponseTypes") or []
    if "ReportBatchItemFailures" not in types:
        raise Fail(
            "Add FunctionResponseTypes: [ReportBatchItemFailures] to the SQS event; without it, "
            "Lambda ignores the batchItemFailures your handler returns."
        )
    return "ReportBatchItemFailures is on."


@check(
    points=1,
    hints=[
        "Where does a message go when it has failed too many times? That is a setting of the "
        "source queue, not of the function.",
        "Give OrdersQueue a `RedrivePolicy` naming the dead-letter queue's ARN and the number of "
        "receives. Read [dead-letter queues and "
        "redrive](lessons/sqs#dead-letter-queues-and-redrive).",
    ],
)
def dead_letter_queue_configured(lab):
    """OrdersQueue sends a message to OrdersDLQ after 2 receives"""
    policy = redrive_policy(lab)
    dlq_arn = queue_attributes(lab, "OrdersDLQ")["QueueArn"]
    if policy.get("deadLetterTargetArn") != dlq_arn:
        raise Fail(
            f"The RedrivePolicy points at {policy.get('deadLetterTargetArn')}, not at OrdersDLQ."
        )
    if int(policy.get("maxReceiveCount", 0)) != MAX_RECEIVES:
        raise Fail(f"maxReceiveCount is {policy.get('maxReceiveCount')}; set it to {MAX_RECEIVES}.")
    return f"OrdersDLQ after {MAX_RECEIVES} receives."


@check(
    points=2,
    hints=[
        "Follow one bad message: what does the handler do with it, and what does Lambda then do "
        "with the batch?",
        "The bad message must be reported as failed (not raised) so it alone returns, and the "
        "redrive policy then moves it. Read [partial batch "
        "failures](lessons/sqs#partial-batch-failures) and [dead-letter queues and "
        "redrive](lessons/sqs#dead-letter-queues-and-redrive).",
    ],
)
def poison_message_is_dead_lettered(lab):
    """A poison message is retried, then moved to OrdersDLQ unchanged"""
    scenario = poison_scenario(lab)
    poison = scenario["poison"]
    if scenario["outcome"] == "deleted":
        raise Fail(
            "The poison message (an order without items) left OrdersQueue without reaching "
            "OrdersDLQ: it was deleted as if it had succeeded. Is ReportBatchItemFailures on, "
            "and does the handler list the failed message's messageId?"
        )
    if scenario["outcome"] != "dead-lettered":
        raise Fail(
            f"The poison message did not reach OrdersDLQ within {DEAD_LETTER_WAIT_S} s "
            f"(maxReceiveCount {MAX_RECEIVES})."
        )
    copy = next(order for order in scenario["dead"] if order.get("order_id") == poison["order_id"])
    if copy != poison:
        raise Fail("The message in OrdersDLQ should be the poison message, unchanged.")
    return f"After {MAX_RECEIVES} failed receives, SQS moved the poison message to OrdersDLQ."


@check(
    points=2,
    hints=[
        "When one message of a batch fails, what happens to the others in the same batch?",
        "Handle each record in its own `try`, and return only the failed `messageId`s in "
        "`batchItemFailures`. Read [partial batch failures](lessons/sqs#partial-batch-failures).",
    ],
)
def good_neighbours_shipped_once(lab):
    """Good orders in the poison message's batch are shipped exactly once"""
    scenario = poison_scenario(lab)
    counts = scenario["shipped"]
    dead_ids = {order.get("order_id") for order in scenario["dead"]}
    for order in scenario["good"]:
        order_id = order["order_id"]
        if counts[order_id] > 1:
            raise Fail(
                f"A good order in the same batch as the poison message was shipped "
                f"{counts[order_id]} times: the whole batch was retried. Report only the failed "
                "message in batchItemFailures."
            )
        if order_id in dead_ids:
            raise Fail("A good order from the poison message's batch ended up in OrdersDLQ.")
        if counts[order_id] == 0:
            raise Fail("A good order from the poison message's batch was never shipped.")
    if scenario["poison"]["order_id"] in counts:
        raise Fail("The poison message (an order without items) should not be shipped.")
    return "The four good orders were shipped exactly once each."


@check(
    points=2, hidden=True,
    hints=[
        "Try a batch in which one body is not JSON at all, and one order lacks a field.",
        "Every kind of bad message is a failed item, never a failed batch. Read [partial batch "
        "failures](lessons/sqs#partial-batch-failures).",
    ],
)
def handler_reports_only_failed_messages(lab):
    bodies = {
        "good-a": json.dumps(new_order("direct")),
        "not-json": "this is not JSON",
        "no-id": json.dumps({"items": GOOD_ITEMS}),
        "good-b": json.dumps(new_order("direct")),
    }
    event = lab.event("mixed-batch")
    template = event["Records"][0]
    event["Records"] = [
        template | {"messageId": f"{key}-{uuid.uuid4().hex[:8]}", "body": body}
        for key, body in bodies.items()
    ]
    result = lab.invoke(event)
    if result.status != "ok":
        raise Fail("The handler should not raise for a bad message in a batch.")
    response = result.response if isinstance(result.response, dict) else {}
    reported = sorted(
        item.get("itemIdentifier", "") for item in response.get("batchItemFailures") or []
    )
    expected = sorted(record["messageId"] for record in event["Records"][1:3])
    if reported != expected:
        raise Fail(f"Expected batchItemFailures for {expected}; got {reported}.")
    return "Only the two bad messages were reported."
