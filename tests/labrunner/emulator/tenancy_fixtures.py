"""A victim account full of secrets, and attackers: handlers that run in the sandbox and send what
they are told to their own socket, as raw bytes or through boto3."""

import base64
import json
import re
from dataclasses import dataclass

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy.function import execution_role
from tests.apigw_fixtures import ECHO, http_api, make_function, rest_api, zipped

SECRET = "victim-secret-8d1f0c"

# Sends each request (raw bytes) to the account's socket as a TCP client in the sandbox would,
# and returns what came back.
RAW_SENDER = """
import base64, socket

def handler(event, context):
    answers = []
    for request in event["requests"]:
        connection = socket.create_connection(("127.0.0.1", 4566), timeout=10)
        connection.sendall(base64.b64decode(request))
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except socket.timeout:
            pass
        connection.close()
        answers.append(base64.b64encode(received[:8192]).decode())
    return answers
"""


@dataclass
class Victim:
    aws: AccountAws
    bucket: str
    queue_url: str
    topic_arn: str
    function_arn: str
    rest_api: str
    http_api: str

    @property
    def account_id(self) -> str:
        return self.aws.account_id

    def state(self) -> dict:
        """Everything the victim owns, as it stands."""
        c = self.aws.client
        attributes = c("sqs").get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["All"])
        return {
            "object": c("s3").get_object(Bucket=self.bucket, Key="secret.txt")["Body"].read(),
            "buckets": sorted(b["Name"] for b in c("s3").list_buckets()["Buckets"]),
            "messages": attributes["Attributes"]["ApproximateNumberOfMessages"],
            "item": c("dynamodb").get_item(TableName="victim", Key={"id": {"S": "1"}})["Item"],
            "functions": sorted(f["FunctionName"] for f in c("lambda").list_functions()["Functions"]),
            "code": c("lambda").get_function(FunctionName="victim")["Configuration"]["CodeSha256"],
            "rest": [a["id"] for a in c("apigateway").get_rest_apis()["items"]],
            "http": [a["ApiId"] for a in c("apigatewayv2").get_apis()["Items"]],
            "subscriptions": len(c("sns").list_subscriptions()["Subscriptions"]),
            "log_groups": sorted(g["logGroupName"] for g in c("logs").describe_log_groups()["logGroups"]),
        }


def make_victim(endpoint: str) -> Victim:
    aws = AccountAws(endpoint=endpoint, account_id=new_account_id())
    c = aws.client
    bucket = f"victim-{aws.account_id}"
    c("s3").create_bucket(Bucket=bucket)
    c("s3").put_object(Bucket=bucket, Key="secret.txt", Body=SECRET.encode())
    queue_url = c("sqs").create_queue(QueueName="victim")["QueueUrl"]
    c("sqs").send_message(QueueUrl=queue_url, MessageBody=SECRET)
    c("dynamodb").create_table(
        TableName="victim",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    c("dynamodb").put_item(TableName="victim", Item={"id": {"S": "1"}, "secret": {"S": SECRET}})
    topic_arn = c("sns").create_topic(Name="victim")["TopicArn"]
    function_arn = make_function(aws, "victim", ECHO)
    return Victim(
        aws=aws,
        bucket=bucket,
        queue_url=queue_url,
        topic_arn=topic_arn,
        function_arn=function_arn,
        rest_api=rest_api(aws, function_arn, [("GET", "/secret", None, None)]),
        http_api=http_api(aws, function_arn, [("GET /secret", None)]),
    )


def deploy_attacker(aws: AccountAws, name: str, source: str, timeout=120, memory=512) -> None:
    aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Handler="handler.handler",
        Timeout=timeout,
        MemorySize=memory,
        Role=execution_role(aws),
        Code={"ZipFile": zipped(source)},
    )


def invoke(aws: AccountAws, name: str, event: dict):
    response = aws.client("lambda").invoke(FunctionName=name, Payload=json.dumps(event).encode())
    payload = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, payload
    return payload


def send_raw(aws: AccountAws, requests: list[bytes]) -> list[bytes]:
    """Each raw request sent from inside the account's sandbox; the raw answers."""
    event = {"requests": [base64.b64encode(r).decode() for r in requests]}
    return [base64.b64decode(a) for a in invoke(aws, "raw-sender", event)]


def raw(method: str, target: str, headers=(), body: bytes = b"", version="HTTP/1.1") -> bytes:
    lines = [f"{method} {target} {version}", *(f"{k}: {v}" for k, v in headers)]
    if body and not any(k.lower() == "transfer-encoding" for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def signed(service: str, region: str = "us-east-1", key: str = "ASIALAMBDAEXECROLE01"):
    """Headers of a SigV4 request for `service` (moto does not check the signature itself)."""
    return [
        (
            "Authorization",
            f"AWS4-HMAC-SHA256 Credential={key}/20261207/{region}/{service}/"
            f"aws4_request, SignedHeaders=host;x-amz-date, Signature={'0' * 64}",
        ),
        ("X-Amz-Date", "20261207T000000Z"),
    ]


def statuses(answer: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", answer)]
