"""Checks for events with EventBridge. Each gets `lab` (a LabContext bound to a fresh account).

The checks put OrderPlaced events on the learner's custom bus with boto3, as the shop would, and
watch where they go: ReviewQueue and EuWarehouseQueue (read directly), ConfirmFunction (through
what it records in ConfirmationsTable) and ConfirmDLQ. EventBridge delivers in the background,
so every check waits for what must arrive (`lab.wait_until`); events that must not arrive are put
first, so by the time the matching ones are in, a wrong match would be too.
"""

import json
import uuid
from datetime import datetime, timedelta

from courseware.labrunner.grading import Fail, check

SOURCE, DETAIL_TYPE = "com.example.shop", "OrderPlaced"
WAIT_S = 20  # a function's first invocation is a cold start; under load, more
QUEUE_WAIT_S = 10  # EventBridge to SQS takes milliseconds; this is for a loaded host


# -- helpers ------------------------------------------------------------------------------------
def new_order(prefix: str, **detail) -> dict:
    order = {
        "orderId": f"{prefix}-{uuid.uuid4().hex[:8]}",
        "total": 129.9,
        "currency": "EUR",
        "warehouse": "us-dallas",
        "channel": "web",
        "customer": {"id": "C-42", "email": "ada@example.com"},
    }
    return {**order, **detail}


def bus_name(lab) -> str:
    """The custom bus of the template (OrdersBus)."""
    if "_bus" not in lab.__dict__:
        if "OrdersBus" not in lab.resources:
            raise Fail("Your template has no custom event bus named OrdersBus yet (step 1).")
        name = lab.resource("OrdersBus").split("/")[-1]  # a name, or an ARN
        lab.__dict__["_bus"] = name
    return lab.__dict__["_bus"]


def put(lab, *orders: dict, bus: str | None = None, source: str = SOURCE) -> None:
    """Put each order as an OrderPlaced event on `bus` (the custom bus unless told)."""
    entries = [
        {
            "EventBusName": bus or bus_name(lab),
            "Source": source,
            "DetailType": DETAIL_TYPE,
            "Detail": json.dumps(order),
        }
        for order in orders
    ]
    answer = lab.client("events").put_events(Entries=entries)
    if answer.get("FailedEntryCount"):
        failed = next(entry for entry in answer["Entries"] if "ErrorCode" in entry)
        raise Fail(f"PutEvents refused an order: {failed['ErrorCode']}: {failed.get('ErrorMessage', '')}")


def order_id_in(body: str):
    try:
        event = json.loads(body)
    except ValueError:
        return None
    if not isinstance(event, dict):
        return None
    detail = event.get("detail")
    return (detail if isinstance(detail, dict) else event).get("orderId")


def collect(lab, queue: str, wanted: set[str]) -> set[str]:
    """The order ids that reach `queue` until every wanted one is in (or QUEUE_WAIT_S pass), plus
    anything that arrives in the second after."""
    seen: set[str] = set()

    def ready():
        seen.update(order_id_in(m["Body"]) for m in lab.queue_messages(queue))
        return wanted <= seen

    lab.wait_until(ready, timeout=QUEUE_WAIT_S, interval=0.3)
    seen.update(order_id_in(m["Body"]) for m in lab.queue_messages(queue, wait=1))
    return seen - {None}


def routed(lab, queue: str, matching: list[tuple[str, dict]], not_matching: list[tuple[str, dict]], why: str):
    """Puts the orders that must not match first, then those that must; fails naming each wrong one."""
    for _, order in not_matching:
        bus = order.pop("_bus", None)
        put(lab, order, bus=bus)
    put(lab, *(order for _, order in matching))
    seen = collect(lab, queue, {order["orderId"] for _, order in matching})
    missed = [label for label, order in matching if order["orderId"] not in seen]
    wrong = [label for label, order in not_matching if order["orderId"] in seen]
    problems = []
    if missed:
        problems.append(f"These orders should have reached {queue} and did not: {'; '.join(missed)}.")
    if wrong:
        problems.append(f"These orders reached {queue} and should not have: {'; '.join(wrong)}.")
    if problems:
        raise Fail(" ".join([*problems, why]))


def confirmation(lab, order_id: str):
    item = (
        lab.client("dynamodb")
        .get_item(TableName=lab.resource("ConfirmationsTable"), Key={"orderId": {"S": order_id}}, ConsistentRead=True)
        .get("Item")
    )
    return json.loads(item["received"]["S"]) if item and "received" in item else None


def wait_for_confirmations(lab, order_ids: list[str]) -> dict:
    found: dict = {}

    def ready():
        for order_id in order_ids:
            if order_id not in found:
                received = confirmation(lab, order_id)
                if received is not None:
                    found[order_id] = received
        return len(found) == len(order_ids)

    lab.wait_until(ready, timeout=WAIT_S, interval=0.3)
    return found


def confirm_error(lab) -> str:
    """The last error ConfirmFunction logged, as a sentence to add to a failure ("" if none)."""
    errors = [line for line in lab.logs(lab.resource("ConfirmFunction")).splitlines() if line.startswith("[ERROR]")]
    return f" ConfirmFunction failed: {errors[-1].removeprefix('[ERROR] ')}" if errors else ""


def function_arn(lab, logical_id: str) -> str:
    return lab.client("lambda").get_function_configuration(FunctionName=lab.resource(logical_id))["FunctionArn"]


def confirm_target(lab) -> tuple[dict, dict]:
    """(rule, target): the rule on the custom bus that targets ConfirmFunction."""
    arn = function_arn(lab, "ConfirmFunction")
    events = lab.client("events")
    for rule in events.list_rules(EventBusName=bus_name(lab))["Rules"]:
        for target in events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus_name(lab))["Targets"]:
            if target["Arn"].split(":")[:7] == arn.split(":")[:7]:
                return rule, target
    raise Fail("No rule on OrdersBus targets ConfirmFunction yet (step 3).")


def reports(lab) -> list[dict]:
    items = lab.client("dynamodb").scan(TableName=lab.resource("ReportsTable"), ConsistentRead=True)["Items"]
    return [{key: next(iter(value.values())) for key, value in item.items()} for item in items]


def lab_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- checks -------------------------------------------------------------------------------------
@check(
    points=2,
    hints=[
        "Which bus did the event go to, and which bus is your rule on? Then: is `1000` a big order?",
        "Put the rule on OrdersBus (`EventBusName`) and match `detail.total` with "
        '`{"numeric": [">=", 1000]}`. Read [event patterns](lessons/eventbridge#event-patterns).',
    ],
)
def big_orders_go_to_review(lab):
    """Orders of 1,000 or more on OrdersBus reach ReviewQueue, and no others"""
    routed(
        lab,
        "ReviewQueue",
        matching=[
            ("a total of 1000", new_order("R", total=1000)),
            ("a total of 2500.5", new_order("R", total=2500.5)),
        ],
        not_matching=[
            ("a total of 999.99", new_order("N", total=999.99)),
            ('a total of "1500", a string', new_order("N", total="1500")),
            ("a total of 5000 put on the default bus", {**new_order("D", total=5000), "_bus": "default"}),
        ],
        why="ReviewRule belongs on OrdersBus and matches a numeric `detail.total` of at least 1000.",
    )
    return "1000 and 2500.5 reached ReviewQueue; 999.99, a string total and the default bus did not."


@check(
    points=2,
    hints=[
        "Compare the warehouse ids that arrived with those that did not: what do the right ones start with, exactly?",
        'Match `detail.warehouse` with `{"prefix": "eu-"}`: the dash matters. Read [event '
        "patterns](lessons/eventbridge#event-patterns).",
    ],
)
def eu_orders_go_to_the_eu_warehouse(lab):
    """Orders from eu- warehouses reach EuWarehouseQueue, and no others"""
    routed(
        lab,
        "EuWarehouseQueue",
        matching=[
            ("warehouse eu-paris", new_order("E", warehouse="eu-paris")),
            ("warehouse eu-berlin", new_order("E", warehouse="eu-berlin")),
        ],
        not_matching=[
            ("warehouse us-dallas", new_order("N", warehouse="us-dallas")),
            ("warehouse europe-lyon", new_order("N", warehouse="europe-lyon")),
        ],
        why='EuWarehouseRule matches `detail.warehouse` with the prefix "eu-".',
    )
    return "eu-paris and eu-berlin reached EuWarehouseQueue; us-dallas and europe-lyon did not."


@check(
    points=2,
    hints=[
        "Which orders should never be confirmed to a customer? Does your rule name them, or name "
        "every channel that should be confirmed?",
        'Match `detail.channel` with `{"anything-but": ["test"]}`. Read [event '
        "patterns](lessons/eventbridge#event-patterns).",
    ],
)
def every_order_but_tests_is_confirmed(lab):
    """ConfirmFunction confirms every order except test orders"""
    confirm_target(lab)
    test = new_order("T", channel="test")
    put(lab, test)
    orders = [new_order("C", channel=channel) for channel in ("web", "mobile", "phone")]
    put(lab, *orders)
    found = wait_for_confirmations(lab, [order["orderId"] for order in orders])
    missed = [order["channel"] for order in orders if order["orderId"] not in found]
    if missed:
        raise Fail(
            f"Orders from the channels {', '.join(missed)} were not confirmed within {WAIT_S} s. "
            "ConfirmRule should match every channel but test." + confirm_error(lab)
        )
    if lab.wait_until(lambda: confirmation(lab, test["orderId"]), timeout=2.0):
        raise Fail("A test order (channel test) was confirmed: customers must never get those.")
    return "web, mobile and phone orders were confirmed; the test order was not."


@check(
    points=2,
    hints=[
        "Compare the check's message with the confirmation of step 4: which keys differ, and is the "
        "total a number or a string?",
        "Give ConfirmRule's target an `InputTransformer`: `InputPathsMap` picks the fields, "
        "`InputTemplate` writes the JSON; a variable outside quotes keeps its JSON type. Read [reshaping "
        "what a target receives](lessons/eventbridge#reshaping-what-a-target-receives).",
    ],
)
def confirmations_have_the_transformed_shape(lab):
    """ConfirmFunction receives the confirmation made by an input transformer"""
    confirm_target(lab)
    order = new_order("X", total=129.9, customer={"id": "C-7", "email": "grace@example.com"})
    put(lab, order)
    received = wait_for_confirmations(lab, [order["orderId"]]).get(order["orderId"])
    if received is None:
        raise Fail(f"Order {order['orderId']} (channel web) was not confirmed within {WAIT_S} s." + confirm_error(lab))
    expected = {
        "orderId": order["orderId"],
        "to": "grace@example.com",
        "total": 129.9,
        "subject": f"Your order {order['orderId']} is confirmed",
    }
    if "detail" in received:
        raise Fail("ConfirmFunction received the whole event. Reshape it with an input transformer (step 4).")
    missing, extra = expected.keys() - received.keys(), received.keys() - expected.keys()
    if missing or extra:
        raise Fail(
            f"The confirmation should have exactly the keys {', '.join(expected)}; "
            f"missing: {', '.join(sorted(missing)) or 'none'}, extra: {', '.join(sorted(extra)) or 'none'}."
        )
    if received["total"] != 129.9:
        raise Fail(
            f"total should be the number 129.9, not {received['total']!r}: write <total> outside quotes "
            "in the template."
        )
    wrong = [key for key in expected if received[key] != expected[key]]
    if wrong:
        raise Fail(
            "; ".join(f"{key} is {received[key]!r}, expected {expected[key]!r}" for key in wrong)
            + ". A variable inside a string is inserted as text, without its quotes."
        )
    return "ConfirmFunction received exactly the four fields of a confirmation."


@check(
    points=2,
    hints=[
        "Invoke ReportFunction with `scheduled-event`, then with `scheduled-event-next-hour`: do the two "
        "reports get different `reportTime`s? And what makes the function run every hour?",
        "Give ReportFunction an `Events` entry of type `Schedule` with `rate(1 hour)`, and key each "
        "report by the event's `time`. Read [schedules: from scheduled rules to EventBridge "
        "Scheduler](lessons/eventbridge#schedules-from-scheduled-rules-to-eventbridge-scheduler).",
    ],
)
def the_report_runs_every_hour(lab):
    """ReportFunction runs every hour on the lab clock, one report per hour"""
    before = {item["reportTime"] for item in reports(lab) if "reportTime" in item}
    lab.advance_clock(hours=3)
    lab.wait_until(lambda: len({i.get("reportTime") for i in reports(lab)} - before) >= 3, timeout=WAIT_S)
    new = sorted({item.get("reportTime") for item in reports(lab)} - before - {None})
    if not new:
        raise Fail(
            f"Three hours passed on the lab clock and ReportsTable got no report within {WAIT_S} s. "
            "Does ReportFunction have a schedule, rate(1 hour)?"
        )
    if len(new) < 3:
        raise Fail(
            f"Three hours passed and ReportsTable holds {len(new)} new report(s), not 3. Three occurrences "
            "fired close together: key each report by the event's `time`, not by the time the function runs."
        )
    try:
        times = [lab_time(text) for text in new[-3:]]
    except ValueError:
        raise Fail(f"reportTime should be the event's time, such as 2026-01-15T10:00:00Z, not {new[-1]!r}.") from None
    if any(later - earlier != timedelta(hours=1) for earlier, later in zip(times, times[1:], strict=False)):
        raise Fail(f"The three reports should be one hour apart (the events' times); they are at {', '.join(new)}.")
    return f"Three reports, an hour apart: {', '.join(new[-3:])}."


@check(
    points=2,
    hints=[
        "What happens to an order that EventBridge cannot hand to ConfirmFunction? Where could you read it afterwards?",
        "Give ConfirmRule's target a `DeadLetterConfig` with the ARN of ConfirmDLQ. Read [delivery, "
        "retries and dead-letter queues](lessons/eventbridge#delivery-retries-and-dead-letter-queues).",
    ],
)
def undeliverable_confirmations_land_in_the_dlq(lab):
    """An order EventBridge cannot deliver to ConfirmFunction lands in ConfirmDLQ"""
    rule, target = confirm_target(lab)
    queue_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
    if not queue_arn:
        raise Fail("ConfirmRule's target has no dead-letter queue: add DeadLetterConfig (step 5).")
    sqs = lab.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=queue_arn.split(":")[5])["QueueUrl"]
    revoked = revoke_events_permission(lab)
    try:
        order = new_order("F")
        put(lab, order)

        def dead_lettered():
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
            for message in messages.get("Messages", []):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                if order_id_in(message["Body"]) == order["orderId"]:
                    return message
            return None

        message = lab.wait_until(dead_lettered, timeout=WAIT_S, interval=0.3)
    finally:
        restore_events_permission(lab, revoked)
    if message is None:
        raise Fail(
            f"With EventBridge's permission to invoke ConfirmFunction taken away, order {order['orderId']} "
            f"did not reach the dead-letter queue within {WAIT_S} s."
        )
    code = message.get("MessageAttributes", {}).get("ERROR_CODE", {}).get("StringValue", "?")
    return f"The undeliverable order reached the dead-letter queue, ERROR_CODE {code}."


def revoke_events_permission(lab) -> list[dict]:
    """Removes the statements of ConfirmFunction's policy that let EventBridge invoke it (as a
    careless clean-up would); returns them, to put back."""
    client, name = lab.client("lambda"), lab.resource("ConfirmFunction")
    try:
        policy = json.loads(client.get_policy(FunctionName=name)["Policy"])
    except client.exceptions.ResourceNotFoundException:
        return []
    statements = [s for s in policy["Statement"] if (s.get("Principal") or {}).get("Service") == "events.amazonaws.com"]
    for statement in statements:
        client.remove_permission(FunctionName=name, StatementId=statement["Sid"])
    return statements


def restore_events_permission(lab, statements: list[dict]) -> None:
    client, name = lab.client("lambda"), lab.resource("ConfirmFunction")
    for statement in statements:
        condition = statement.get("Condition") or {}
        source = next((value["AWS:SourceArn"] for value in condition.values() if "AWS:SourceArn" in value), None)
        client.add_permission(
            FunctionName=name,
            StatementId=statement["Sid"],
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            **({"SourceArn": source} if source else {}),
        )


@check(
    points=1,
    hidden=True,
    hints=[
        "How long is a confirmation worth sending, and how long does EventBridge keep trying by default?",
        "Set ConfirmRule's target `RetryPolicy` with `MaximumEventAgeInSeconds` of at most 3600. Read "
        "[delivery, retries and dead-letter "
        "queues](lessons/eventbridge#delivery-retries-and-dead-letter-queues).",
    ],
)
def confirmations_give_up_within_an_hour(lab):
    """ConfirmRule's retry policy gives up on a confirmation within an hour"""
    _, target = confirm_target(lab)
    policy = target.get("RetryPolicy") or {}
    age = policy.get("MaximumEventAgeInSeconds")
    if age is None or age > 3600:
        raise Fail(f"MaximumEventAgeInSeconds is {age or 'the default, 86400'}; it should be at most 3600.")
    return f"Retries stop after {age} s."


@check(
    points=1,
    hidden=True,
    hints=[
        "With two big orders waiting in ReviewQueue, what should the next report say? Does the function ask the queue?",
        "Count ReviewQueue's `ApproximateNumberOfMessages` with `get_queue_attributes`. Read [schedules: "
        "from scheduled rules to EventBridge "
        "Scheduler](lessons/eventbridge#schedules-from-scheduled-rules-to-eventbridge-scheduler).",
    ],
)
def the_report_counts_orders_waiting_for_review(lab):
    """Each report counts the orders waiting in ReviewQueue"""
    lab.queue_messages("ReviewQueue", wait=0.5)  # start from an empty queue
    put(lab, new_order("W", total=1200), new_order("W", total=3000))
    if not lab.wait_until(lambda: lab.queue_depth("ReviewQueue") >= 2, timeout=QUEUE_WAIT_S):
        raise Fail("Two big orders did not reach ReviewQueue.")
    before = {json.dumps(item, sort_keys=True) for item in reports(lab)}
    lab.advance_clock(hours=1)

    def fresh():
        return [item for item in reports(lab) if json.dumps(item, sort_keys=True) not in before]

    new = lab.wait_until(fresh, timeout=WAIT_S)
    if not new:
        raise Fail(
            "No new report appeared in ReportsTable an hour later (or it replaced an earlier one with the "
            "same content): key each report by the event's time."
        )
    waiting = new[-1].get("waitingForReview")
    if str(waiting) != "2":
        raise Fail(f"The report says {waiting!r} orders wait for review; 2 do.")
    return "The report counted the 2 orders waiting."
