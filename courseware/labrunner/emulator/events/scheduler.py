"""EventBridge Scheduler's schedules, run on the lab clock (moto 5.2.5 stores them and never fires).

`at()`, `rate()` and `cron()` in the schedule's `ScheduleExpressionTimezone`, within StartDate
and EndDate, ENABLED only; the target (Lambda, SQS, SNS, Step Functions) gets the `Input` as
given (`{}` without one), with Scheduler's context attributes (`<aws.scheduler.schedule-arn>`,
`<aws.scheduler.scheduled-time>`, `<aws.scheduler.execution-id>`,
`<aws.scheduler.attempt-number>`) filled in; RetryPolicy and DeadLetterConfig as for rules
(`.delivery`). A FlexibleTimeWindow is honoured by firing at the window's start, which is a
moment AWS may choose too. After its last occurrence a schedule with
`ActionAfterCompletion: DELETE` is deleted. Universal (`aws-sdk`) targets and others are refused
at CreateSchedule, loudly, rather than stored and never run.
"""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from moto.scheduler.exceptions import ValidationException
from moto.scheduler.models import EventBridgeSchedulerBackend, scheduler_backends

from ..clock import CLOCK
from . import bus
from .delivery import Delivery
from .schedules import ScheduleError, occurrences, parse

TARGET_SERVICES = ("lambda", "sqs", "sns", "states")


def install() -> None:
    for name in ("create_schedule", "update_schedule"):
        _wrap(name)


def _wrap(name: str) -> None:
    original = getattr(EventBridgeSchedulerBackend, name)
    if getattr(original, "reads_schedules", False):
        return

    def checked(self, *args, **kwargs):
        _check(kwargs)
        schedule = original(self, *args, **kwargs)
        schedule.lab_anchor = CLOCK.now(self.account_id)
        schedule.lab_last = None
        return schedule

    checked.reads_schedules = True
    setattr(EventBridgeSchedulerBackend, name, checked)


def _check(kwargs: dict) -> None:
    expression = kwargs.get("schedule_expression") or ""
    zone = kwargs.get("schedule_expression_timezone") or "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationException(f"Invalid time zone: {zone}.") from None
    try:
        parse(expression, zone=zone, allow_at=True)
    except ScheduleError:
        raise ValidationException(f"Invalid Schedule Expression {expression}.") from None
    arn = (kwargs.get("target") or {}).get("Arn", "")
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] not in TARGET_SERVICES:
        raise ValidationException(
            f"The lab emulator runs schedules whose target is a Lambda function, an SQS queue, an SNS topic "
            f"or a Step Functions state machine; {arn!r} (universal aws-sdk targets included) is not emulated."
        )


def fire_due(account: str | None, *, inline: bool, cap: int) -> None:
    for backend in bus.account_backends(scheduler_backends, account):
        for group in list(backend.schedule_groups.values()):
            for schedule in list(group.schedules.values()):
                if schedule.state == "ENABLED":
                    _fire(backend, group, schedule, inline=inline, cap=cap)


def _fire(backend, group, schedule, *, inline: bool, cap: int) -> None:
    now = CLOCK.now(backend.account_id)
    parsed = parse(schedule.schedule_expression, zone=schedule.schedule_expression_timezone, allow_at=True)
    anchor = _when(schedule.start_date) or getattr(schedule, "lab_anchor", None) or now
    schedule.lab_anchor = getattr(schedule, "lab_anchor", None) or anchor
    end = _when(schedule.end_date)
    last = getattr(schedule, "lab_last", None) or (anchor if parsed.kind != "at" else datetime.min.replace(tzinfo=UTC))
    until = min(now, end) if end else now
    due = occurrences(parsed, anchor, last, until, cap)
    if due:
        schedule.lab_last = due[-1]
        for moment in due:
            _send(backend, schedule, moment, inline=inline)
    finished = parsed.next_after(getattr(schedule, "lab_last", None) or last, anchor)
    if (finished is None or (end and finished > end)) and (due or parsed.kind == "at" or (end and now >= end)):
        if schedule.action_after_completion == "DELETE":
            backend.delete_schedule(group.name, schedule.name)


def _send(backend, schedule, moment: datetime, *, inline: bool) -> None:
    target = dict(schedule.target)
    execution = str(uuid.uuid4())
    payload = target.get("Input") or "{}"
    for key, value in {
        "<aws.scheduler.schedule-arn>": schedule.arn,
        "<aws.scheduler.scheduled-time>": bus.lab_time(moment),
        "<aws.scheduler.execution-id>": execution,
        "<aws.scheduler.attempt-number>": "1",
    }.items():
        payload = payload.replace(key, value)
    delivery = Delivery(
        account=backend.account_id,
        region=backend.region_name,
        target=target,
        payload=payload,
        event=payload,
        sent_at=moment,
        source_arn=schedule.arn,
        kind="schedule",
    )
    bus.current().submit(delivery, inline=inline)


def _when(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
