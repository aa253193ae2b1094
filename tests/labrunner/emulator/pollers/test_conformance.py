"""Every event the pollers hand a function is one AWS would send: it passes Powertools' parser
models (AWS's event schemas, as Powertools encodes them) and has, field by field, the keys and
kinds of value of AWS's published sample events (`aws_events/`, copied with their source)."""

import base64
import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel, KinesisDataStreamModel, SqsModel

from .fixtures import batches, deploy_recorder, stop_polling, wait_for

SAMPLES = Path(__file__).parent / "aws_events"
# Keys AWS sends that a sample record leaves out: AWS's own recorded SQS events carry
# md5OfMessageAttributes (null without attributes), and Powertools' SqsRecordModel has it; the
# DynamoDB sample's MODIFY omits the ApproximateCreationDateTime its INSERT has.
EXTRA = {"sqs": {"md5OfMessageAttributes"}, "dynamodb": {"dynamodb.ApproximateCreationDateTime"}}
NESTED = ("attributes", "dynamodb", "kinesis")  # fixed-shape parts compared key by key too


def sample(name: str) -> list[dict]:
    return json.loads((SAMPLES / name).read_text())["Records"]


def kind(value) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value) if value is None else "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def differences(ours: dict, theirs: dict, extra=frozenset(), path="") -> list[str]:
    found = []
    missing = set(theirs) - set(ours)
    added = {key for key in set(ours) - set(theirs) if f"{path}{key}" not in extra}
    found += [f"{path}{key}: missing" for key in sorted(missing)]
    found += [f"{path}{key}: not in AWS's sample" for key in sorted(added)]
    for key in set(ours) & set(theirs):
        if kind(ours[key]) != kind(theirs[key]):
            found.append(f"{path}{key}: {kind(ours[key])}, AWS sends {kind(theirs[key])}")
        elif key in NESTED and isinstance(ours[key], dict):
            found += differences(ours[key], theirs[key], extra, path=f"{path}{key}.")
    return found


@pytest.fixture(scope="module")
def emitted(lab_backend):
    """One account with a mapping from each source, fed through the real APIs; the events seen."""
    from courseware.labrunner.client.aws import AccountAws, new_account_id

    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    seen = deploy_recorder(aws)
    lam, sqs, ddb, kinesis = (aws.client(name) for name in ("lambda", "sqs", "dynamodb", "kinesis"))
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stream = ddb.create_table(
        TableName="t",
        AttributeDefinitions=[{"AttributeName": "Id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "Id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    kinesis.create_stream(StreamName="k", ShardCount=1)
    kinesis_arn = kinesis.describe_stream(StreamName="k")["StreamDescription"]["StreamARN"]
    for source in (queue_arn, stream, kinesis_arn):
        position = {} if source == queue_arn else {"StartingPosition": "TRIM_HORIZON"}
        lam.create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=source, **position)
    sqs.send_message(QueueUrl=url, MessageBody="Test message.")
    attributes = {
        "testAttr": {"DataType": "Number", "StringValue": "100"},
        "bin": {"DataType": "Binary", "BinaryValue": b"x"},
    }
    sqs.send_message(QueueUrl=url, MessageBody='{"message": "foo1"}', MessageAttributes=attributes)
    ddb.put_item(TableName="t", Item={"Id": {"N": "101"}, "Message": {"S": "New item!"}})
    ddb.put_item(TableName="t", Item={"Id": {"N": "101"}, "Message": {"S": "This item has changed"}})
    ddb.delete_item(TableName="t", Key={"Id": {"N": "101"}})
    for text in ("Hello, this is a test.", "This is only a test."):
        kinesis.put_record(StreamName="k", Data=text.encode(), PartitionKey="1")

    def by_source():
        found = {"aws:sqs": [], "aws:dynamodb": [], "aws:kinesis": []}
        for batch in batches(aws, seen["bucket"]):
            found[batch[0]["eventSource"]].append({"Records": batch})
        counts = {source: sum(len(event["Records"]) for event in events) for source, events in found.items()}
        return found if counts == {"aws:sqs": 2, "aws:dynamodb": 3, "aws:kinesis": 2} else None

    found = wait_for(by_source)
    stop_polling(aws)
    assert found, "every record reached the function"
    return found


def test_sqs_events_match_aws(emitted):
    theirs = sample("sqsEvent.json")[0]
    for event in emitted["aws:sqs"]:
        SqsModel.model_validate(event)
        for record in event["Records"]:
            assert differences(record, theirs, EXTRA["sqs"]) == []
    with_attributes = next(r for e in emitted["aws:sqs"] for r in e["Records"] if r["messageAttributes"])
    assert with_attributes["messageAttributes"]["testAttr"]["stringValue"] == "100"
    assert with_attributes["messageAttributes"]["bin"]["binaryValue"] == base64.b64encode(b"x").decode()
    assert len(with_attributes["md5OfMessageAttributes"]) == 32


def test_dynamodb_events_match_aws(emitted):
    insert, modify = sample("dynamoStreamEvent.json")
    remove = {**modify, "dynamodb": {k: v for k, v in modify["dynamodb"].items() if k != "NewImage"}}
    theirs = {"INSERT": insert, "MODIFY": modify, "REMOVE": remove}
    # The sample's INSERT omits OldImage, as a NEW_AND_OLD_IMAGES record of an insert does.
    records = [record for event in emitted["aws:dynamodb"] for record in event["Records"]]
    for event in emitted["aws:dynamodb"]:
        DynamoDBStreamModel.model_validate(event)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    for record in records:
        assert differences(record, theirs[record["eventName"]], EXTRA["dynamodb"]) == []
    assert records[1]["dynamodb"]["NewImage"]["Message"] == {"S": "This item has changed"}
    assert records[1]["dynamodb"]["OldImage"]["Message"] == {"S": "New item!"}


def test_kinesis_events_match_aws(emitted):
    theirs = sample("kinesisStreamEvent.json")[0]
    parsed = [KinesisDataStreamModel.model_validate(event) for event in emitted["aws:kinesis"]]
    data = [record.kinesis.data for event in parsed for record in event.Records]
    assert data == [b"Hello, this is a test.", b"This is only a test."]
    for event in emitted["aws:kinesis"]:
        KinesisDataStreamModel.model_validate(event)
        for record in event["Records"]:
            assert differences(record, theirs) == []
