"""Sends the customer a confirmation of their order (here: records it in ConfirmationsTable).

You do not need to change this file. With ConfirmRule's input transformer, `event` is the
confirmation the transformer made; without one, it is the whole EventBridge event, and the order
is in its `detail`.
"""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    print(json.dumps(event))
    order_id = event.get("orderId") or (event.get("detail") or {}).get("orderId")
    table.put_item(Item={"orderId": str(order_id), "received": json.dumps(event)})
    return {"confirmed": order_id}
