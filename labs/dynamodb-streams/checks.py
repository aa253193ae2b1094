"""Checks for DynamoDB Streams. Each gets `lab` (a LabContext bound to a fresh account).

The emulator polls the stream as Lambda does, so the statistics change a moment after PutItem
returns: the checks poll, as they would have to on AWS, and give up early when the function
logs an error.
"""

import uuid
from decimal import Decimal

from courseware.labrunner.grading import Fail, check

IMAGES = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")


# -- helpers ------------------------------------------------------------------------------------
def orders_table(lab) -> dict:
    return lab.client("dynamodb").describe_table(TableName=lab.resource("OrdersTable"))["Table"]


def stream_arn(lab) -> str | None:
    table = orders_table(lab)
    spec = table.get("StreamSpecification") or {}
    return table.get("LatestStreamArn") if spec.get("StreamEnabled") else None


def require_trigger(lab) -> None:
    arn = stream_arn(lab)
    if not arn:
        raise Fail("OrdersTable has no stream yet (step 1), so nothing can react to new orders.")
    mappings = lab.client("lambda").list_event_source_mappings(FunctionName=lab.function_name)
    if not any(m["EventSourceArn"] == arn for m in mappings["EventSourceMappings"]):
        raise Fail("StatsFunction is not triggered by OrdersTable's stream yet (step 2).")


def customer() -> str:
    return f"cust-{uuid.uuid4().hex[:10]}"


def put_order(lab, who: str, amount: str) -> str:
    order_id = f"o-{uuid.uuid4().hex[:10]}"
    lab.client("dynamodb").put_item(
        TableName=lab.resource("OrdersTable"),
        Item={
            "orderId": {"S": order_id},
            "customer": {"S": who},
            "amount": {"N": amount},
            "status": {"S": "PLACED"},
        },
    )
    return order_id


def stats(lab, who: str) -> tuple[Decimal, Decimal] | None:
    item = (
        lab.client("dynamodb")
        .get_item(
            TableName=lab.resource("CustomerStatsTable"),
            Key={"customer": {"S": who}},
            ConsistentRead=True,
        )
        .get("Item")
    )
    if not item:
        return None
    count = item.get("orderCount", {}).get("N")
    spent = item.get("amountSpent", {}).get("N")
    return (Decimal(count) if count else None, Decimal(spent) if spent else None)


def errors_in(text: str) -> list[str]:
    return [
        line.removeprefix("[ERROR] ") for line in text.splitlines() if line.startswith("[ERROR]")
    ]


def error_count(lab) -> int:
    return len(errors_in(lab.logs()))


def wait_for_stats(lab, who: str, expected: tuple, seen: int, *, timeout: float = 5.0):
    """Poll until `who`'s statistics equal `expected`; stop early if the function has logged an
    error since there were `seen` of them. Returns (statistics, error or None)."""
    error = None

    def ready():
        nonlocal error
        current = stats(lab, who)
        if current == expected:
            return True
        errors = errors_in(lab.logs())
        if len(errors) > seen:
            error = errors[-1]
            return True
        return False

    lab.wait_until(ready, timeout=timeout, interval=0.25)
    return stats(lab, who), error


def show(found) -> str:
    if found is None:
        return "no item in CustomerStatsTable"
    count, spent = found
    return f"orderCount={count}, amountSpent={spent}"


# -- checks -------------------------------------------------------------------------------------
@check(
    points=1,
    hints=[
        "A table only has a stream when its definition asks for one. What does each stream record"
        " need to carry for your function?",
        "Add a `StreamSpecification` to OrdersTable with a view type that includes the new item. "
        "Read [streams and Lambda triggers](lessons/dynamodb#streams-and-lambda-triggers).",
    ],
)
def stream_is_enabled(lab):
    """OrdersTable has a stream whose records carry the new item"""
    spec = orders_table(lab).get("StreamSpecification") or {}
    if not spec.get("StreamEnabled"):
        raise Fail("OrdersTable has no stream: add a StreamSpecification to it.")
    if spec.get("StreamViewType") not in IMAGES:
        raise Fail(
            f"The stream's view type is {spec.get('StreamViewType')}; the function needs the new "
            "item, so use NEW_IMAGE (or NEW_AND_OLD_IMAGES)."
        )
    return f"Stream on, view type {spec['StreamViewType']}."


@check(
    points=1,
    hints=[
        "Nothing calls StatsFunction yet. What connects a stream to a function?",
        "Give the function an event of type `DynamoDB` on the table's `StreamArn`, with a "
        "starting position. Read [streams and Lambda "
        "triggers](lessons/dynamodb#streams-and-lambda-triggers).",
    ],
)
def function_is_triggered_by_the_stream(lab):
    """StatsFunction has an event source mapping on OrdersTable's stream"""
    require_trigger(lab)
    return "OrdersTable's stream triggers StatsFunction."


@check(
    points=3,
    hints=[
        "Invoke with `new-order` and read the record: where is the customer, and in what shape "
        "are the numbers?",
        "Read `NewImage` in DynamoDB's typed JSON and use one atomic `ADD` update for both "
        "counters. Read [working with DynamoDB from "
        "Python](lessons/dynamodb#working-with-dynamodb-from-python).",
    ],
)
def new_orders_are_counted(lab):
    """Each new order adds 1 to orderCount and its amount to amountSpent"""
    require_trigger(lab)
    who, seen = customer(), error_count(lab)
    put_order(lab, who, "12")
    put_order(lab, who, "30")
    found, error = wait_for_stats(lab, who, (Decimal(2), Decimal(42)), seen)
    if found == (Decimal(2), Decimal(42)):
        return "Two orders of 12 and 30 gave orderCount=2, amountSpent=42."
    if error:
        raise Fail(f"StatsFunction failed on a new order: {error}")
    raise Fail(
        f"After two orders of 12 and 30 for one customer, expected orderCount=2 and "
        f"amountSpent=42 in CustomerStatsTable; found {show(found)}."
    )


@check(
    points=3,
    hints=[
        "A stream sends a record for every change to the table, not only for new items. Which "
        "ones should count?",
        "Look at each record's `eventName` and act on `INSERT` only. Read [streams and Lambda "
        "triggers](lessons/dynamodb#streams-and-lambda-triggers).",
    ],
)
def changes_and_deletes_are_ignored(lab):
    """Updating or deleting an order does not change the statistics"""
    require_trigger(lab)
    who, later, seen = customer(), customer(), error_count(lab)
    order_id = put_order(lab, who, "10")
    found, error = wait_for_stats(lab, who, (Decimal(1), Decimal(10)), seen)
    if found != (Decimal(1), Decimal(10)):
        raise Fail(f"A new order was not counted ({error or show(found)}); fix that first.")
    ddb, table = lab.client("dynamodb"), lab.resource("OrdersTable")
    before_changes = error_count(lab)
    ddb.update_item(
        TableName=table, Key={"orderId": {"S": order_id}},
        UpdateExpression="SET #s = :s, #a = :a",
        ExpressionAttributeNames={"#s": "status", "#a": "amount"},
        ExpressionAttributeValues={":s": {"S": "SHIPPED"}, ":a": {"N": "99"}},
    )  # fmt: skip
    ddb.delete_item(TableName=table, Key={"orderId": {"S": order_id}})
    # A stream is ordered: once a later new order is counted, the MODIFY and REMOVE are done.
    put_order(lab, later, "1")
    marker, error = wait_for_stats(lab, later, (Decimal(1), Decimal(1)), before_changes)
    errors = errors_in(lab.logs())[before_changes:]
    if errors:
        raise Fail(
            f"StatsFunction failed on a MODIFY or REMOVE record: {errors[0]}. On AWS the whole "
            "batch would be retried and hold up the orders behind it; skip records that are "
            "not INSERTs before reading NewImage."
        )
    if marker != (Decimal(1), Decimal(1)):
        raise Fail(
            "After an update and a delete, the next new order was not counted "
            f"(found {show(marker)})."
        )
    found = stats(lab, who)
    if found != (Decimal(1), Decimal(10)):
        raise Fail(
            "Updating and then deleting an order changed its customer's statistics to "
            f"{show(found)} (expected orderCount=1, amountSpent=10). Count INSERT records only."
        )
    return "A MODIFY and a REMOVE left the statistics alone."


@check(
    points=2, hidden=True,
    hints=[
        "Add 0.1 and 0.2 in Python with floats and look at the result.",
        "Keep amounts as `Decimal`, from the record's string to the update. Read [working with "
        "DynamoDB from Python](lessons/dynamodb#working-with-dynamodb-from-python).",
    ],
)
def amounts_with_cents_add_up_exactly(lab):
    """Amounts with cents are added exactly"""
    require_trigger(lab)
    who, seen = customer(), error_count(lab)
    put_order(lab, who, "19.99")
    put_order(lab, who, "0.01")
    found, error = wait_for_stats(lab, who, (Decimal(2), Decimal(20)), seen)
    if found != (Decimal(2), Decimal(20)):
        raise Fail(
            f"19.99 + 0.01 should give orderCount=2, amountSpent=20; {error or show(found)}."
        )
    return "19.99 + 0.01 = 20 exactly."
