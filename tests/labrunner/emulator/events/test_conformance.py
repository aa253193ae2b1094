"""What a function receives from EventBridge, judged by AWS's own code and data: Powertools'
parser model (`EventBridgeModel`) and AWS's published sample event, field by field.

samples/eventBridgeEvent.json is a copy of aws-powertools/powertools-lambda-python
tests/events/eventBridgeEvent.json (commit fa1c29f2d497a7c233f06eb69d0f7ee1b187a9e4)."""

import json
import re
from datetime import datetime
from pathlib import Path

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from courseware.labrunner.client.clock import advance_clock

SAMPLE = json.loads((Path(__file__).parent / "samples" / "eventBridgeEvent.json").read_text())
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def like_the_sample(event: dict, *, replayed: bool = False) -> None:
    EventBridgeModel.model_validate(event)
    expected = set(SAMPLE) if replayed else set(SAMPLE) - {"replay-name"}
    assert set(event) == expected
    for key, value in SAMPLE.items():
        if key in event:
            assert type(event[key]) is type(value), key
    assert event["version"] == SAMPLE["version"] == "0"
    assert UUID.fullmatch(event["id"])
    assert re.fullmatch(r"\d{12}", event["account"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"]) and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", SAMPLE["time"]
    )
    assert all(isinstance(resource, str) for resource in event["resources"])


def test_a_custom_event_is_awss_shape(account):
    function = account.function("conform")
    rule = account.client("events").put_rule(Name="c", EventPattern='{"source": ["aws.ec2"]}')["RuleArn"]
    account.allow_events(function, rule)
    account.client("events").put_targets(Rule="c", Targets=[{"Id": "f", "Arn": function}])
    account.client("events").put_events(
        Entries=[
            {
                "Source": SAMPLE["source"],
                "DetailType": SAMPLE["detail-type"],
                "Detail": json.dumps(SAMPLE["detail"]),
                "Resources": SAMPLE["resources"],
            }
        ]
    )
    (event,) = account.events_seen("conform")
    like_the_sample(event)
    for key in ("detail-type", "source", "resources", "detail"):
        assert event[key] == SAMPLE[key]


def test_a_scheduled_event_is_awss_shape(account):
    function = account.function("conform-schedule")
    rule = account.client("events").put_rule(Name="s", ScheduleExpression="rate(5 minutes)")["RuleArn"]
    account.allow_events(function, rule)
    account.client("events").put_targets(Rule="s", Targets=[{"Id": "f", "Arn": function}])
    advance_clock(account.aws, 300)
    (event,) = account.events_seen("conform-schedule")
    like_the_sample(event)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [rule] and event["detail"] == {}


def test_a_replayed_event_carries_its_replay_name(account):
    function = account.function("conform-replay")
    events = account.client("events")
    bus = events.describe_event_bus(Name="default")["Arn"]
    events.create_archive(ArchiveName="all", EventSourceArn=bus, EventPattern='{"source": ["aws.ec2"]}')
    start = datetime.now().astimezone()
    events.put_events(Entries=[{"Source": "aws.ec2", "DetailType": "x", "Detail": json.dumps(SAMPLE["detail"])}])
    rule = events.put_rule(Name="r", EventPattern='{"source": ["aws.ec2"]}')["RuleArn"]
    account.allow_events(function, rule)
    events.put_targets(Rule="r", Targets=[{"Id": "f", "Arn": function}])
    archive = events.describe_archive(ArchiveName="all")["ArchiveArn"]
    events.start_replay(
        ReplayName="replay_archive",
        EventSourceArn=archive,
        EventStartTime=start.replace(microsecond=0),
        EventEndTime=datetime.fromtimestamp(start.timestamp() + 3600).astimezone(),
        Destination={"Arn": bus, "FilterArns": [rule]},
    )
    (event,) = account.events_seen("conform-replay")
    like_the_sample(event, replayed=True)
    assert event["replay-name"] == "replay_archive"
