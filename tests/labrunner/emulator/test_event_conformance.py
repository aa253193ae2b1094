"""Every S3 and SNS event the emulator emits, checked against AWS's schemas as Powertools' parser
models encode them (`S3Model`, `SnsModel`) and against AWS's published sample events
(`aws_events/`, see its README) field by field: the same fields, of the same types, with the same
constants and formats. Each event is produced through the real path and received by a function
running in the sandbox (or, for S3's SQS destination, by the queue)."""

import json
import re
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import S3Model, SnsModel

from tests.labrunner.emulator.trigger_fixtures import grant, recorded, recorder

SAMPLES = Path(__file__).parent / "aws_events"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def shape(value):
    """The fields of an event and their types, nested as the event is."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def here(url: str) -> str:
    """A sample's URL in this emulator's region (the samples come from us-east-2)."""
    return url.replace("us-east-2", "us-east-1")


def assert_s3_record_like_aws(record: dict, expected: dict) -> None:
    assert shape(record) == shape(expected)
    for field in ("eventVersion", "eventSource"):
        assert record[field] == expected[field]
    assert record["s3"]["s3SchemaVersion"] == expected["s3"]["s3SchemaVersion"]
    assert ISO_MS.match(record["eventTime"])
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    assert re.fullmatch(r"[0-9A-F]{16}", record["responseElements"]["x-amz-request-id"])
    assert len(record["responseElements"]["x-amz-id-2"]) == len(expected["responseElements"]["x-amz-id-2"])
    assert re.fullmatch(r"A[A-Z0-9]{13}", record["s3"]["bucket"]["ownerIdentity"]["principalId"])
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{record['s3']['bucket']['name']}"
    assert re.fullmatch(r"[0-9A-F]{18}", record["s3"]["object"]["sequencer"])


@pytest.fixture
def bucket(account):
    name = f"conformance-{account.account_id}"
    account.client("s3").create_bucket(Bucket=name)
    return name


def test_s3_events_to_lambda(account, bucket):
    function, queue = recorder(account, "s3-conformance")
    grant(account, "s3-conformance", "s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    account.client("s3").put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": function, "Events": ["s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete"]}
            ]
        },
    )
    account.client("s3").put_object(Bucket=bucket, Key="reports/2026/q1 summary.csv", Body=b"a,b\n")
    (created,) = recorded(account, queue)
    account.client("s3").delete_object(Bucket=bucket, Key="reports/2026/q1 summary.csv")
    (removed,) = recorded(account, queue)
    for event, name in ((created, "s3Event"), (removed, "s3EventDeleteObject")):
        S3Model.model_validate(event)
        assert_s3_record_like_aws(event["Records"][0], sample(name)["Records"][0])
    assert created["Records"][0]["s3"]["object"]["key"] == "reports/2026/q1+summary.csv"
    assert S3Model.model_validate(created).Records[0].s3.object.key == "reports/2026/q1+summary.csv"


def test_s3_events_to_sqs(account, bucket):
    queue = account.client("sqs").create_queue(QueueName="s3-events")["QueueUrl"]
    arn = account.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    account.client("s3").put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn["QueueArn"], "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    account.client("s3").put_object(Bucket=bucket, Key="a.txt", Body=b"x")
    events = [e for e in recorded(account, queue, count=2) if "Records" in e]  # after S3's test event
    (event,) = events
    S3Model.model_validate(event)
    assert_s3_record_like_aws(event["Records"][0], sample("s3Event")["Records"][0])


def test_sns_events_to_lambda(account):
    sns = account.client("sns")
    topic = sns.create_topic(Name="sns-lambda")["TopicArn"]
    function, queue = recorder(account, "sns-conformance")
    grant(account, "sns-conformance", "sns.amazonaws.com", SourceArn=topic)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)
    attributes = {
        "Test": {"DataType": "String", "StringValue": "TestString"},
        "TestBinary": {"DataType": "Binary", "BinaryValue": b"TestBinary"},
    }
    sns.publish(TopicArn=topic, Message="Hello from SNS!", Subject="TestInvoke", MessageAttributes=attributes)
    (event,) = recorded(account, queue)
    SnsModel.model_validate(event)
    expected = sample("snsEvent")["Records"][0]
    record = event["Records"][0]
    assert shape(record) == shape(expected)
    assert (record["EventSource"], record["EventVersion"]) == (expected["EventSource"], expected["EventVersion"])
    assert record["Sns"]["Type"] == expected["Sns"]["Type"]
    assert ISO_MS.match(record["Sns"]["Timestamp"])
    assert record["Sns"]["SigningCertUrl"].startswith(here(expected["Sns"]["SigningCertUrl"]))
    assert record["Sns"]["UnsubscribeUrl"].startswith(here(expected["Sns"]["UnsubscribeUrl"]))
    assert record["EventSubscriptionArn"].startswith(f"{topic}:")
