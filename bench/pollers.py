#!/usr/bin/env python
"""How long a record waits for Lambda's pollers, beside a baseline from the same run.

One account, one recording function (the poller tests' own), a mapping from an SQS queue, a
DynamoDB stream and a Kinesis stream. For each source, `--count` records are written one at a
time, each waited for: the figure is the median time from the write's return to the moment the
function started handling it (the function names what it stores by its clock). The baseline is
the median of synchronous Invokes of the same (warm) function. The pollers look every 0.2 s, so
about 100 ms of wait on average is the design, not overhead.

    .venv/bin/python bench/pollers.py [--count 20]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

import django  # noqa: E402

django.setup()

from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.emulator.backend import LabBackend  # noqa: E402
from courseware.sandbox import Sandbox, SandboxLimits  # noqa: E402
from tests.labrunner.emulator.pollers.fixtures import deploy_recorder, wait_for  # noqa: E402


def sources(aws: AccountAws, function: str) -> dict:
    """A writer per source, each mapped to the function: name -> write(text)."""
    sqs, ddb, kinesis, lam = (aws.client(name) for name in ("sqs", "dynamodb", "kinesis", "lambda"))
    url = sqs.create_queue(QueueName="bench")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stream = ddb.create_table(
        TableName="bench",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    kinesis.create_stream(StreamName="bench", ShardCount=1)
    shards = kinesis.describe_stream(StreamName="bench")["StreamDescription"]["StreamARN"]
    for arn in (queue, stream, shards):
        extra = {} if arn == queue else {"StartingPosition": "LATEST"}
        lam.create_event_source_mapping(FunctionName=function, EventSourceArn=arn, BatchSize=1, **extra)
    return {
        "SQS": lambda text: sqs.send_message(QueueUrl=url, MessageBody=text),
        "DynamoDB Streams": lambda text: ddb.put_item(TableName="bench", Item={"id": {"S": text}}),
        "Kinesis": lambda text: kinesis.put_record(StreamName="bench", Data=text.encode(), PartitionKey=text),
    }


def delivery_ms(aws: AccountAws, bucket: str, write, count: int) -> float:
    s3, waits = aws.client("s3"), []
    for number in range(count):
        before = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
        write(f"r{number}-{time.time_ns()}")
        written = time.time_ns()

        def arrived(before=before):
            keys = {item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
            return sorted(keys - before)

        (key,) = wait_for(arrived, timeout=30, interval=0.01)[:1]
        waits.append((int(key.split("-")[0]) - written) / 1e6)
    return statistics.median(waits)


def invoke_ms(aws: AccountAws, function: str, count: int) -> float:
    lam, found = aws.client("lambda"), []
    for _ in range(count):
        started = time.perf_counter()
        lam.invoke(FunctionName=function, Payload=b'{"Records": [{"body": "direct"}]}')
        found.append((time.perf_counter() - started) * 1000)
    return statistics.median(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=4))).start()
    try:
        aws = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
        seen = deploy_recorder(aws)
        writers = sources(aws, seen["function"])
        baseline = invoke_ms(aws, seen["function"], args.count)
        print(f"baseline: synchronous Invoke, median of {args.count}: {baseline:.1f} ms")
        for name, write in writers.items():
            waited = delivery_ms(aws, seen["bucket"], write, args.count)
            print(f"{name}: write to handler start, median of {args.count}: {waited:.1f} ms ({waited / baseline:.2f}x)")
    finally:
        backend.stop()
        backend.sandbox.shutdown()


if __name__ == "__main__":
    main()
