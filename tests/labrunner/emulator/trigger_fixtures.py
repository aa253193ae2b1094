"""A recorder function for trigger tests: it runs in the sandbox and sends the event it received to
a queue of its own account, so a test sees that the function ran and exactly what it was given."""

import json
import time

from courseware.labrunner.deploy.function import execution_role
from tests.apigw_fixtures import zipped

RECORDER = """
import json, os
import boto3

sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["RECORD_TO"], MessageBody=json.dumps(event))
    return "recorded"
"""


def recorder(aws, name: str) -> tuple[str, str]:
    """(function ARN, queue URL) of a function that records each event it receives."""
    queue_url = aws.client("sqs").create_queue(QueueName=f"{name}-events")["QueueUrl"]
    arn = aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Handler="handler.handler",
        Timeout=60,  # a cold start on a loaded machine must not time out (the event would be retried)
        MemorySize=1024,  # CPU share grows with memory: boto3's import is slow at 128 MB
        Role=execution_role(aws),
        Code={"ZipFile": zipped(RECORDER)},
        Environment={"Variables": {"RECORD_TO": queue_url}},
    )["FunctionArn"]
    return arn, queue_url


def grant(aws, function: str, principal: str, statement_id: str = "trigger", **extra) -> None:
    aws.client("lambda").add_permission(
        FunctionName=function,
        StatementId=statement_id,
        Action="lambda:InvokeFunction",
        Principal=principal,
        **extra,
    )


def recorded(aws, queue_url: str, count: int = 1, deadline_s: float = 90) -> list[dict]:
    """The first `count` events recorded (fewer if they have not all come by the deadline, which
    is generous: it is only reached when an event never comes)."""
    sqs, found = aws.client("sqs"), []
    end = time.monotonic() + deadline_s
    while len(found) < count and time.monotonic() < end:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found
