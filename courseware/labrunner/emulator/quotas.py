"""Per-account quotas on what an account keeps in the emulator: resources of each kind, and bytes.

They are enforced inside moto's services (on the methods that create a resource or store data),
so they hold however the resource arrives: an SDK call from learner code, a CloudFormation stack
the platform deploys from a learner's template, or a trigger. Over a quota, the call fails with
the error the service uses for its own quotas (LimitExceededException, TooManyBuckets,
TopicLimitExceeded, CodeStorageExceededException, ...), in the shape of the service the caller
called, and the message names the lab quota.

Stored bytes (objects, queued messages, items, log events, function and layer code) are
measured exactly every `REMEASURE_S` and counted up between measurements, so a burst of writes
cannot slip past the quota and deletions free space within seconds.
"""

import inspect
import threading
import time
from collections.abc import Callable

from moto.apigateway.models import APIGatewayBackend, apigateway_backends
from moto.apigatewayv2.models import ApiGatewayV2Backend, apigatewayv2_backends
from moto.awslambda.models import LambdaBackend, LambdaFunction, lambda_backends
from moto.cloudformation.models import CloudFormationBackend, cloudformation_backends
from moto.cognitoidp.models import CognitoIdpBackend, cognitoidp_backends
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.events.models import EventsBackend, events_backends
from moto.iam.models import IAMBackend, iam_backends
from moto.kinesis.models import KinesisBackend, kinesis_backends
from moto.logs.models import LogsBackend, logs_backends
from moto.s3.models import S3Backend, s3_backends
from moto.sns.models import SNSBackend, sns_backends
from moto.sqs.models import SQSBackend, sqs_backends
from moto.stepfunctions.models import StepFunctionBackend, stepfunctions_backends
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from .errors import AwsError
from .limits import AccountLimits, size_text
from .tenancy import current_service

REMEASURE_S = 2.0
# kind -> (service whose own quota error it is, that error's code)
CODES = {
    "functions": ("lambda", "ServiceQuotaExceededException"),
    "layer versions": ("lambda", "ServiceQuotaExceededException"),
    "queues": ("sqs", "OverLimit"),
    "tables": ("dynamodb", "LimitExceededException"),
    "buckets": ("s3", "TooManyBuckets"),
    "REST APIs": ("apigateway", "LimitExceededException"),
    "HTTP APIs": ("apigateway", "BadRequestException"),
    "state machines": ("states", "StateMachineLimitExceeded"),
    "topics": ("sns", "TopicLimitExceeded"),
    "event rules": ("events", "LimitExceededException"),
    "event buses": ("events", "LimitExceededException"),
    "user pools": ("cognito-idp", "LimitExceededException"),
    "roles": ("iam", "LimitExceeded"),
    "streams": ("kinesis", "LimitExceededException"),
    "stacks": ("cloudformation", "LimitExceededException"),
    "log groups": ("logs", "LimitExceededException"),
}
STORAGE_CODES = {
    "s3": "AccountProblem",
    "lambda": "CodeStorageExceededException",
    "sqs": "OverLimit",
    "sns": "Throttled",
}


class QuotaExceeded(AwsError):
    def __init__(self, code_service: str, code: str, message: str):
        service = current_service()
        if service != code_service:  # e.g. a stack that creates a queue: CloudFormation's shape
            code = "LimitExceededException"
        super().__init__(service, code, message, 403 if code == "AccountProblem" else 400)


def _regions(backends, account_id: str):
    return list(backends[account_id].values())


# How many of each kind an account has, over all regions.
COUNTERS: dict[str, Callable[[str], int]] = {
    "functions": lambda a: sum(len(b._lambdas._functions) for b in _regions(lambda_backends, a)),
    "layer versions": lambda a: sum(
        len(layer.layer_versions) for b in _regions(lambda_backends, a) for layer in list(b._layers._layers.values())
    ),
    "queues": lambda a: sum(len(b.queues) for b in _regions(sqs_backends, a)),
    "tables": lambda a: sum(len(b.tables) for b in _regions(dynamodb_backends, a)),
    "buckets": lambda a: sum(len(b.buckets) for b in _regions(s3_backends, a)),
    "REST APIs": lambda a: sum(len(b.apis) for b in _regions(apigateway_backends, a)),
    "HTTP APIs": lambda a: sum(len(b.apis) for b in _regions(apigatewayv2_backends, a)),
    "state machines": lambda a: sum(  # the plain backend and the one that runs executions
        len(b.state_machines) for d in (stepfunctions_backends, stepfunctions_parser_backends) for b in _regions(d, a)
    ),
    "topics": lambda a: sum(len(b.topics) for b in _regions(sns_backends, a)),
    "event rules": lambda a: sum(
        len(bus.rules) for b in _regions(events_backends, a) for bus in list(b.event_buses.values())
    ),
    "event buses": lambda a: sum(len(b.event_buses) for b in _regions(events_backends, a)),
    "user pools": lambda a: sum(len(b.user_pools) for b in _regions(cognitoidp_backends, a)),
    "roles": lambda a: sum(len(b.roles) for b in _regions(iam_backends, a)),
    "streams": lambda a: sum(len(b.streams) for b in _regions(kinesis_backends, a)),
    "stacks": lambda a: sum(len(b.stacks) for b in _regions(cloudformation_backends, a)),
    "log groups": lambda a: sum(len(b.groups) for b in _regions(logs_backends, a)),
}
# (class, method, kind, the argument naming the resource if a call may return an existing one)
CREATES = [
    (LambdaBackend, "create_function", "functions", None),
    (LambdaBackend, "publish_layer_version", "layer versions", None),
    (SQSBackend, "create_queue", "queues", ("name", lambda owner: owner.queues)),
    (DynamoDBBackend, "create_table", "tables", None),
    (S3Backend, "create_bucket", "buckets", ("bucket_name", lambda owner: owner.buckets)),
    (APIGatewayBackend, "create_rest_api", "REST APIs", None),
    (APIGatewayBackend, "import_rest_api", "REST APIs", None),
    (ApiGatewayV2Backend, "create_api", "HTTP APIs", None),
    (StepFunctionBackend, "create_state_machine", "state machines", None),
    (SNSBackend, "create_topic", "topics", None),
    (EventsBackend, "put_rule", "event rules", None),
    (EventsBackend, "create_event_bus", "event buses", None),
    (CognitoIdpBackend, "create_user_pool", "user pools", None),
    (IAMBackend, "create_role", "roles", None),
    (KinesisBackend, "create_stream", "streams", None),
    (CloudFormationBackend, "create_stack", "stacks", None),
    (LogsBackend, "create_log_group", "log groups", None),
]


def _zip(key: str | None):
    def size(spec) -> int:
        code = (spec.get(key) or {}) if key else spec
        return len(code.get("ZipFile") or b"")

    return size


# (class, method, service, the argument that carries the data, its size in bytes)
WRITES = [
    (S3Backend, "put_object", "s3", "value", lambda value: len(value or b"")),
    (S3Backend, "upload_part", "s3", "value", lambda value: len(value or b"")),
    (SQSBackend, "send_message", "sqs", "message_body", lambda body: len(body or "")),
    (Table, "put_item", "dynamodb", "item_attrs", lambda item: len(repr(item))),
    (
        LogsBackend,
        "put_log_events",
        "logs",
        "log_events",
        lambda events: sum(len(event.get("message", "")) for event in events),
    ),
    (LambdaBackend, "create_function", "lambda", "spec", _zip("Code")),
    (LambdaBackend, "publish_layer_version", "lambda", "spec", _zip("Content")),
    (LambdaFunction, "update_function_code", "lambda", "updated_spec", _zip(None)),
]


def stored_bytes(account_id: str) -> int:
    """Everything the account stores, measured now."""
    total = 0
    for b in _regions(s3_backends, account_id):
        for bucket in list(b.buckets.values()):
            for versions in list(dict.values(bucket.keys)):
                total += sum(getattr(key, "size", 0) or 0 for key in list(versions))
    for b in _regions(sqs_backends, account_id):
        for queue in list(b.queues.values()):
            total += sum(len(message.body or "") for message in list(queue._messages))
    for b in _regions(dynamodb_backends, account_id):
        for table in list(b.tables.values()):
            total += sum(item.size() for item in table.all_items())
    for b in _regions(logs_backends, account_id):
        for group in list(b.groups.values()):
            for stream in list(group.streams.values()):
                total += sum(len(event.message or "") for event in list(stream.events))
    for b in _regions(lambda_backends, account_id):
        for entry in list(b._lambdas._functions.values()):
            for function in [entry["latest"], *entry["versions"]]:
                total += len(getattr(function, "code_bytes", b"") or b"")
        for layer in list(b._layers._layers.values()):
            for version in list(layer.layer_versions.values()):
                total += len(getattr(version, "code_bytes", b"") or b"")
    return total


class Quotas:
    def __init__(self, limits: AccountLimits):
        self.limits = limits
        self._usage: dict[str, tuple[float, int]] = {}  # account -> (measured at, bytes)
        self._lock = threading.Lock()

    def check_count(self, kind: str, account_id: str) -> None:
        limit = self.limits.resources.get(kind)
        if limit is None:
            return
        count = COUNTERS[kind](account_id)
        if count >= limit:
            service, code = CODES[kind]
            raise QuotaExceeded(
                service,
                code,
                f"This lab account already has {count} {kind}, the most a lab account may have. Delete one first.",
            )

    def add_bytes(self, service: str, account_id: str, size: int) -> None:
        limit = self.limits.stored_bytes
        with self._lock:
            measured_at, used = self._usage.get(account_id, (0.0, 0))
            if time.monotonic() - measured_at > REMEASURE_S:
                measured_at, used = time.monotonic(), _measure(account_id)
            if used + size > limit:
                self._usage[account_id] = (measured_at, used)
                raise QuotaExceeded(
                    service,
                    STORAGE_CODES.get(service, "LimitExceededException"),
                    f"This lab account may store {size_text(limit)} in all "
                    "(objects, messages, items, log events and code) and has "
                    f"{size_text(used)}. Delete something, or reset the lab.",
                )
            self._usage[account_id] = (measured_at, used + size)


def _measure(account_id: str) -> int:
    for _ in range(3):
        try:
            return stored_bytes(account_id)
        except RuntimeError:  # a dict changed size while we read it: read again
            continue
    return 0


_installed: list[Quotas] = []


def install(limits: AccountLimits) -> Quotas:
    """Wrap moto's create and write methods (once per process; the latest limits apply)."""
    quotas = Quotas(limits)
    _installed.append(quotas)
    for cls, name, kind, existing in CREATES:
        _wrap(cls, name, ("count", kind, existing))
    for cls, name, service, argument, size in WRITES:
        _wrap(cls, name, ("bytes", service, argument, size))
    return quotas


def uninstall(quotas: Quotas) -> None:
    if quotas in _installed:
        _installed.remove(quotas)


def _wrap(cls, name: str, guard: tuple) -> None:
    original = getattr(cls, name)
    if hasattr(original, "quota_guards"):
        if guard[:3] not in [g[:3] for g in original.quota_guards]:
            original.quota_guards.append(guard)
        return
    signature = inspect.signature(original)

    def guarded(self, *args, **kwargs):
        arguments = signature.bind_partial(self, *args, **kwargs).arguments
        for guard in guarded.quota_guards:
            if guard[0] == "count":
                _, kind, existing = guard
                if _installed and (existing is None or arguments.get(existing[0]) not in existing[1](self)):
                    _installed[-1].check_count(kind, self.account_id)
            else:
                _, service, argument, size = guard
                if _installed and argument in arguments:
                    _installed[-1].add_bytes(service, self.account_id, size(arguments[argument]))
        return original(self, *args, **kwargs)

    guarded.quota_guards = [guard]
    guarded.__wrapped__ = original
    setattr(cls, name, guarded)
