"""Learner code reaches only its own account: not through forged headers, another account's keys,
an assumed role, an ARN that names another account, another Host, or the front door.

Each attack runs as a real handler in the sandbox of the attacker's account; afterwards the
victim's bucket object, queue message, table item, function and APIs are unchanged, and no answer
carried the victim's secret.
"""

import json

import pytest

from courseware.labrunner.client.api import call_api
from courseware.labrunner.request_panel import ApiRequestInvalid, parse_api_request

from .tenancy_fixtures import SECRET, deploy_attacker, invoke, raw, send_raw, signed, statuses

# Every way an SDK user might try to act in (or on) another account; each result is the error
# code or what came back.
SNOOP = """
import json, boto3
from botocore.config import Config

def attempt(call):
    try:
        return json.loads(json.dumps(call(), default=str))
    except Exception as error:
        return getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__

def forging(service, account, **kwargs):
    client = boto3.client(service, config=Config(retries={"max_attempts": 0}), **kwargs)
    def forge(request, **_):
        request.headers["x-moto-account-id"] = account
        request.headers["X_Moto_Account_Id"] = account
    client.meta.events.register("before-send", forge)
    return client

def handler(event, context):
    v = event
    s3, sqs, sns = forging("s3", v["account"]), forging("sqs", v["account"]), forging("sns", v["account"])
    ddb, lam = forging("dynamodb", v["account"]), forging("lambda", v["account"])
    by_key = forging("s3", v["account"], aws_access_key_id=v["account"], aws_secret_access_key="x")
    own_queue = sqs.create_queue(QueueName="mine")["QueueUrl"]
    own_arn = sqs.get_queue_attributes(QueueUrl=own_queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {
        "buckets": attempt(lambda: [b["Name"] for b in s3.list_buckets()["Buckets"]]),
        "buckets_by_key": attempt(lambda: [b["Name"] for b in by_key.list_buckets()["Buckets"]]),
        "get_object": attempt(lambda: s3.get_object(Bucket=v["bucket"], Key="secret.txt")["Body"].read().decode()),
        "copy_object": attempt(lambda: s3.copy_object(Bucket=v["bucket"], Key="x", CopySource={"Bucket": v["bucket"], "Key": "secret.txt"})),
        "put_object": attempt(lambda: s3.put_object(Bucket=v["bucket"], Key="secret.txt", Body=b"pwned")),
        "delete_bucket": attempt(lambda: s3.delete_object(Bucket=v["bucket"], Key="secret.txt")),
        "receive": attempt(lambda: sqs.receive_message(QueueUrl=v["queue_url"])),
        "queue_by_owner": attempt(lambda: sqs.get_queue_url(QueueName="victim", QueueOwnerAWSAccountId=v["account"])),
        "purge": attempt(lambda: sqs.purge_queue(QueueUrl=v["queue_url"])),
        "scan": attempt(lambda: ddb.scan(TableName="victim")),
        "scan_by_arn": attempt(lambda: ddb.scan(TableName=f"arn:aws:dynamodb:us-east-1:{v['account']}:table/victim")),
        "functions": attempt(lambda: [f["FunctionName"] for f in lam.list_functions()["Functions"]]),
        "invoke_by_arn": attempt(lambda: lam.invoke(FunctionName=v["function_arn"])["Payload"].read().decode()),
        "delete_function": attempt(lambda: lam.delete_function(FunctionName=v["function_arn"])),
        "publish": attempt(lambda: sns.publish(TopicArn=v["topic_arn"], Message="x")),
        "subscribe": attempt(lambda: sns.subscribe(TopicArn=v["topic_arn"], Protocol="sqs", Endpoint=own_arn)),
        "subscribe_victim_queue": attempt(lambda: sns.subscribe(
            TopicArn=sns.create_topic(Name="mine")["TopicArn"], Protocol="sqs",
            Endpoint=f"arn:aws:sqs:us-east-1:{v['account']}:victim")),
        "http_subscription": attempt(lambda: sns.subscribe(
            TopicArn=sns.create_topic(Name="mine")["TopicArn"], Protocol="http",
            Endpoint="http://127.0.0.1:5000/moto-api/reset")),
        "assume_role": attempt(lambda: boto3.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{v['account']}:role/lab-execution-role", RoleSessionName="snoop")),
        "caller": attempt(lambda: boto3.client("sts").get_caller_identity()["Account"]),
        "event_bus": attempt(lambda: boto3.client("events").put_events(Entries=[{
            "Source": "snoop", "DetailType": "x", "Detail": "{}",
            "EventBusName": f"arn:aws:events:us-east-1:{v['account']}:event-bus/default"}])),
        "rest_apis": attempt(lambda: [a["id"] for a in forging("apigateway", v["account"]).get_rest_apis()["items"]]),
        "not_offered": attempt(lambda: boto3.client("ses").list_identities()),
    }
"""


@pytest.fixture(scope="module")
def snoop(attacker):
    deploy_attacker(attacker, "snoop", SNOOP)
    return attacker


def test_sdk_attacks_stay_in_the_attackers_account(victim, snoop):
    before = victim.state()
    seen = invoke(
        snoop,
        "snoop",
        {
            "account": victim.account_id,
            "bucket": victim.bucket,
            "queue_url": victim.queue_url,
            "function_arn": victim.function_arn,
            "topic_arn": victim.topic_arn,
        },
    )
    assert victim.state() == before
    assert SECRET not in json.dumps(seen)
    assert victim.bucket not in seen["buckets"] and victim.bucket not in seen["buckets_by_key"]
    # A bucket of another account is found by its global name, and refused, as on AWS.
    for key in ("get_object", "copy_object", "put_object", "delete_bucket"):
        assert seen[key] == "AccessDenied", (key, seen[key])
    assert seen["receive"] == seen["purge"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert seen["queue_by_owner"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert seen["scan"] == "ResourceNotFoundException"
    assert seen["scan_by_arn"] in ("ResourceNotFoundException", "AccessDeniedException")
    assert "victim" not in seen["functions"]
    assert seen["invoke_by_arn"] in ("ResourceNotFoundException", "AccessDeniedException")
    assert seen["delete_function"] in ("ResourceNotFoundException", "AccessDeniedException")
    assert seen["publish"] == seen["subscribe"] == "AuthorizationError"
    assert seen["subscribe_victim_queue"] in ("AuthorizationError", "InvalidParameter")
    assert seen["http_subscription"] == "InvalidParameter"
    assert seen["assume_role"] == "AccessDenied"
    assert seen["caller"] == snoop.account_id
    assert victim.rest_api not in seen["rest_apis"]
    assert seen["not_offered"] == "UnrecognizedClientException"


def test_the_front_door_serves_only_the_callers_own_apis(victim, attacker, open_backend):
    host = f"{victim.http_api}.execute-api.us-east-1.amazonaws.com"
    rest_host = f"{victim.rest_api}.execute-api.us-east-1.amazonaws.com"
    account = [("x-moto-account-id", victim.account_id)]
    requests = [
        raw("GET", "/secret", [("Host", host), ("Connection", "close")]),
        raw("GET", "/secret", [("Host", host)] + account),
        raw("GET", "/prod/secret", [("Host", rest_host)] + account + signed("execute-api")),
        raw("GET", f"/restapis/{victim.rest_api}/prod/_user_request_/secret", [("Host", "x")]),
        raw("GET", f"http://{host}/secret", [("Host", "127.0.0.1:4566")]),
        raw("GET", "/secret", [("Host", "127.0.0.1:4566"), ("Host", host)]),
    ]
    before = open_backend.last_result(victim.account_id, "victim")
    for request, answer in zip(requests, send_raw(attacker, requests), strict=True):
        assert statuses(answer)[0] in (400, 403, 404), (request, answer)
        assert SECRET.encode() not in answer and b"requestContext" not in answer
    assert open_backend.last_result(victim.account_id, "victim") is before  # never invoked
    # The platform, pinned to the victim's account, reaches it: the refusals above are tenancy.
    response = call_api(victim.aws, api_id=victim.http_api, stage="$default", path="/secret")
    assert response.status == 200 and response.event["routeKey"] == "GET /secret"


@pytest.mark.parametrize(
    "header",
    [
        "Host",
        "host",
        "X-Moto-Account-Id",
        "x_moto_account_id",
        "X-Courseware-Trace",
        "x-courseware-control",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
    ],
)
def test_the_request_panel_refuses_headers_the_platform_sets(header):
    with pytest.raises(ApiRequestInvalid, match="the platform sets"):
        parse_api_request({"method": "GET", "path": "/moto-api/reset", "headers": f"{header}: 123456789012"})


def test_a_host_caller_cannot_smuggle_a_second_account_or_host(victim, open_backend):
    """Even past the panel's form, the host port refuses a second Host or account header."""
    for headers in ({"host": "motoapi.amazonaws.com"}, {"X-Moto-Account-Id": "111111111111"}):
        response = call_api(
            victim.aws, api_id=victim.http_api, stage="$default", path="/moto-api/reset", headers=headers
        )
        assert response.status == 400, response.text
    assert victim.state()["object"] == SECRET.encode()
