"""Kinesis -> Lambda through an event source mapping: per-shard order, checkpoints, destinations."""

import base64
import json
import time
from datetime import UTC, datetime

from moto.kinesis.models import kinesis_backends

from .fixtures import batches, deploy_recorder, drain, wait_for, wait_for_state


def make_stream(aws, name: str = "clicks") -> str:
    kinesis = aws.client("kinesis")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    return kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]


def put_all(aws, payloads: list, name: str = "clicks") -> None:
    aws.client("kinesis").put_records(
        StreamName=name,
        Records=[{"Data": json.dumps(p).encode(), "PartitionKey": f"k{i}"} for i, p in enumerate(payloads)],
    )


def data_of(batch: list[dict]) -> list:
    return [json.loads(base64.b64decode(record["kinesis"]["data"])) for record in batch]


def queue(aws, name: str) -> tuple[str, str]:
    url = aws.client("sqs").create_queue(QueueName=name)["QueueUrl"]
    arn = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def test_records_arrive_per_shard_in_order_in_batches(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=stream, StartingPosition="LATEST", BatchSize=3
    )
    wait_for_state(aws, mapping["UUID"], "Enabled")
    put_all(aws, [{"n": n} for n in range(7)])
    assert wait_for(lambda: sum(len(b) for b in batches(aws, seen["bucket"])) >= 7)
    found = batches(aws, seen["bucket"])
    assert all(len(batch) <= 3 for batch in found)
    assert [item["n"] for batch in found for item in data_of(batch)] == list(range(7))
    record = found[0][0]
    assert record["eventID"] == f"shardId-000000000000:{record['kinesis']['sequenceNumber']}"
    assert record["invokeIdentityArn"] == seen["role"] and record["eventSourceARN"] == stream
    assert record["eventName"] == "aws:kinesis:record" and record["kinesis"]["partitionKey"] == "k0"


def test_data_filters_match_the_json_the_data_holds(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    pattern = {"data": {"kind": ["click"], "ms": [{"numeric": [">=", 100]}]}}
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
    )
    put_all(aws, [{"kind": "click", "ms": 50}, {"kind": "view", "ms": 500}, {"kind": "click", "ms": 150}])
    assert wait_for(lambda: batches(aws, seen["bucket"]))
    put_all(aws, [{"kind": "click", "ms": 100}])
    assert wait_for(lambda: sum(len(b) for b in batches(aws, seen["bucket"])) >= 2)
    assert [item for batch in batches(aws, seen["bucket"]) for item in data_of(batch)] == [
        {"kind": "click", "ms": 150},
        {"kind": "click", "ms": 100},
    ]


def test_a_partial_failure_is_the_checkpoint_and_what_follows_goes_to_s3(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    aws.client("s3").create_bucket(Bucket="failures")
    put_all(aws, ["ok0", "ok1", "partial2", "ok3"])
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        MaximumRetryAttempts=1,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}},
    )
    s3 = aws.client("s3")
    (key,) = wait_for(lambda: [o["Key"] for o in s3.list_objects_v2(Bucket="failures").get("Contents", [])])
    assert key.startswith(f"aws/lambda/{mapping['UUID']}/shardId-000000000000/")
    failure = json.loads(s3.get_object(Bucket="failures", Key=key)["Body"].read())
    assert failure["responseContext"]["functionError"] is None
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert data_of(failure["payload"]["Records"]) == ["partial2", "ok3"]
    assert failure["KinesisBatchInfo"]["batchSize"] == 2
    # Retried from the checkpoint: the records before the reported one are not sent again.
    assert [data_of(batch) for batch in batches(aws, seen["bucket"])] == [
        ["ok0", "ok1", "partial2", "ok3"],
        ["partial2", "ok3"],
    ]


def test_records_older_than_the_maximum_age_go_to_the_destination_unprocessed(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    url, arn = queue(aws, "too-old")
    put_all(aws, ["stale", "fresh"])
    shard = next(iter(kinesis_backends[aws.account_id]["us-east-1"].streams["clicks"].shards.values()))
    first = next(iter(shard.records.values()))
    first.created_at = time.time() - 120  # this record arrived two minutes ago
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="TRIM_HORIZON",
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": arn}},
    )
    (failure,) = drain(aws, url, 1)
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded" and "responseContext" not in failure
    assert failure["KinesisBatchInfo"]["batchSize"] == 1
    assert wait_for(lambda: batches(aws, seen["bucket"]))
    assert [data_of(batch) for batch in batches(aws, seen["bucket"])] == [["fresh"]]


def test_a_disabled_mapping_holds_records_until_it_is_enabled(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    lam = aws.client("lambda")
    mapping = lam.create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=stream, StartingPosition="TRIM_HORIZON", Enabled=False
    )
    assert mapping["State"] == "Disabled"
    put_all(aws, ["held"])
    assert lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)["State"] == "Enabling"
    assert wait_for_state(aws, mapping["UUID"], "Enabled")
    assert wait_for(lambda: batches(aws, seen["bucket"]))
    assert lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=False)["State"] == "Disabling"
    assert wait_for_state(aws, mapping["UUID"], "Disabled")
    assert [data_of(batch) for batch in batches(aws, seen["bucket"])] == [["held"]]


def test_at_timestamp_starts_with_the_first_record_that_arrived_from_then(aws):
    seen = deploy_recorder(aws)
    stream = make_stream(aws)
    put_all(aws, ["before"])
    since = datetime.now(UTC)  # after "before" arrived, before "after" is written
    put_all(aws, ["after"])
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=stream,
        StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=since,
    )
    assert wait_for(lambda: batches(aws, seen["bucket"]))
    assert [data_of(batch) for batch in batches(aws, seen["bucket"])] == [["after"]]
