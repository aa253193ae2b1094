"""One account cannot starve the others: request rate and concurrency through its socket, request
and response sizes, resources of each kind and stored bytes, each refused as AWS refuses it."""

import json
import threading
import time

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.emulator import quotas
from courseware.labrunner.emulator.backend import LabBackend
from courseware.labrunner.emulator.limits import AccountLimits
from courseware.sandbox import Sandbox, SandboxLimits
from tests.apigw_fixtures import make_function

from .tenancy_fixtures import deploy_attacker, invoke

KIB = 1024
TIGHT = AccountLimits(
    requests_per_second=5,
    burst=10,
    connections=2,
    request_bytes=64 * KIB,
    response_bytes=256 * KIB,
    stored_bytes=512 * KIB,
    throttle_delay_s=0.01,
    resources={"queues": 3, "buckets": 2, "topics": 50},
)

# Fires `count` calls from `threads` threads with the SDK's retries off; tallies the outcomes.
BURST = """
import threading, boto3
from botocore.config import Config

def handler(event, context):
    outcomes, lock = {}, threading.Lock()
    def work():
        client = boto3.client(event["service"], config=Config(retries={"max_attempts": 0}))
        for _ in range(event["count"]):
            try:
                getattr(client, event["call"])(**event.get("args", {}))
                key = "ok"
            except Exception as error:
                response = getattr(error, "response", None)
                key = response["Error"]["Code"] + ": " + response["Error"]["Message"] if response else type(error).__name__
            with lock:
                outcomes[key] = outcomes.get(key, 0) + 1
    workers = [threading.Thread(target=work) for _ in range(event["threads"])]
    for w in workers: w.start()
    for w in workers: w.join()
    return outcomes
"""


@pytest.fixture(scope="module")
def tight(lab_backend):
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=4)), limits=TIGHT).start()
    yield backend
    backend.stop()
    backend.sandbox.shutdown()


def account(backend) -> AccountAws:
    return AccountAws(endpoint=backend.endpoint, account_id=new_account_id())


def test_a_burst_is_throttled_with_each_services_own_error(tight):
    aws = account(tight)
    deploy_attacker(aws, "burst", BURST)
    s3 = invoke(aws, "burst", {"service": "s3", "call": "list_buckets", "threads": 1, "count": 40})
    assert s3["ok"] >= 10  # the burst, then the rate
    throttled = {k: v for k, v in s3.items() if k.startswith("SlowDown: Rate exceeded")}
    assert sum(throttled.values()) >= 15 and "requests per second" in next(iter(throttled))
    time.sleep(2)  # let the bucket refill
    lam = invoke(aws, "burst", {"service": "lambda", "call": "list_functions", "threads": 1, "count": 40})
    assert any(k.startswith("TooManyRequestsException: Rate exceeded") for k in lam), lam
    time.sleep(2)
    sqs = invoke(aws, "burst", {"service": "sqs", "call": "list_queues", "threads": 1, "count": 40})
    assert any(k.startswith("RequestThrottled: Rate exceeded") for k in sqs), sqs


def test_requests_past_the_connection_limit_wait_their_turn(tight):
    """Two at a time are served; the others queue on the socket rather than fail."""
    aws = account(tight)
    deploy_attacker(aws, "burst", BURST)
    make_function(aws, "slow", "import time\ndef handler(event, context):\n    time.sleep(1)\n")
    started = time.monotonic()
    seen = invoke(
        aws,
        "burst",
        {"service": "lambda", "call": "invoke", "threads": 4, "count": 1, "args": {"FunctionName": "slow"}},
    )
    assert seen == {"ok": 4}
    assert time.monotonic() - started >= 2  # in two rounds of two


def test_bodies_over_the_limits_are_refused(tight):
    aws = account(tight)
    s3, sqs = aws.client("s3"), aws.client("sqs")
    s3.create_bucket(Bucket=f"b-{aws.account_id}")
    deploy_attacker(aws, "burst", BURST)
    big = {"Bucket": f"b-{aws.account_id}", "Key": "big", "Body": "x" * (65 * KIB)}
    seen = invoke(aws, "burst", {"service": "s3", "call": "put_object", "threads": 1, "count": 1, "args": big})
    assert list(seen) == ["EntityTooLarge: The request body is over the lab limit of 64 KiB per request."]
    queue = sqs.create_queue(QueueName="fat")["QueueUrl"]
    for _ in range(5):
        sqs.send_message(QueueUrl=queue, MessageBody="y" * (60 * KIB))
    time.sleep(1)
    receive = {"QueueUrl": queue, "MaxNumberOfMessages": 10, "VisibilityTimeout": 0}
    seen = invoke(
        aws, "burst", {"service": "sqs", "call": "receive_message", "threads": 1, "count": 1, "args": receive}
    )
    assert any(k.startswith("InternalFailure: The response") for k in seen), seen


def test_resources_of_each_kind_are_capped_however_they_are_made(tight):
    aws = account(tight)
    sqs = aws.client("sqs")
    for name in ("a", "b", "c"):
        sqs.create_queue(QueueName=name)
    sqs.create_queue(QueueName="a")  # asking again for one you have is not a new queue
    with pytest.raises(ClientError) as error:
        sqs.create_queue(QueueName="d")
    assert error.value.response["Error"]["Code"] == "OverLimit"
    assert "already has 3 queues" in error.value.response["Error"]["Message"]
    # A stack is held to the same quota: it fails on the resource over it and rolls back.
    other = account(tight)
    template = {"Resources": {f"Q{i}": {"Type": "AWS::SQS::Queue"} for i in range(4)}}
    cloudformation = other.client("cloudformation")
    cloudformation.create_stack(StackName="many", TemplateBody=json.dumps(template))
    stack = cloudformation.describe_stacks(StackName="many")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cloudformation.describe_stack_events(StackName="many")["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Q3"]
    assert "already has 3 queues" in failed[0]["ResourceStatusReason"]
    assert other.client("sqs").list_queues().get("QueueUrls", []) == []  # rolled back


def test_stored_bytes_are_capped_and_freed_by_deleting(tight, monkeypatch):
    monkeypatch.setattr(quotas, "REMEASURE_S", 0.2)
    aws = account(tight)
    s3 = aws.client("s3")
    bucket = f"store-{aws.account_id}"
    s3.create_bucket(Bucket=bucket)
    for number in range(8):
        s3.put_object(Bucket=bucket, Key=f"k{number}", Body=b"z" * (60 * KIB))
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="one-too-many", Body=b"z" * (60 * KIB))
    assert error.value.response["Error"]["Code"] == "AccountProblem"
    assert "may store 512 KiB in all" in error.value.response["Error"]["Message"]
    # Messages count too, and deleting frees the space.
    queue = aws.client("sqs").create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(ClientError):
        aws.client("sqs").send_message(QueueUrl=queue, MessageBody="m" * (60 * KIB))
    s3.delete_object(Bucket=bucket, Key="k0")
    time.sleep(0.3)
    aws.client("sqs").send_message(QueueUrl=queue, MessageBody="m" * (30 * KIB))


# Keeps `threads` threads calling S3's ListBuckets as fast as raw HTTP allows for `seconds`.
HAMMER = """
import http.client, threading, time

SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AK/20261207/us-east-1/s3/aws4_request, "
                           "SignedHeaders=host, Signature=0", "X-Amz-Date": "20261207T000000Z"}

def handler(event, context):
    outcomes, lock, stop = {}, threading.Lock(), time.monotonic() + event["seconds"]
    def work():
        while time.monotonic() < stop:
            connection = http.client.HTTPConnection("127.0.0.1", 4566, timeout=10)
            try:
                connection.request("GET", "/", headers=SIGNED)
                response = connection.getresponse()
                response.read()
                key = {200: "ok", 503: "SlowDown"}.get(response.status, str(response.status))
            except Exception:
                key = "connection"
            finally:
                connection.close()
            with lock:
                outcomes[key] = outcomes.get(key, 0) + 1
    workers = [threading.Thread(target=work) for _ in range(event["threads"])]
    for w in workers: w.start()
    for w in workers: w.join()
    return outcomes
"""


def test_one_account_hammering_is_held_to_its_limits_while_anothers_invokes_all_pass(lab_backend):
    # How much the quiet account's latency moves under the hammer is a figure, measured by
    # `bench/tenancy.py` against the idle latency of the same run; here, what must hold on any
    # machine: the loud account is throttled, the quiet one never is.
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=4))).start()
    try:
        quiet, loud = account(backend), account(backend)
        make_function(quiet, "steady", "def handler(event, context):\n    return event\n")
        deploy_attacker(loud, "hammer", HAMMER, timeout=60, memory=1769)  # a whole vCPU
        client = quiet.client("lambda")
        client.invoke(FunctionName="steady", Payload=b"{}")  # warm
        results = {}
        hammer = threading.Thread(target=lambda: results.update(invoke(loud, "hammer", {"threads": 24, "seconds": 8})))
        hammer.start()
        time.sleep(2)  # the hammer is up to speed
        answers = [
            json.loads(client.invoke(FunctionName="steady", Payload=json.dumps({"n": n}))["Payload"].read())
            for n in range(40)
        ]
        hammer.join()
        # It pushed past its limits the whole time, and was held to them: the burst, then the rate.
        assert results.get("SlowDown", 0) > 100 and results["ok"] <= 100 + 50 * 9, results
        assert answers == [{"n": n} for n in range(40)]  # every quiet invoke answered, none throttled
    finally:
        backend.stop()
        backend.sandbox.shutdown()
