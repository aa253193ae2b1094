"""Input, InputPath and InputTransformer, with the examples of AWS's "Amazon EventBridge input
transformation" (the EC2 state-change event and its templates)."""

import json

import pytest
from moto.events.exceptions import ValidationException

from courseware.labrunner.emulator.events.inputs import check_target, target_input

EVENT = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 3},
}
PATHS = {
    "instance": "$.detail.instance-id",
    "state": "$.detail.state",
    "n": "$.detail.count",
    "first": "$.resources[0]",
}


def transform(template: str, paths=PATHS) -> str:
    target = {"Id": "t", "Arn": "arn", "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}
    check_target(target)
    return target_input(
        target, EVENT, rule_arn="arn:aws:events:r", rule_name="r", ingestion_time="2015-11-11T21:29:55Z"
    )


@pytest.mark.parametrize(
    ("template", "output"),
    [
        ('"<instance> is in state <state>"', '"i-0123456789 is in state RUNNING"'),
        ("<instance> is in state <state>", "i-0123456789 is in state RUNNING"),
        ('"<instance> is in state \\"<state>\\""', '"i-0123456789 is in state \\"RUNNING\\""'),
        (
            '{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}',
            '{"instance": "i-0123456789", "state": [9, "RUNNING", true], "Transformed": "Yes"}',
        ),
        (
            '{"myInstance": <instance>, "myStatus": "<instance> is in state \\"<state>\\""}',
            '{"myInstance": "i-0123456789", "myStatus": "i-0123456789 is in state \\"RUNNING\\""}',
        ),
        (
            '{"n": <n>, "text": "n=<n>", "arn": "<first>"}',
            '{"n": 3, "text": "n=3", "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"}',
        ),
        (
            '{"rule": "<aws.events.rule-name>", "at": "<aws.events.event.ingestion-time>"}',
            '{"rule": "r", "at": "2015-11-11T21:29:55Z"}',
        ),
    ],
)
def test_templates_quote_as_aws_does(template, output):
    assert transform(template) == output


def test_the_predefined_event_variables():
    whole = json.loads(transform('{"e": <aws.events.event.json>, "bare": <aws.events.event>}'))
    assert whole["e"] == EVENT
    assert "detail" not in whole["bare"] and whole["bare"]["id"] == EVENT["id"]


def test_a_path_that_finds_nothing_inserts_nothing():
    assert json.loads(transform('{"a": <gone>, "b": "x<gone>y"}', {"gone": "$.detail.nope"})) == {"a": None, "b": "xy"}


def test_input_and_input_path():
    args = {"rule_arn": "a", "rule_name": "r", "ingestion_time": "t"}
    assert target_input({"Input": '{"fixed": 1}'}, EVENT, **args) == '{"fixed": 1}'
    assert json.loads(target_input({"InputPath": "$.detail"}, EVENT, **args)) == EVENT["detail"]
    assert json.loads(target_input({}, EVENT, **args)) == EVENT


@pytest.mark.parametrize(
    "target",
    [
        {"Id": "t", "Input": "{}", "InputPath": "$.detail"},
        {"Id": "t", "Input": "not json"},
        {"Id": "t", "InputPath": "detail"},
        {"Id": "t", "InputTransformer": {"InputPathsMap": {"aws.x": "$.id"}, "InputTemplate": "<aws.x>"}},
        {"Id": "t", "InputTransformer": {"InputPathsMap": {"a": "$..id"}, "InputTemplate": "<a>"}},
    ],
)
def test_put_targets_refuses_bad_input(target):
    with pytest.raises(ValidationException):
        check_target(target)


def test_a_lambda_target_receives_the_transformed_input(account):
    function = account.function("transformed")
    events = account.client("events")
    rule = events.put_rule(Name="t", EventPattern='{"source": ["aws.ec2"]}')["RuleArn"]
    account.allow_events(function, rule)
    events.put_targets(
        Rule="t",
        Targets=[
            {
                "Id": "f",
                "Arn": function,
                "InputTransformer": {"InputPathsMap": PATHS, "InputTemplate": '{"who": <instance>, "n": <n>}'},
            }
        ],
    )
    events.put_events(Entries=[{"Source": "aws.ec2", "DetailType": "x", "Detail": json.dumps(EVENT["detail"])}])
    assert account.events_seen("transformed") == [{"who": "i-0123456789", "n": 3}]
