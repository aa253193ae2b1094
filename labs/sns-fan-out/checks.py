"""Checks for SNS fan-out. Each gets `lab` (a LabContext bound to a fresh account).

The emulator delivers SNS → SQS inside the Publish call, so a published message is already in
every matching queue when `publish` returns. ExpressQueue is drained by the learner's function
(an SQS event source mapping polled in batches); to look inside it, a check pauses the mapping.
"""

import json
import time
import uuid
from decimal import Decimal

from courseware.labrunner.grading import Fail, check

TABLE = "ExpressOrdersTable"


# -- helpers ------------------------------------------------------------------------------------
def new_order(prefix: str, total="42.5") -> dict:
    return {"orderId": f"{prefix}-{uuid.uuid4().hex[:8]}", "customer": "ada", "total": total}


def publish(lab, order: dict, priority: str) -> None:
    # The order as JSON text, with its total as a JSON number.
    text = json.dumps({**order, "total": Decimal(order["total"])}, default=float)
    lab.publish("OrdersTopic", text, priority=priority)


def order_in(body: str):
    """The order a queue message carries, whether SNS wrapped it in its envelope or not."""
    try:
        data = json.loads(body)
        if isinstance(data, dict) and data.get("Type") == "Notification" and "Message" in data:
            data = json.loads(data["Message"])
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def ids_in(messages: list[dict]) -> set[str]:
    return {(order_in(m["Body"]) or {}).get("orderId") for m in messages} - {None}


def queue_arn(lab, logical_id: str) -> str:
    return lab.client("sqs").get_queue_attributes(
        QueueUrl=lab.resource(logical_id), AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]


def subscriptions(lab) -> dict[str, dict]:
    """Endpoint ARN -> subscription attributes, for every subscription of OrdersTopic."""
    sns = lab.client("sns")
    found = sns.list_subscriptions_by_topic(TopicArn=lab.resource("OrdersTopic"))["Subscriptions"]
    return {
        item["Endpoint"]: sns.get_subscription_attributes(SubscriptionArn=item["SubscriptionArn"])[
            "Attributes"
        ]
        for item in found
    }


def require_express_subscription(lab) -> dict:
    attributes = subscriptions(lab).get(queue_arn(lab, "ExpressQueue"))
    if attributes is None:
        raise Fail("ExpressQueue is not subscribed to OrdersTopic yet (step 1).")
    return attributes


def express_mappings(lab) -> list[str]:
    arn = queue_arn(lab, "ExpressQueue")
    mappings = lab.client("lambda").list_event_source_mappings(FunctionName=lab.function_name)
    return [m["UUID"] for m in mappings["EventSourceMappings"] if m["EventSourceArn"] == arn]


def set_mappings(lab, ids: list[str], enabled: bool) -> None:
    for mapping in ids:
        lab.client("lambda").update_event_source_mapping(UUID=mapping, Enabled=enabled)


def recorded(lab, order_id: str):
    return (
        lab.client("dynamodb")
        .get_item(
            TableName=lab.resource(TABLE), Key={"orderId": {"S": order_id}}, ConsistentRead=True
        )
        .get("Item")
    )


def errors_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("[ERROR]")]


def wait_for_orders(lab, orders: list[dict], timeout: float = 8) -> str:
    """Wait until every order is in the table: "done", or "error: ..." as soon as the function
    logs an error, or "" on timeout."""
    seen = len(errors_in(lab.logs()))

    def ready():
        if all(recorded(lab, order["orderId"]) for order in orders):
            return "done"
        errors = errors_in(lab.logs())
        return f"error: {errors[-1].removeprefix('[ERROR] ')}" if len(errors) > seen else ""

    return lab.wait_until(ready, timeout=timeout, interval=0.3) or ""


# -- checks -------------------------------------------------------------------------------------
@check(
    points=2,
    hints=[
        "A queue only receives a topic's messages once it is subscribed to the topic. Count the "
        "subscriptions your template creates.",
        "Each queue needs a subscription with the `sqs` protocol and a queue policy that lets SNS"
        " send to it. Read [fan-out to SQS queues](lessons/sns-fan-out#fan-out-to-sqs-queues).",
    ],
)
def both_queues_subscribed(lab):
    """Both queues are subscribed to OrdersTopic over the sqs protocol"""
    found = subscriptions(lab)
    missing = []
    for logical_id in ("AnalyticsQueue", "ExpressQueue"):
        attributes = found.get(queue_arn(lab, logical_id))
        if attributes is None:
            missing.append(logical_id)
        elif attributes.get("Protocol") != "sqs":
            raise Fail(
                f"{logical_id} is subscribed with protocol {attributes.get('Protocol')!r}; use sqs."
            )
    if missing:
        raise Fail(
            f"Not subscribed to OrdersTopic: {', '.join(missing)}. Add an AWS::SNS::Subscription for each."
        )
    return "OrdersTopic fans out to AnalyticsQueue and ExpressQueue."


@check(
    points=2,
    hints=[
        "Publish an order of each priority and look at what reaches AnalyticsQueue.",
        "A subscription without a filter policy receives every message. Read [fan-out to SQS "
        "queues](lessons/sns-fan-out#fan-out-to-sqs-queues).",
    ],
)
def analytics_gets_every_order(lab):
    """AnalyticsQueue receives every order, whatever its priority"""
    normal, high = new_order("N"), new_order("H")
    publish(lab, normal, "normal")
    publish(lab, high, "high")
    ids = ids_in(lab.queue_messages("AnalyticsQueue", wait=5))
    missing = [o["orderId"] for o in (normal, high) if o["orderId"] not in ids]
    if missing:
        raise Fail(
            f"AnalyticsQueue did not receive {', '.join(missing)}. It should get every order: "
            "subscribe it without a filter policy."
        )
    return "A normal and a high-priority order both reached AnalyticsQueue."


@check(
    points=2,
    hints=[
        "Which subscription should be choosy, and what does it choose on: the message body or its"
        " attributes?",
        "Put a filter policy on the express queue's subscription that matches the `priority` "
        "message attribute. Read [filter policies](lessons/sns-fan-out#filter-policies).",
    ],
)
def filter_policy_routes_by_priority(lab):
    """ExpressQueue receives high-priority orders only"""
    require_express_subscription(lab)
    paused = express_mappings(lab)
    set_mappings(lab, paused, False)  # hold the consumer so the queue can be inspected
    try:
        time.sleep(0.6)  # let a batch already being polled finish
        normal, high = new_order("N"), new_order("H")
        publish(lab, normal, "normal")
        publish(lab, high, "high")
        ids = ids_in(lab.queue_messages("ExpressQueue", wait=4))
    finally:
        set_mappings(lab, paused, True)
    if high["orderId"] not in ids:
        raise Fail(
            "A message with priority=high did not reach ExpressQueue. The filter policy should "
            'match it: {"priority": ["high"]} on the message attributes.'
        )
    if normal["orderId"] in ids:
        raise Fail(
            "A message with priority=normal reached ExpressQueue too. Add a FilterPolicy to "
            "ExpressSubscription so that only priority=high is delivered."
        )
    return "priority=high reached ExpressQueue; priority=normal was filtered out."


@check(
    points=2,
    hints=[
        "Invoke with `express-order` and read the logs: does the handler find the order inside "
        "the record?",
        "The SQS body holds SNS's envelope; the order is in its `Message` field, itself JSON. "
        "Read [raw message delivery and the SNS "
        "envelope](lessons/sns-fan-out#raw-message-delivery-and-the-sns-envelope).",
    ],
)
def express_orders_are_recorded(lab):
    """ExpressFunction records each high-priority order in ExpressOrdersTable"""
    require_express_subscription(lab)
    order = new_order("H", total="129.9")
    publish(lab, order, "high")
    outcome = wait_for_orders(lab, [order])
    if outcome.startswith("error"):
        raise Fail(
            f"ExpressFunction failed ({outcome.removeprefix('error: ')}) before order "
            f"{order['orderId']} was recorded. Look at its log: what does the SQS body contain?"
        )
    item = recorded(lab, order["orderId"])
    if not item:
        raise Fail(
            f"Order {order['orderId']} (priority=high) was not in ExpressOrdersTable after 8 s. "
            "Look at ExpressFunction's log: what does the SQS body contain?"
        )
    if item.get("customer", {}).get("S") != "ada":
        raise Fail("The recorded order should keep the order's customer ('customer').")
    if Decimal(item.get("total", {}).get("N", "NaN")) != Decimal("129.9"):
        raise Fail("The recorded order should keep the order's total as a number ('total').")
    if item.get("priority", {}).get("S") != "high":
        raise Fail(
            "Record the order's priority ('priority'): it is not in the order itself but in the "
            "message attribute `priority`."
        )
    return "A high-priority order went topic → queue → function → table."


@check(
    points=1, hidden=True,
    hints=[
        "Compare what the two queues receive: is one of them set up differently?",
        "Leave raw message delivery off where consumers expect the envelope. Read [raw message "
        "delivery and the SNS "
        "envelope](lessons/sns-fan-out#raw-message-delivery-and-the-sns-envelope).",
    ],
)
def analytics_keeps_the_envelope(lab):
    """AnalyticsQueue keeps SNS's envelope (no raw message delivery)"""
    order = new_order("E")
    publish(lab, order, "normal")
    messages = [
        m for m in lab.queue_messages("AnalyticsQueue", wait=5) if order["orderId"] in m["Body"]
    ]
    if not messages:
        raise Fail("The order did not reach AnalyticsQueue.")
    body = json.loads(messages[0]["Body"])
    if body.get("Type") != "Notification" or body.get("TopicArn") != lab.resource("OrdersTopic"):
        raise Fail("AnalyticsQueue should receive the SNS envelope: leave RawMessageDelivery off.")
    if (body.get("MessageAttributes") or {}).get("priority", {}).get("Value") != "normal":
        raise Fail("The envelope should carry the priority attribute.")
    if order_in(messages[0]["Body"]).get("orderId") != order["orderId"]:
        raise Fail("The envelope's Message should be the published order.")
    return "Envelope intact."


@check(
    points=1, hidden=True,
    hints=[
        "Try an event with several records.",
        "Loop over every record of the batch. Read [fan-out to SQS "
        "queues](lessons/sns-fan-out#fan-out-to-sqs-queues).",
    ],
)
def express_function_handles_a_batch(lab):
    """ExpressFunction records every order of a batch"""
    require_express_subscription(lab)
    paused = express_mappings(lab)
    if not paused:
        raise Fail("ExpressFunction has no SQS event on ExpressQueue.")
    set_mappings(lab, paused, False)
    try:
        time.sleep(0.6)
        orders = [new_order("B", total=f"{n}.25") for n in range(1, 6)]
        for order in orders:
            publish(lab, order, "high")
    finally:
        set_mappings(lab, paused, True)  # the five wait in the queue: one batch
    if wait_for_orders(lab, orders) != "done":
        count = sum(1 for o in orders if recorded(lab, o["orderId"]))
        raise Fail(f"Only {count} of 5 orders delivered in one batch were recorded.")
    return "All five orders of the batch were recorded."
