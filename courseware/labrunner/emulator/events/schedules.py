"""Schedule expressions, read as EventBridge and EventBridge Scheduler read them.

`rate(N unit)`: N a positive whole number, unit minute/hour/day (for rules singular for 1,
plural otherwise; Scheduler takes either). `cron(minutes hours day-of-month month day-of-week year)`, AWS's six fields: one of
day-of-month and day-of-week is `?`; `*`, `,`, `-`, `/`; `L` (last day of the month, or
`nL` the last weekday n of the month), `W` (`nW` the weekday nearest day n, `LW` the last
weekday), `#` (`n#k` the k-th weekday n); months JAN-DEC, weekdays SUN-SAT (1 = Sunday).
Scheduler adds `at(yyyy-mm-ddThh:mm:ss)`. Anything else is refused with AWS's
ValidationException text.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

RULE_INVALID = "Parameter ScheduleExpression is not valid."
_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)")
_AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {name.upper(): i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}
SEARCH_DAYS = 366 * 5  # a cron that fires less than once in five years is treated as never again


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    kind: str  # rate | cron | at
    seconds: int = 0
    fields: tuple = ()
    at: datetime | None = None
    zone: ZoneInfo = ZoneInfo("UTC")

    def next_after(self, moment: datetime, anchor: datetime) -> datetime | None:
        """The first occurrence strictly after `moment`; a rate counts from `anchor`."""
        if self.kind == "rate":
            periods = int((moment - anchor).total_seconds() // self.seconds) + 1
            return anchor + timedelta(seconds=self.seconds * max(periods, 1))
        if self.kind == "at":
            return self.at if self.at > moment else None
        return _next_cron(self.fields, moment, self.zone)


def parse(expression: str, *, zone: str = "UTC", allow_at: bool = False) -> Schedule:
    expression = (expression or "").strip()
    tz = ZoneInfo(zone)
    if found := _RATE.fullmatch(expression):
        value, unit = int(found.group(1)), found.group(2)
        # Rules insist on "1 hour" but "2 hours"; Scheduler takes either (AWS's published
        # serverless pattern eventbridge-schedule-to-sqs-sam deploys `rate(5 minute)`).
        if value < 1 or (not allow_at and (value == 1) != (not unit.endswith("s"))):
            raise ScheduleError(RULE_INVALID)
        return Schedule("rate", seconds=value * _UNIT[unit.rstrip("s")])
    if allow_at and (found := _AT.fullmatch(expression)):
        return Schedule("at", at=datetime.fromisoformat(found.group(1)).replace(tzinfo=tz).astimezone(UTC), zone=tz)
    if found := _CRON.fullmatch(expression):
        return Schedule("cron", fields=_cron_fields(found.groups()), zone=tz)
    raise ScheduleError(RULE_INVALID)


def _cron_fields(raw: tuple) -> tuple:
    minutes, hours, dom, month, dow, year = raw
    if (dom == "?") == (dow == "?"):
        raise ScheduleError(RULE_INVALID)  # exactly one of day-of-month and day-of-week is "?"
    return (
        _values(minutes, 0, 59),
        _values(hours, 0, 23),
        dom if dom == "?" else _day_of_month(dom),
        _values(month, 1, 12, _MONTHS),
        dow if dow == "?" else _day_of_week(dow),
        _values(year, 1970, 2199),
    )


def _values(text: str, low: int, high: int, names: dict | None = None) -> frozenset:
    chosen = set()
    for part in text.split(","):
        step, stepped = 1, "/" in part
        if stepped:
            part, step_text = part.split("/", 1)
            step = _number(step_text, 1, high, None)
        if part == "*":
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, low, high, names), _number(last, low, high, names)
        else:
            start = _number(part, low, high, names)
            end = high if stepped else start
        if start > end:
            raise ScheduleError(RULE_INVALID)
        chosen.update(range(start, end + 1, step))
    return frozenset(chosen)


def _number(text: str, low: int, high: int, names: dict | None) -> int:
    value = (names or {}).get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise ScheduleError(RULE_INVALID)
        value = int(text)
    if not low <= value <= high:
        raise ScheduleError(RULE_INVALID)
    return value


def _day_of_month(text: str):
    if text in ("L", "LW"):
        return text
    if re.fullmatch(r"\d{1,2}W", text):
        return ("W", _number(text[:-1], 1, 31, None))
    return _values(text, 1, 31)


def _day_of_week(text: str):
    if found := re.fullmatch(r"(\w+)#([1-5])", text):
        return ("#", _number(found.group(1), 1, 7, _DAYS), int(found.group(2)))
    if found := re.fullmatch(r"(\w+)L", text):
        return ("L", _number(found.group(1), 1, 7, _DAYS))
    if text == "L":
        return ("L", 7)  # Saturday, the week's last day
    return _values(text, 1, 7, _DAYS)


def _next_cron(fields: tuple, moment: datetime, zone: ZoneInfo) -> datetime | None:
    minutes, hours, dom, months, dow, years = fields
    local = moment.astimezone(zone)
    start = local.date()
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if day.year not in years or day.month not in months or not _day_matches(day, dom, dow):
            continue
        for hour in sorted(hours):
            for minute in sorted(minutes):
                candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
                if candidate.astimezone(UTC) > moment:
                    return candidate.astimezone(UTC)
    return None


def _day_matches(day: date, dom, dow) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    weekday = day.isoweekday() % 7 + 1  # 1 = Sunday, as cron counts
    if dom != "?":
        if dom == "L":
            return day.day == last
        if dom == "LW":
            return day == _nearest_weekday(day.replace(day=last), last)
        if isinstance(dom, tuple):
            return day == _nearest_weekday(day.replace(day=min(dom[1], last)), last)
        return day.day in dom
    if isinstance(dow, tuple) and dow[0] == "#":
        return weekday == dow[1] and (day.day - 1) // 7 + 1 == dow[2]
    if isinstance(dow, tuple):
        return weekday == dow[1] and day.day + 7 > last
    return weekday in dow


def _nearest_weekday(day: date, last: int) -> date:
    if day.weekday() == 5:  # Saturday: Friday, unless that leaves the month
        return day - timedelta(days=1) if day.day > 1 else day + timedelta(days=2)
    if day.weekday() == 6:  # Sunday: Monday, unless that leaves the month
        return day + timedelta(days=1) if day.day < last else day - timedelta(days=2)
    return day


def occurrences(schedule, anchor: datetime, after: datetime, now: datetime, cap: int) -> list[datetime]:
    """Occurrences in (after, now], the latest `cap` of them. Searched backwards from now in
    widening spans, so a year's jump over `cron(* * * * ? *)` costs a few hundred steps."""
    for span in _SPANS:
        start = after if span is None else max(after, now - span)
        found, moment = [], start
        while (moment := schedule.next_after(moment, anchor)) is not None and moment <= now:
            found.append(moment)
        if len(found) >= cap or start == after:
            return found[-cap:]
    return []


_SPANS = (timedelta(hours=2), timedelta(days=5), timedelta(days=120), None)
