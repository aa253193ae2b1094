"""What runs schedules: one thread that fires whatever is due by each account's lab clock.

Rules with a `ScheduleExpression` and EventBridge Scheduler schedules (`.scheduler`) are due by
the lab clock (`..clock`), never by `time.time()`. The thread wakes every `TICK` real seconds (real
time passes on every clock), and a jump of an account's clock fires that account's due work in the
jumping thread, so an advance answers once it has started. A rate counts from the moment the rule
was created (the first occurrence one period later); a cron fires at its minutes, in UTC for
rules. A jump fires every occurrence it passes over, as the time passing on AWS would, with each
event's `time` its own occurrence, but at most `MAX_CATCH_UP` per schedule per jump (the latest
ones), so a year's jump on `rate(1 minute)` cannot flood an account.
"""

import logging
import threading
from datetime import datetime

from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend, events_backends

from ..clock import CLOCK
from . import bus, scheduler
from .schedules import ScheduleError, occurrences, parse

log = logging.getLogger(__name__)
TICK = 1.0
MAX_CATCH_UP = 100
_FIRING = threading.Lock()  # one firing pass at a time in the process (moto's state is per process,
# and two lab backends in one process, as in tests, each run a ticker): nothing fires twice


class Ticker:
    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lab-schedules", daemon=True)

    def start(self) -> None:
        CLOCK.subscribe(self.on_jump)
        self._thread.start()

    def stop(self) -> None:
        CLOCK.unsubscribe(self.on_jump)
        self._stop.set()

    def on_jump(self, account: str, now: datetime) -> None:
        self.fire_due(account, inline=True)

    def _loop(self) -> None:
        while not self._stop.wait(TICK):
            try:
                self.fire_due(None)
            except Exception:  # the thread must outlive one bad schedule
                log.exception("firing schedules failed")

    def fire_due(self, account: str | None, *, inline: bool = False) -> None:
        with _FIRING:
            for backend in bus.account_backends(events_backends, account):
                for rule in list(backend.event_buses["default"].rules.values()):
                    if rule.scheduled_expression and rule.state.startswith("ENABLED"):
                        _fire_rule(rule, inline=inline)
            scheduler.fire_due(account, inline=inline, cap=MAX_CATCH_UP)


def _fire_rule(rule, *, inline: bool) -> None:
    now = CLOCK.now(rule.account_id)
    anchor = getattr(rule, "lab_anchor", None) or now
    rule.lab_anchor = anchor
    try:
        schedule = parse(rule.scheduled_expression)
    except ScheduleError:
        return  # refused at PutRule; a rule from before the backend started keeps moto's reading
    last = getattr(rule, "lab_last", None) or anchor
    due = occurrences(schedule, anchor, last, now, MAX_CATCH_UP)
    if not due:
        return
    rule.lab_last = due[-1] if len(due) < MAX_CATCH_UP else now
    for moment in due:
        event = bus.envelope(
            account=rule.account_id,
            region=rule.region_name,
            source="aws.events",
            detail_type="Scheduled Event",
            detail={},
            resources=[rule.arn],
            time=bus.lab_time(moment),
        )
        bus.send_to_targets(rule, event, inline=inline)


def install() -> None:
    """PutRule reads the expression as AWS does and notes the lab time the schedule starts from."""
    original = EventsBackend.put_rule
    if getattr(original, "reads_schedules", False):
        return

    def put_rule(self, name, *args, **kwargs):
        expression = kwargs.get("scheduled_expression")
        if expression:
            try:
                parse(expression)
            except ScheduleError as error:
                raise ValidationException(str(error)) from None
        existing = self.event_buses.get(self._normalize_event_bus_arn(kwargs.get("event_bus_arn")))
        before = existing.rules.get(name) if existing else None
        rule = original(self, name, *args, **kwargs)
        unchanged = before is not None and before.scheduled_expression == rule.scheduled_expression
        rule.lab_anchor = getattr(before, "lab_anchor", None) if unchanged else CLOCK.now(self.account_id)
        rule.lab_last = getattr(before, "lab_last", None) if unchanged else None
        return rule

    put_rule.reads_schedules = True
    EventsBackend.put_rule = put_rule
