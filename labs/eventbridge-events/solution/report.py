"""Every hour, records how many big orders are waiting in ReviewQueue."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
sqs = boto3.client("sqs")


def handler(event, context):
    # A scheduled event says when it was due in `time`: use that, not the clock. Several
    # occurrences can arrive close together (a late or retried delivery), and each report must
    # keep its own hour.
    attributes = sqs.get_queue_attributes(
        QueueUrl=os.environ["REVIEW_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    report = {
        "reportTime": event["time"],
        "rule": (event.get("resources") or [""])[0],
        "waitingForReview": int(attributes["ApproximateNumberOfMessages"]),
    }
    table.put_item(Item=report)
    print(f"{report['reportTime']}: {report['waitingForReview']} orders waiting for review")
    return report
