"""DynamoDB Streams -> Lambda through an event source mapping, polled as Lambda polls it."""

import json

import pytest
from botocore.exceptions import ClientError

from .fixtures import batches, deploy_recorder, drain, wait_for, wait_for_state


def make_table(aws, view: str = "NEW_AND_OLD_IMAGES") -> str:
    table = aws.client("dynamodb").create_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )
    return table["TableDescription"]["LatestStreamArn"]


def put(aws, key: str, note: str = "fine", **extra) -> None:
    item = {"id": {"S": key}, "note": {"S": note}} | {name: {"S": value} for name, value in extra.items()}
    aws.client("dynamodb").put_item(TableName="orders", Item=item)


def records_seen(aws, bucket) -> list[dict]:
    return [record for batch in batches(aws, bucket) for record in batch]


def test_records_arrive_in_order_in_batches_with_distinct_sequence_numbers(aws):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    for index in range(5):
        put(aws, f"o{index}")  # before the mapping: TRIM_HORIZON still reads them
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=stream, StartingPosition="TRIM_HORIZON", BatchSize=2
    )
    assert mapping["State"] == "Creating" and mapping["StateTransitionReason"] == "User action"
    assert mapping["LastProcessingResult"] == "No records processed" and mapping["MaximumRetryAttempts"] == -1
    assert wait_for(lambda: len(records_seen(aws, seen["bucket"])) >= 5)
    found = batches(aws, seen["bucket"])
    assert all(len(batch) <= 2 for batch in found)
    records = [record for batch in found for record in batch]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == [f"o{i}" for i in range(5)]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    first = records[0]
    assert first["eventVersion"] == "1.1" and first["awsRegion"] == "us-east-1" and first["eventSourceARN"] == stream
    assert isinstance(first["dynamodb"]["ApproximateCreationDateTime"], float)
    # A reader of the stream sees the same records: nothing was consumed by the delivery.
    streams = aws.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    got = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [int(r["dynamodb"]["SequenceNumber"]) for r in got] == numbers
    assert wait_for(
        lambda: aws.client("lambda").get_event_source_mapping(UUID=mapping["UUID"])["LastProcessingResult"] == "OK"
    )


def test_latest_skips_what_came_before_and_filters_drop_what_does_not_match(aws):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    put(aws, "before")
    pattern = '{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S": [{"prefix": "PLACE"}]}}}}'
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="LATEST",
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
    )
    wait_for_state(aws, mapping["UUID"], "Enabled")
    put(aws, "a", status="PLACED")
    put(aws, "b", status="SHIPPED")
    put(aws, "a", status="PLACED")  # a MODIFY: not an INSERT
    aws.client("dynamodb").delete_item(TableName="orders", Key={"id": {"S": "b"}})
    put(aws, "c", status="PLACED")
    assert wait_for(lambda: len(records_seen(aws, seen["bucket"])) >= 2)
    keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in records_seen(aws, seen["bucket"])]
    assert keys == ["a", "c"]


def test_a_poison_record_is_bisected_out_retried_and_sent_to_the_destination(aws):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    dead = aws.client("sqs").create_queue(QueueName="failed")["QueueUrl"]
    dead_arn = aws.client("sqs").get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
    for index, note in enumerate(["fine", "fine", "poison", "fine"]):
        put(aws, f"o{index}", note)
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="TRIM_HORIZON",
        BatchSize=4,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": dead_arn["Attributes"]["QueueArn"]}},
    )
    (failure,) = drain(aws, dead, 1)
    info = failure["DDBStreamBatchInfo"]
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert info["batchSize"] == 1 and info["streamArn"] == stream
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    # The shard moves on past the poison record.
    assert wait_for(lambda: batches(aws, seen["bucket"])[-1][0]["dynamodb"]["Keys"]["id"]["S"] == "o3")
    keys = [[r["dynamodb"]["Keys"]["id"]["S"] for r in batch] for batch in batches(aws, seen["bucket"])]
    # 4 fail; halves: [o0, o1] passes, [o2, o3] fails; halves: [o2] fails twice (1 retry), then [o3].
    assert keys == [["o0", "o1", "o2", "o3"], ["o0", "o1"], ["o2", "o3"], ["o2"], ["o2"], ["o3"]]
    assert failure["requestContext"]["approximateInvokeCount"] == 4


@pytest.mark.parametrize(
    ("settings", "code", "words"),
    [
        ({}, "InvalidParameterValueException", "Value null at 'startingPosition'"),
        ({"StartingPosition": "AT_TIMESTAMP"}, "InvalidParameterValueException", "Unsupported starting position"),
        (
            {"StartingPosition": "LATEST", "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": "INSERT"}'}]}},
            "InvalidParameterValueException",
            "Invalid filter pattern definition.",
        ),
        (
            {"StartingPosition": "LATEST", "DestinationConfig": {"OnSuccess": {"Destination": "arn:aws:sqs:x:1:q"}}},
            "InvalidParameterValueException",
            "Unsupported DestinationConfig parameter",
        ),
        (
            {"StartingPosition": "LATEST", "TumblingWindowInSeconds": 30},
            "InvalidParameterValueException",
            "not emulated",
        ),
    ],
)
def test_invalid_settings_are_refused_as_lambda_refuses_them(aws, settings, code, words):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    with pytest.raises(ClientError) as raised:
        aws.client("lambda").create_event_source_mapping(
            FunctionName=seen["function"], EventSourceArn=stream, **settings
        )
    assert raised.value.response["Error"]["Code"] == code and words in raised.value.response["Error"]["Message"]
    assert aws.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def test_a_missing_stream_and_a_second_mapping_are_refused(aws):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    lam = aws.client("lambda")
    with pytest.raises(ClientError) as raised:
        lam.create_event_source_mapping(
            FunctionName=seen["function"], EventSourceArn=stream[:-3] + "999", StartingPosition="LATEST"
        )
    assert raised.value.response["Error"]["Message"] == f"Stream not found: {stream[:-3]}999"
    first = lam.create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=stream, StartingPosition="LATEST"
    )
    with pytest.raises(ClientError) as raised:
        lam.create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=stream, StartingPosition="LATEST")
    assert raised.value.response["Error"]["Code"] == "ResourceConflictException"
    assert first["UUID"] in raised.value.response["Error"]["Message"]


def test_an_sns_destination_gets_the_invocation_record(aws):
    seen = deploy_recorder(aws)
    stream = make_table(aws)
    sqs, sns = aws.client("sqs"), aws.client("sns")
    inbox = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="stream-failures")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="TRIM_HORIZON",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": topic}},
    )
    put(aws, "bad", "poison")
    (envelope,) = drain(aws, inbox, 1)
    failure = json.loads(envelope["Message"])
    assert envelope["TopicArn"] == topic
    assert failure["requestContext"]["approximateInvokeCount"] == 1
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 1 and "payload" not in failure
