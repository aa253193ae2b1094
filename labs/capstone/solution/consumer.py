"""The queue's consumer: store each feedback, then announce it on the default event bus.

A batch holds up to ten messages: every one of them is stored, and only those that failed are
reported back, so the rest are not delivered again.
"""

import json
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
events = boto3.client("events")


def store(feedback: dict) -> None:
    # Keyed by the id the API made, so a message delivered twice writes the same item, not two.
    table.put_item(Item={**feedback, "status": "received"})
    events.put_events(
        Entries=[
            {
                "Source": "feedback.inbox",
                "DetailType": "FeedbackStored",
                "Detail": json.dumps({"id": feedback["id"], "rating": feedback["rating"]}),
            }
        ]
    )


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            store(json.loads(record["body"]))
        except Exception as error:  # one bad message must not send the whole batch back
            print(f"message {record['messageId']} failed: {error!r}")
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
