"""Runs for the low ratings the EventBridge rule lets through: marks the feedback escalated."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    feedback_id = event["detail"]["id"]
    table.update_item(
        Key={"id": feedback_id},
        UpdateExpression="SET #status = :escalated",
        ConditionExpression="attribute_exists(id)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":escalated": "escalated"},
    )
    print(f"feedback {feedback_id} escalated")
