"""Express shipping: record every high-priority order that arrives on ExpressQueue."""

import json
import os
from decimal import Decimal

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    records = event.get("Records", [])
    for record in records:
        # TODO: is the SQS body really the order? Print it and look (step 3).
        order = json.loads(record["body"], parse_float=Decimal)
        table.put_item(
            Item={
                "orderId": order["orderId"],
                "customer": order["customer"],
                "total": order["total"],
                # TODO: "priority": the value of the message attribute `priority`
                "status": "EXPEDITE",
            }
        )
    print(f"recorded {len(records)} express order(s)")
    return {"recorded": len(records)}
