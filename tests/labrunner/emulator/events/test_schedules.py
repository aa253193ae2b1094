"""Schedules fire on the lab clock: rules with rate()/cron() and EventBridge Scheduler."""

import json
from datetime import datetime

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.clock import advance_clock, read_clock
from courseware.labrunner.emulator.events.schedules import ScheduleError, parse


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 12 ? * MON-FRI *)", "2026-12-05T00:00:00+00:00", "2026-12-07T12:00:00+00:00"),
        ("cron(0/15 * * * ? *)", "2026-12-05T00:07:00+00:00", "2026-12-05T00:15:00+00:00"),
        ("cron(0 10 ? * 6#3 *)", "2026-12-01T00:00:00+00:00", "2026-12-18T10:00:00+00:00"),
        ("cron(0 10 L * ? *)", "2026-02-05T00:00:00+00:00", "2026-02-28T10:00:00+00:00"),
        ("cron(0 10 ? * 6L *)", "2026-02-01T00:00:00+00:00", "2026-02-27T10:00:00+00:00"),
        ("cron(0 8 1W * ? *)", "2026-08-01T09:00:00+00:00", "2026-08-03T08:00:00+00:00"),
        ("cron(0 8 15W * ? *)", "2026-08-01T00:00:00+00:00", "2026-08-14T08:00:00+00:00"),
        ("cron(30 9 ? JAN,JUL MON 2027)", "2026-12-01T00:00:00+00:00", "2027-01-04T09:30:00+00:00"),
    ],
)
def test_cron_reads_awss_six_fields(expression, after, expected):
    assert parse(expression).next_after(datetime.fromisoformat(after), None) == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(0 hours)",
        "rate(2 weeks)",
        "cron(0 12 * * * *)",
        "cron(0 12 * *)",
        "cron(61 * * * ? *)",
        "cron(0 12 ? * MON#7 *)",
        "at(2026-01-01T00:00:00)",
    ],
)
def test_expressions_aws_refuses(expression):
    with pytest.raises(ScheduleError, match="Parameter ScheduleExpression is not valid."):
        parse(expression)


def test_put_rule_refuses_a_bad_schedule_with_awss_text(account):
    with pytest.raises(ClientError, match="Parameter ScheduleExpression is not valid.") as refused:
        account.client("events").put_rule(Name="bad", ScheduleExpression="cron(0 12 * * * *)")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_a_rate_rule_fires_once_per_period_the_clock_passes(account):
    function = account.function("hourly")
    events = account.client("events")
    rule = events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")["RuleArn"]
    account.allow_events(function, rule)
    events.put_targets(Rule="hourly", Targets=[{"Id": "f", "Arn": function}])
    start = datetime.fromisoformat(read_clock(account.aws)["now"])
    advance_clock(account.aws, 3 * 3600 + 60)
    seen = sorted(account.events_seen("hourly", 3), key=lambda event: event["time"])
    assert [event["detail-type"] for event in seen] == ["Scheduled Event"] * 3
    assert all(
        event["source"] == "aws.events" and event["resources"] == [rule] and event["detail"] == {} for event in seen
    )
    times = [datetime.fromisoformat(event["time"].replace("Z", "+00:00")) for event in seen]
    assert [round((moment - start).total_seconds() / 3600) for moment in times] == [1, 2, 3]
    assert account.nothing_in("hourly-seen", wait=1)


def test_a_cron_rule_with_an_input_fires_at_its_minute(account):
    _, queue = account.queue("nightly")
    events = account.client("events")
    events.put_rule(Name="nightly", ScheduleExpression="cron(0 3 * * ? *)")
    events.put_targets(Rule="nightly", Targets=[{"Id": "q", "Arn": queue, "Input": '{"job": "report"}'}])
    advance_clock(account.aws, 86400)
    (message,) = account.received("nightly")
    assert json.loads(message["Body"]) == {"job": "report"}


def test_a_disabled_schedule_does_not_fire(account):
    _, queue = account.queue("paused")
    events = account.client("events")
    events.put_rule(Name="paused", ScheduleExpression="rate(1 minute)", State="DISABLED")
    events.put_targets(Rule="paused", Targets=[{"Id": "q", "Arn": queue}])
    advance_clock(account.aws, 600)
    assert account.nothing_in("paused", wait=1)


def test_a_long_jump_is_capped(account):
    _, queue = account.queue("flood")
    events = account.client("events")
    events.put_rule(Name="flood", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="flood", Targets=[{"Id": "q", "Arn": queue}])
    advance_clock(account.aws, 7 * 86400)
    url = account.client("sqs").get_queue_url(QueueName="flood")["QueueUrl"]
    count = account.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(count["Attributes"]["ApproximateNumberOfMessages"]) == 100  # the jump sent them before answering


def scheduler_target(arn: str, **extra) -> dict:
    return {"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/scheduler", **extra}


def test_scheduler_runs_an_at_schedule_once_and_deletes_it(account):
    function = account.function("reminder")
    moment = datetime.fromisoformat(read_clock(account.aws)["now"]).replace(tzinfo=None)
    when = moment.replace(microsecond=0).isoformat()
    scheduler = account.client("scheduler")
    scheduler.create_schedule(
        Name="remind",
        ScheduleExpression=f"at({when[:11]}23:59:59)" if moment.hour < 23 else f"at({when})",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=scheduler_target(function, Input='{"say": "hi", "arn": "<aws.scheduler.schedule-arn>"}'),
        ActionAfterCompletion="DELETE",
    )
    advance_clock(account.aws, 86400)
    (event,) = account.events_seen("reminder")
    assert event["say"] == "hi" and event["arn"].endswith(":schedule/default/remind")
    with pytest.raises(ClientError, match="ResourceNotFound"):
        scheduler.get_schedule(Name="remind")


def test_scheduler_rate_in_a_group_to_sqs(account):
    _, queue = account.queue("every-ten")
    scheduler = account.client("scheduler")
    scheduler.create_schedule_group(Name="jobs")
    scheduler.create_schedule(
        Name="ten",
        GroupName="jobs",
        ScheduleExpression="rate(10 minutes)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
        Target=scheduler_target(queue, Input='{"tick": true}'),
    )
    advance_clock(account.aws, 30 * 60 + 30)
    messages = account.received("every-ten", 3)
    assert [json.loads(message["Body"]) for message in messages] == [{"tick": True}] * 3


def test_scheduler_refuses_what_it_cannot_run(account):
    scheduler = account.client("scheduler")
    for expression, target in [
        ("rate(0 hours)", "arn:aws:sqs:us-east-1:123456789012:q"),
        ("rate(1 hour)", "arn:aws:scheduler:::aws-sdk:sqs:sendMessage"),
    ]:
        with pytest.raises(ClientError) as refused:
            scheduler.create_schedule(
                Name="x",
                ScheduleExpression=expression,
                FlexibleTimeWindow={"Mode": "OFF"},
                Target=scheduler_target(target),
            )
        assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_a_schedule_that_cannot_deliver_writes_to_its_dlq(account):
    _, dlq = account.queue("schedule-dlq")
    missing = f"arn:aws:lambda:us-east-1:{account.id}:function:gone"
    schedule = account.client("scheduler").create_schedule(
        Name="lost",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=scheduler_target(missing, Input='{"n": 1}', DeadLetterConfig={"Arn": dlq}),
    )["ScheduleArn"]
    advance_clock(account.aws, 300)
    (message,) = account.received("schedule-dlq")
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert json.loads(message["Body"]) == {"n": 1}
    assert attributes["X-Amz-Scheduler-Schedule-Arn"] == schedule and attributes["X-Amz-Scheduler-Group"] == "default"
    assert attributes["X-Amz-Scheduler-Target-Arn"] == missing and attributes["X-Amz-Scheduler-Attempt"] == "1"
    assert attributes["X-Amz-Scheduler-Error-Code"] == "NO_RESOURCE"


def test_scheduler_takes_a_unit_in_either_number(account):
    """As AWS's serverless pattern eventbridge-schedule-to-sqs-sam does: `rate(5 minute)`."""
    _, queue = account.queue("either")
    account.client("scheduler").create_schedule(
        Name="five",
        ScheduleExpression="rate(5 minute)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=scheduler_target(queue, Input="This message was sent using EventBridge Scheduler!"),
    )
    advance_clock(account.aws, 300)
    (message,) = account.received("either")
    assert message["Body"] == "This message was sent using EventBridge Scheduler!"
