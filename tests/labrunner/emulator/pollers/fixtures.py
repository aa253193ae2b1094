"""A recording function for the poller tests, and waiting for what it saw.

The function (real code, in the real sandbox) writes every event it is given to an S3 bucket of
its own account before deciding what to answer, so a test reads back each batch, in order. What
it answers depends on the records: any record whose text holds "poison" fails the invocation;
records holding "partial" are reported in `batchItemFailures`.
"""

import io
import json
import time
import uuid
import zipfile

RECORDER = """
import base64, json, os, time, uuid
import boto3

s3 = boto3.client("s3")


def text(record):
    if "body" in record:
        return record["body"]
    if "kinesis" in record:
        return base64.b64decode(record["kinesis"]["data"]).decode()
    image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
    return image.get("note", {}).get("S", "")


def identifier(record):
    if "messageId" in record:
        return record["messageId"]
    if "kinesis" in record:
        return record["kinesis"]["sequenceNumber"]
    return record["dynamodb"]["SequenceNumber"]


def handler(event, context):
    key = f"{time.time_ns()}-{uuid.uuid4().hex}"
    s3.put_object(Bucket=os.environ["BUCKET"], Key=key, Body=json.dumps(event))
    texts = [text(record) for record in event["Records"]]
    if any("poison" in t for t in texts):
        raise ValueError("a poison record")
    failed = [identifier(r) for r, t in zip(event["Records"], texts) if "partial" in t]
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}
"""


def deploy_recorder(aws, name: str = "recorder") -> dict:
    """The recording function and its bucket, in `aws`'s account: {"function", "bucket", "role"}."""
    bucket = f"seen-{uuid.uuid4().hex[:12]}"
    aws.client("s3").create_bucket(Bucket=bucket)
    role = aws.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app.py", RECORDER)
    aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": archive.getvalue()},
        Timeout=30,
        MemorySize=1769,  # a whole vCPU: a loaded test machine must not time the recorder out
        Environment={"Variables": {"BUCKET": bucket}},
    )
    return {"function": name, "bucket": bucket, "role": role}


def batches(aws, bucket: str) -> list[list[dict]]:
    """Every batch the function was given, oldest first (each a list of records)."""
    s3 = aws.client("s3")
    keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    return [json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())["Records"] for key in keys]


def wait_for(condition, timeout: float = 60.0, interval: float = 0.2):
    """Poll `condition` until it returns something true, or `timeout` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    value = condition()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = condition()
    return value


def wait_for_state(aws, uuid_: str, state: str):
    return wait_for(lambda: aws.client("lambda").get_event_source_mapping(UUID=uuid_)["State"] == state, timeout=30)


def drain(aws, queue_url: str, expected: int, timeout: float = 60.0) -> list[dict]:
    """Receive (and delete) messages from a queue until `expected` came or time runs out."""
    sqs, found = aws.client("sqs"), []

    def enough():
        for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(found) >= expected

    wait_for(enough, timeout=timeout)
    return found


def stop_polling(aws) -> None:
    """Delete the account's mappings, so no poller keeps invoking its functions after a test."""
    lam = aws.client("lambda")
    for mapping in lam.list_event_source_mappings()["EventSourceMappings"]:
        lam.delete_event_source_mapping(UUID=mapping["UUID"])
