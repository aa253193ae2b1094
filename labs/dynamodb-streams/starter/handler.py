"""Keep CustomerStatsTable up to date from OrdersTable's stream: orders placed, amount spent."""

import os

import boto3

dynamodb = boto3.client("dynamodb")
STATS_TABLE = os.environ["STATS_TABLE"]


def handler(event, context):
    records = event.get("Records", [])
    for record in records:
        print(record["eventName"], record["dynamodb"].get("Keys"))
        # TODO (step 3): only new orders count. What do MODIFY and REMOVE records carry?
        image = record["dynamodb"]["NewImage"]
        customer = image["customer"]["S"]
        amount = int(image["amount"]["N"])  # TODO (step 4): amounts have cents
        dynamodb.update_item(
            TableName=STATS_TABLE,
            Key={"customer": {"S": customer}},
            UpdateExpression="ADD orderCount :one, amountSpent :amount",
            ExpressionAttributeValues={":one": {"N": "1"}, ":amount": {"N": str(amount)}},
        )
    return {"records": len(records)}
