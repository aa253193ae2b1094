import io
import json
import time
import zipfile
from dataclasses import dataclass

import pytest

from courseware.labrunner.client.aws import AccountAws, new_account_id

RECORDER = """
import json, os, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(event))
    if os.environ.get("FAIL"):
        raise RuntimeError("failing on purpose")
    return {"ok": True}
"""


@dataclass
class Account:
    aws: AccountAws

    @property
    def id(self) -> str:
        return self.aws.account_id

    def client(self, service: str):
        return self.aws.client(service)

    def queue(self, name: str) -> tuple[str, str]:
        url = self.client("sqs").create_queue(QueueName=name)["QueueUrl"]
        arn = self.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        return url, arn["QueueArn"]

    def function(self, name: str, code: str = RECORDER, **environment) -> str:
        """A function that sends each event it gets to the queue `<name>-seen`; its ARN."""
        url, _ = self.queue(f"{name}-seen")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("app.py", code)
        role = self.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        return self.client("lambda").create_function(
            FunctionName=name,
            Runtime="python3.11",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": archive.getvalue()},
            Timeout=15,
            Environment={"Variables": {"SEEN": url, **environment}},
        )["FunctionArn"]

    def allow_events(self, function_arn: str, rule_arn: str) -> None:
        """AddPermission for EventBridge, as a rule with a Lambda target needs on AWS."""
        parts = function_arn.split(":")
        extra = {"Qualifier": parts[7]} if len(parts) > 7 else {}
        self.client("lambda").add_permission(
            FunctionName=parts[6],
            StatementId=f"events-{rule_arn.rsplit('/', 1)[1]}",
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=rule_arn,
            **extra,
        )

    def received(self, queue_name: str, count: int = 1, *, within: float = 120) -> list[dict]:
        """Bounded poll: the first `count` messages of a queue (bodies as JSON where they are)."""
        url = self.client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"]
        got, deadline = [], time.monotonic() + within
        while len(got) < count and time.monotonic() < deadline:
            answer = self.client("sqs").receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
            )
            for message in answer.get("Messages", []):
                self.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                got.append(message)
        assert len(got) >= count, f"{queue_name}: {len(got)} of {count} messages arrived"
        return got

    def events_seen(self, function: str, count: int = 1) -> list[dict]:
        return [json.loads(message["Body"]) for message in self.received(f"{function}-seen", count)]

    def nothing_in(self, queue_name: str, *, wait: float = 2) -> bool:
        url = self.client("sqs").get_queue_url(QueueName=queue_name)["QueueUrl"]
        answer = self.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=int(wait))
        return not answer.get("Messages")


@pytest.fixture
def account(lab_backend, settings):
    from courseware.labrunner.client.aws import control_token

    return Account(
        AccountAws(
            endpoint=lab_backend.endpoint, account_id=new_account_id(), control=control_token(settings.SECRET_KEY)
        )
    )
