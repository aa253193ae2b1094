"""Express shipping: record every high-priority order that arrives on ExpressQueue."""

import json
import os
from decimal import Decimal

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def unwrap(record: dict) -> tuple[dict, dict]:
    """The order and its message attributes from one SQS record, with or without the envelope."""
    body = json.loads(record["body"], parse_float=Decimal)
    if isinstance(body, dict) and body.get("Type") == "Notification" and "TopicArn" in body:
        # SNS envelope: the order is a JSON string inside, the attributes sit beside it.
        attributes = {
            name: value.get("Value") for name, value in body.get("MessageAttributes", {}).items()
        }
        return json.loads(body["Message"], parse_float=Decimal), attributes
    # RawMessageDelivery: the body is the order; SNS attributes became SQS attributes.
    attributes = {
        name: value.get("stringValue")
        for name, value in record.get("messageAttributes", {}).items()
    }
    return body, attributes


def handler(event, context):
    records = event.get("Records", [])
    for record in records:  # a batch: up to BatchSize messages per invocation
        order, attributes = unwrap(record)
        table.put_item(
            Item={
                "orderId": order["orderId"],
                "customer": order["customer"],
                "total": order["total"],
                "priority": attributes.get("priority", "unknown"),
                "status": "EXPEDITE",
            }
        )
    print(f"recorded {len(records)} express order(s)")
    return {"recorded": len(records)}
