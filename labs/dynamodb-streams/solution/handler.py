"""Keep CustomerStatsTable up to date from OrdersTable's stream: orders placed, amount spent."""

import os

import boto3

dynamodb = boto3.client("dynamodb")
STATS_TABLE = os.environ["STATS_TABLE"]


def handler(event, context):
    records = event.get("Records", [])
    counted = 0
    for record in records:
        print(record["eventName"], record["dynamodb"].get("Keys"))
        if record["eventName"] != "INSERT":
            continue  # an order changed or was deleted: it was already counted when placed
        image = record["dynamodb"]["NewImage"]  # DynamoDB JSON: {"S": "ada"}, {"N": "19.99"}
        dynamodb.update_item(
            TableName=STATS_TABLE,
            Key={"customer": image["customer"]},
            UpdateExpression="ADD orderCount :one, amountSpent :amount",
            # The number stays the exact decimal string DynamoDB sent: no float, no rounding.
            ExpressionAttributeValues={":one": {"N": "1"}, ":amount": image["amount"]},
        )
        counted += 1
    return {"records": len(records), "counted": counted}
