"""SNS -> Lambda: SNS's own envelope, filter policies on attributes and on the body, delivery only
where the function granted the topic, and a failure visible where AWS shows it."""

import base64
import json
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from courseware.labrunner.deploy import deploy
from tests.labrunner.emulator.trigger_fixtures import RECORDER, grant, recorded, recorder


def subscribed(account, name: str, attributes: dict | None = None) -> tuple[str, str, str, str]:
    """(topic ARN, subscription ARN, function ARN, queue URL) of a recorder subscribed to a topic."""
    sns = account.client("sns")
    topic = sns.create_topic(Name=f"{name}-topic")["TopicArn"]
    function, queue = recorder(account, name)
    subscription = sns.subscribe(
        TopicArn=topic, Protocol="lambda", Endpoint=function, Attributes=attributes or {}, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    return topic, subscription, function, queue


def text(value: str) -> dict:
    return {"DataType": "String", "StringValue": value}


def test_a_topic_the_function_did_not_grant_delivers_nothing(account):
    topic, _, function, queue = subscribed(account, "ungranted")
    sns = account.client("sns")
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="LambdaFailureFeedbackRoleArn", AttributeValue="arn:aws:iam::000000000000:role/x"
    )
    sns.publish(TopicArn=topic, Message="refused")
    group = f"sns/us-east-1/{account.account_id}/ungranted-topic/Failure"
    (entry,) = account.client("logs").filter_log_events(logGroupName=group)["events"]
    failure = json.loads(entry["message"])
    assert failure["status"] == "FAILURE" and failure["delivery"]["statusCode"] == 403
    assert failure["delivery"]["destination"] == function
    assert json.loads(failure["delivery"]["providerResponse"])["ErrorCode"] == "AccessDeniedException"
    grant(account, "ungranted", "sns.amazonaws.com", SourceArn=topic)
    sns.publish(TopicArn=topic, Message="granted")
    assert [e["Records"][0]["Sns"]["Message"] for e in recorded(account, queue)] == ["granted"]
    assert recorded(account, queue, deadline_s=3) == []


def test_the_function_gets_snss_envelope(account):
    topic, subscription, _, queue = subscribed(account, "orders")
    grant(account, "orders", "sns.amazonaws.com", SourceArn=topic)
    attributes = {"priority": text("high"), "count": {"DataType": "Number", "StringValue": "3"}}
    attributes["blob"] = {"DataType": "Binary", "BinaryValue": b"\x00\x01"}
    sent = account.client("sns").publish(
        TopicArn=topic, Message="order 42", Subject="New order", MessageAttributes=attributes
    )
    (event,) = recorded(account, queue)
    record = event["Records"][0]
    assert (record["EventSource"], record["EventVersion"], record["EventSubscriptionArn"]) == (
        "aws:sns",
        "1.0",
        subscription,
    )
    sns = record["Sns"]
    assert sns["TopicArn"] == topic and sns["MessageId"] == sent["MessageId"]
    assert sns["Subject"] == "New order" and sns["Message"] == "order 42" and sns["Type"] == "Notification"
    assert sns["MessageAttributes"] == {
        "priority": {"Type": "String", "Value": "high"},
        "count": {"Type": "Number", "Value": "3"},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
    }
    sent_at = datetime.fromisoformat(sns["Timestamp"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=5)  # now, not 1970
    assert sns["UnsubscribeUrl"].endswith(f"SubscriptionArn={subscription}")
    assert_signed(sns)


def assert_signed(sns: dict) -> None:
    """The Signature verifies with the certificate SNS serves at SigningCertUrl."""
    pem = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]._message_public_keys[sns["SigningCertUrl"].rsplit("/", 1)[1]]
    signed = "".join(f"{name}\n{sns[name]}\n" for name in ("Message", "MessageId", "Timestamp", "TopicArn", "Type"))
    certificate = x509.load_pem_x509_certificate(pem)
    certificate.public_key().verify(
        base64.b64decode(sns["Signature"]), signed.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_without_a_subject_the_subject_is_null(account):
    topic, _, _, queue = subscribed(account, "plain")
    grant(account, "plain", "sns.amazonaws.com", SourceArn=topic)
    account.client("sns").publish(TopicArn=topic, Message="hi")
    (event,) = recorded(account, queue)
    assert event["Records"][0]["Sns"]["Subject"] is None
    assert event["Records"][0]["Sns"]["MessageAttributes"] == {}


def test_a_filter_policy_on_attributes(account):
    policy = {"color": ["red", {"prefix": "dark-"}], "size": [{"numeric": [">", 10]}]}
    topic, _, _, queue = subscribed(account, "painted", {"FilterPolicy": json.dumps(policy)})
    grant(account, "painted", "sns.amazonaws.com", SourceArn=topic)
    sns, number = account.client("sns"), lambda n: {"DataType": "Number", "StringValue": str(n)}
    sns.publish(TopicArn=topic, Message="blue", MessageAttributes={"color": text("blue"), "size": number(20)})
    sns.publish(TopicArn=topic, Message="small", MessageAttributes={"color": text("red"), "size": number(5)})
    sns.publish(TopicArn=topic, Message="dark", MessageAttributes={"color": text("dark-red"), "size": number(11)})
    assert [e["Records"][0]["Sns"]["Message"] for e in recorded(account, queue)] == ["dark"]
    assert recorded(account, queue, deadline_s=3) == []


def test_a_filter_policy_on_the_body(account):
    policy = {"order": {"status": [{"anything-but": ["cancelled"]}]}}
    attributes = {"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody"}
    topic, _, _, queue = subscribed(account, "bodies", attributes)
    grant(account, "bodies", "sns.amazonaws.com", SourceArn=topic)
    sns = account.client("sns")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "cancelled", "id": 1}}))
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"status": "paid", "id": 2}}))
    (event,) = recorded(account, queue)
    assert json.loads(event["Records"][0]["Sns"]["Message"])["order"]["id"] == 2
    assert recorded(account, queue, deadline_s=3) == []


SAM_SNS = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SNS::Topic
  Seen:
    Type: AWS::SQS::Queue
  OnOrder:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
      Timeout: 60
      MemorySize: 1024
      Environment:
        Variables:
          RECORD_TO: !Ref Seen
      Events:
        Order:
          Type: SNS
          Properties:
            Topic: !Ref Orders
            FilterPolicy:
              priority: [high]
"""


class Spec:
    slug, deploy, handler, function = "sns-trigger", "sam", "handler.handler", "OnOrder"


def test_sam_sns_events_deploy_their_subscription_and_permission(account):
    deployment = deploy(aws=account, spec=Spec, files={"handler.py": RECORDER, "template.yaml": SAM_SNS}, config={})
    topic, queue = deployment.resources["Orders"]["id"], deployment.resources["Seen"]["id"]
    sns = account.client("sns")
    sns.publish(TopicArn=topic, Message="low", MessageAttributes={"priority": text("low")})
    sns.publish(TopicArn=topic, Message="high", MessageAttributes={"priority": text("high")})
    assert [e["Records"][0]["Sns"]["Message"] for e in recorded(account, queue)] == ["high"]
