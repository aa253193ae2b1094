"""EventBridge's buses and rules, made AWS's where moto's differ (moto 5.2.5, pinned).

moto's `PutEvents` runs each rule's targets inline and raises NotImplementedError for a Lambda,
SNS or Step Functions target (the 500 learners met), sends to every rule whatever its state or
whether it only has a schedule, stamps `time` as a Unix number, adds a non-AWS `ingestion-time`,
and has no `TestEventPattern`. Here: events get AWS's envelope with the account's lab time;
only enabled rules with an event pattern are matched (`.patterns`); each target gets its input
(`.inputs`) and is delivered in the background with retries and a DLQ (`.delivery`); archives
keep what their rule matches, and a replay sends an archive's events (in its time window) back
to the bus's rules, with `replay-name` added, as on AWS.
"""

import json
import uuid
from datetime import UTC, datetime

from moto.core.exceptions import JsonRESTError
from moto.events import models
from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend, Replay, Rule
from moto.events.responses import EventsHandler

from ..clock import CLOCK
from . import inputs, patterns
from .delivery import Deliveries, Delivery

_original_archive = models.Archive.create_from_cloudformation_json.__func__
_deliveries: list[Deliveries] = []  # the one in charge last, as with lambda_patches
MAX_ENTRIES = 10


def install(deliveries: Deliveries) -> None:
    _deliveries.append(deliveries)
    models.EventPattern.load = classmethod(lambda cls, raw: cls(raw, patterns.parse(raw)))
    models.EventPattern.matches_event = lambda self, event: patterns.matches(self.get_pattern(), event)
    EventsBackend.put_events = put_events
    EventsBackend.test_event_pattern = test_event_pattern
    Rule.send_to_targets = lambda self, event, transform_input=True: dispatch(self, event)
    Replay.replay_events = replay_events
    EventsHandler.test_event_pattern = _test_event_pattern_response
    models.Archive.create_from_cloudformation_json = classmethod(_archive_from_template)
    models.EventBus.physical_resource_id = property(lambda self: self.name)  # what Ref gives, as on AWS
    _wrap_put_targets()


def uninstall(deliveries: Deliveries) -> None:
    if deliveries in _deliveries:
        _deliveries.remove(deliveries)


def lab_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(*, account: str, region: str, source: str, detail_type: str, detail, resources, time: str) -> dict:
    """AWS's event: the fields and their order as EventBridge sends them."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": time,
        "region": region,
        "resources": list(resources or []),
        "detail": detail,
    }


def put_events(self: EventsBackend, events: list[dict]) -> list[dict]:
    if len(events) > MAX_ENTRIES:
        raise ValidationException(
            "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy "
            "constraint: Member must have length less than or equal to 10"
        )
    answers = []
    for entry in events:
        problem = _entry_problem(entry)
        if problem:
            answers.append(problem)
            continue
        bus = self.describe_event_bus(self._normalize_event_bus_arn(_own_bus(self, entry.get("EventBusName"))))
        event = envelope(
            account=self.account_id,
            region=self.region_name,
            source=entry["Source"],
            detail_type=entry["DetailType"],
            detail=json.loads(entry["Detail"]),
            resources=entry.get("Resources"),
            time=_entry_time(entry.get("Time"), self.account_id),
        )
        answers.append({"EventId": event["id"]})
        for rule in list(bus.rules.values()):
            dispatch(rule, event)
    return answers


def _own_bus(backend: EventsBackend, name: str | None) -> str | None:
    """A bus ARN naming another account is refused (on AWS its bus policy would have to allow
    this account, which no learner can grant another); moto would use this account's namesake."""
    if name and name.startswith("arn:") and name.split(":")[4] != backend.account_id:
        raise JsonRESTError(
            "AccessDeniedException",
            f"User: arn:aws:iam::{backend.account_id}:root is not authorized to perform: events:PutEvents "
            f"on resource: {name}",
        )
    return name


def _entry_problem(entry: dict) -> dict | None:
    for key in ("Source", "DetailType", "Detail"):
        if not entry.get(key):
            return {
                "ErrorCode": "InvalidArgument",
                "ErrorMessage": f"Parameter {key} is not valid. Reason: {key} is a required argument.",
            }
    try:
        detail = json.loads(entry["Detail"])
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        return {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    return None


def _entry_time(given, account: str) -> str:
    if given in (None, ""):
        return lab_time(CLOCK.now(account))
    if isinstance(given, int | float):
        return lab_time(datetime.fromtimestamp(given, UTC))
    try:
        return lab_time(datetime.fromisoformat(str(given).replace("Z", "+00:00")))
    except ValueError:
        return lab_time(datetime.fromtimestamp(float(given), UTC))


def dispatch(rule: Rule, event: dict) -> None:
    """Send `event` to `rule`'s targets if the rule is enabled, has a pattern, and it matches."""
    if not rule.state.startswith("ENABLED") or not rule.event_pattern.get_pattern():
        return
    if not patterns.matches(rule.event_pattern.get_pattern(), event):
        return
    send_to_targets(rule, event)


def send_to_targets(rule: Rule, event: dict, *, inline: bool = False) -> None:
    archive = _archive_of(rule)
    if archive is not None:
        archive.events.append(event)
        return
    ingested = lab_time(CLOCK.now(rule.account_id))
    for target in list(rule.targets):
        payload = inputs.target_input(target, event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=ingested)
        delivery = Delivery(
            account=rule.account_id,
            region=rule.region_name,
            target=target,
            payload=payload,
            event=event,
            sent_at=CLOCK.now(rule.account_id),
            source_arn=rule.arn,
        )
        current().submit(delivery, inline=inline)


def current() -> Deliveries:
    return _deliveries[-1]


def _archive_of(rule: Rule):
    if rule.managed_by != "prod.vhs.events.aws.internal":
        return None
    backend = models.events_backends[rule.account_id][rule.region_name]
    return next((archive for archive in backend.archives.values() if archive.rule is rule), None)


def replay_events(self: Replay, archive) -> None:
    backend = models.events_backends[self.account_id][self.region]
    bus = backend.describe_event_bus(self.destination["Arn"].split("/")[-1])
    wanted = set(self.destination.get("FilterArns") or [])
    start, end = _moment(self.event_start_time), _moment(self.event_end_time)
    for event in list(archive.events):
        moment = _moment(event.get("time"))
        if moment is not None and start is not None and end is not None and not start <= moment < end:
            continue
        replayed = dict(event, id=str(uuid.uuid4()))
        replayed["replay-name"] = self.name
        for rule in list(bus.rules.values()):
            if (not wanted or rule.arn in wanted) and _archive_of(rule) is None:
                dispatch(rule, replayed)
    self.state = models.ReplayState.COMPLETED
    self.end_time = models.unix_time()


def _moment(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.fromtimestamp(float(value), UTC)


def test_event_pattern(self: EventsBackend, event_pattern: str, event: str) -> bool:
    pattern = patterns.parse(event_pattern)
    try:
        parsed = json.loads(event)
    except ValueError:
        raise ValidationException("Parameter Event is not valid.") from None
    if not isinstance(parsed, dict):
        raise ValidationException("Parameter Event is not valid.")
    # TestEventPattern's documented mandatory fields
    mandatory = ("id", "account", "source", "time", "region", "resources", "detail-type")
    missing = [key for key in mandatory if key not in parsed]
    if missing:
        raise ValidationException(f"Parameter Event is not valid. Reason: missing field(s): {', '.join(missing)}")
    return patterns.matches(pattern, parsed)


def _archive_from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    """A template's EventPattern is an object; moto's archive reads it as JSON text."""
    properties = cloudformation_json.get("Properties") or {}
    if isinstance(properties.get("EventPattern"), dict):
        properties["EventPattern"] = json.dumps(properties["EventPattern"])
    return _original_archive(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


def _test_event_pattern_response(self: EventsHandler) -> str:
    result = self.events_backend.test_event_pattern(self._get_param("EventPattern"), self._get_param("Event"))
    return json.dumps({"Result": result})


def _wrap_put_targets() -> None:
    original = EventsBackend.put_targets
    if getattr(original, "checks_inputs", False):
        return

    def put_targets(self, name, event_bus_arn, targets):
        for target in targets:
            inputs.check_target(target)
        return original(self, name, event_bus_arn, targets)

    put_targets.checks_inputs = True
    EventsBackend.put_targets = put_targets


def account_backends(backend_dict, account: str | None):
    accounts = [account] if account else [key for key in list(backend_dict.keys()) if key.isdigit()]
    for account_id in accounts:
        if account_id not in backend_dict:
            continue
        regions = backend_dict[account_id]
        for region in list(regions.keys()):
            yield regions[region]
