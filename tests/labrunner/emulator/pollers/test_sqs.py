"""SQS -> Lambda through an event source mapping: batches, the batching window, filters, refusals."""

import json

import pytest
from botocore.exceptions import ClientError

from .fixtures import batches, deploy_recorder, wait_for, wait_for_state


def make_queue(aws, name: str = "jobs", **attributes) -> tuple[str, str]:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def send(aws, url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start : start + 10])]
        aws.client("sqs").send_message_batch(QueueUrl=url, Entries=entries)


def bodies_seen(aws, bucket: str) -> list[str]:
    return [record["body"] for batch in batches(aws, bucket) for record in batch]


def depth(aws, url: str) -> int:
    attributes = aws.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_a_batching_window_gathers_more_than_ten_messages_into_one_batch(aws):
    seen = deploy_recorder(aws)
    url, arn = make_queue(aws)
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=arn, BatchSize=20, MaximumBatchingWindowInSeconds=1
    )
    assert mapping["State"] == "Creating" and mapping["StateTransitionReason"] == "USER_INITIATED"
    assert "StartingPosition" not in mapping and "LastProcessingResult" not in mapping
    wait_for_state(aws, mapping["UUID"], "Enabled")
    send(aws, url, [f"m{i}" for i in range(15)])
    assert wait_for(lambda: len(bodies_seen(aws, seen["bucket"])) >= 15)
    assert [len(batch) for batch in batches(aws, seen["bucket"])] == [15]
    assert wait_for(lambda: depth(aws, url) == 0)


def test_filters_match_json_bodies_and_what_does_not_match_is_deleted(aws):
    seen = deploy_recorder(aws)
    url, arn = make_queue(aws)
    patterns = [{"body": {"kind": ["order"], "total": [{"numeric": [">", 10]}]}}, {"body": [{"prefix": "urgent"}]}]
    aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"],
        EventSourceArn=arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(p)} for p in patterns]},
    )
    wanted = [json.dumps({"kind": "order", "total": 12}), "urgent: call"]
    unwanted = [json.dumps({"kind": "order", "total": 5}), json.dumps({"kind": "refund", "total": 50}), "later"]
    send(aws, url, [wanted[0], *unwanted, wanted[1]])
    assert wait_for(lambda: depth(aws, url) == 0), "messages no filter matches are consumed, as Lambda does"
    assert sorted(bodies_seen(aws, seen["bucket"])) == sorted(wanted)


def test_reported_failures_stay_on_the_queue_and_the_rest_are_deleted(aws):
    seen = deploy_recorder(aws)
    url, arn = make_queue(aws, VisibilityTimeout=30)
    mapping = aws.client("lambda").create_event_source_mapping(
        FunctionName=seen["function"], EventSourceArn=arn, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    wait_for_state(aws, mapping["UUID"], "Enabled")
    send(aws, url, ["one", "partial two", "three"])
    assert wait_for(lambda: len(bodies_seen(aws, seen["bucket"])) >= 3)
    assert wait_for(lambda: depth(aws, url) == 1)
    record = batches(aws, seen["bucket"])[0][0]
    assert record["md5OfMessageAttributes"] is None and record["eventSourceARN"] == arn


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"BatchSize": 11},
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
        ),
        ({"FilterCriteria": {"Filters": [{"Pattern": "not json"}]}}, "Invalid filter pattern definition."),
        (
            {"FilterCriteria": {"Filters": [{"Pattern": '{"body": {"kind": [{"nope": 1}]}}'}]}},
            "Invalid filter pattern definition.",
        ),
        (
            {"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:x"}}},
            "Unsupported DestinationConfig parameter for given event source mapping type.",
        ),
    ],
)
def test_invalid_settings_are_refused_as_lambda_refuses_them(aws, settings, message):
    seen = deploy_recorder(aws)
    _, arn = make_queue(aws)
    with pytest.raises(ClientError) as raised:
        aws.client("lambda").create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=arn, **settings)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("InvalidParameterValueException", message)
    assert aws.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def test_an_update_is_checked_whole_and_a_missing_queue_is_refused(aws):
    seen = deploy_recorder(aws)
    _, arn = make_queue(aws)
    lam = aws.client("lambda")
    mapping = lam.create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=arn)
    with pytest.raises(ClientError) as raised:
        lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=50)
    assert "Maximum batch window" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=20000, MaximumBatchingWindowInSeconds=2)
    error = raised.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "1 validation error detected: Value '20000' at 'batchSize' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000",
    )
    updated = lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=50, MaximumBatchingWindowInSeconds=2)
    assert updated["State"] == "Updating" and updated["BatchSize"] == 50
    with pytest.raises(ClientError) as raised:
        lam.create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=arn + "-gone")
    assert "The specified queue does not exist." in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        lam.create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=arn)
    assert raised.value.response["Error"]["Message"].startswith(f'An event source mapping with SQS arn (" {arn} ")')


def test_another_accounts_queue_cannot_be_mapped(aws, lab_backend):
    from courseware.labrunner.client.aws import AccountAws, new_account_id

    _, arn = make_queue(aws)
    other = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    seen = deploy_recorder(other)
    with pytest.raises(ClientError) as raised:
        other.client("lambda").create_event_source_mapping(FunctionName=seen["function"], EventSourceArn=arn)
    assert "The specified queue does not exist." in raised.value.response["Error"]["Message"]
    assert other.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []
