import json
import os

import boto3

sqs = boto3.client("sqs")  # created once per execution environment, reused by warm invocations
SHIPPING_QUEUE_URL = os.environ["SHIPPING_QUEUE_URL"]


def order_total(order: dict) -> float:
    """The order's total; raises ValueError when the order cannot be processed."""
    order_id = order.get("order_id")
    if not order_id:
        raise ValueError("the order has no order_id")
    items = order.get("items")
    if not items:
        raise ValueError(f"order {order_id} has no items")
    total = 0.0
    for item in items:
        qty = item.get("qty")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            raise ValueError(f"order {order_id}: quantity must be a whole number of at least 1")
        total += qty * float(item.get("price", 0))
    return round(total, 2)


def process(record: dict) -> None:
    order = json.loads(record["body"])  # a body that is not JSON raises ValueError too
    if not isinstance(order, dict):
        raise ValueError("the message body is not a JSON object")
    total = order_total(order)
    sqs.send_message(
        QueueUrl=SHIPPING_QUEUE_URL,
        MessageBody=json.dumps({"order_id": order["order_id"], "total": total}),
    )
    print(f"shipped order {order['order_id']}, total {total}")


def handler(event, context):
    records = event["Records"]
    print(f"received a batch of {len(records)} message(s)")
    failures = []
    for record in records:
        try:
            process(record)
        except Exception as error:  # report this message and carry on with the rest
            print(f"failed message {record['messageId']}: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
    # Only the listed messages return to the queue; the rest of the batch is deleted.
    return {"batchItemFailures": failures}
