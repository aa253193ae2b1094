"""Delivering what EventBridge (a rule, or a Scheduler schedule) sends to a target, as AWS does.

A target gets its input through the ordinary API of its service (SQS SendMessage, SNS Publish,
Step Functions StartExecution, EventBridge PutEvents, CloudWatch Logs PutLogEvents) on the host port, pinned to the target's
account, so the fence and quotas apply; Lambda targets are invoked asynchronously through the
invoker (`..invoker`), as EventBridge invokes functions (its retries and destinations are
Lambda's from then on). A delivery that fails is retried under the target's RetryPolicy
(MaximumRetryAttempts, default 185; MaximumEventAgeInSeconds, default 86,400, measured on the
lab clock), unless the error cannot be cured by waiting (no such resource, no permission), which
AWS sends straight to the dead-letter queue. The DLQ message is the event, with AWS's attributes
RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION and RETRY_ATTEMPTS.
Retries wait `RETRY_DELAYS` real seconds, not AWS's minutes of back-off.
"""

import json
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError
from moto.awslambda.models import lambda_backends
from moto.core.exceptions import ServiceException, _RESTError

from ...client.aws import AccountAws
from .. import lambda_patches, permissions
from ..clock import CLOCK
from ..tenancy import CrossAccountDenied, acting_as

log = logging.getLogger(__name__)
RETRY_DELAYS = (0.5, 1.0, 2.0)
_NOT_FOUND = {
    "ResourceNotFoundException",
    "AWS.SimpleQueueService.NonExistentQueue",
    "QueueDoesNotExist",
    "NotFound",
    "NotFoundException",
    "StateMachineDoesNotExist",
}
_DENIED = {"AccessDenied", "AccessDeniedException", "AuthorizationError", "AuthorizationErrorException"}
_THROTTLED = {"ThrottlingException", "TooManyRequestsException", "RequestThrottled", "Throttling", "SlowDown"}


class DeliveryFailed(Exception):
    def __init__(self, code: str, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable


@dataclass
class Delivery:
    account: str
    region: str
    target: dict  # the rule's (or schedule's) target, as PutTargets stored it
    payload: str  # what the target receives
    event: dict | str  # what a dead-letter queue receives
    sent_at: datetime  # lab time, for MaximumEventAgeInSeconds
    source_arn: str = ""  # the rule's, or the schedule's
    kind: str = "rule"  # or "schedule" (EventBridge Scheduler), whose DLQ attributes differ
    attempts: int = field(default=0)


class Deliveries:
    """A pool that delivers in the background, as PutEvents answers before targets are reached."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="events-delivery")
        self._accounts: dict[str, AccountAws] = {}
        self._lock = threading.Lock()

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def aws(self, account: str) -> AccountAws:
        with self._lock:
            if account not in self._accounts:
                self._accounts[account] = AccountAws(endpoint=self.endpoint, account_id=account)
            return self._accounts[account]

    def submit(self, delivery: Delivery, *, inline: bool = False) -> None:
        """Deliver in the background; `inline`: make the first attempt in this thread (a clock
        jump answers once what fell due has started), and any retries in the background."""
        if not inline:
            self.pool.submit(self._run, delivery, None)
            return
        try:
            self.send(delivery)
        except DeliveryFailed as failure:
            self.pool.submit(self._run, delivery, failure)
        except Exception:
            log.exception("delivery to %s failed", delivery.target.get("Arn"))

    def _run(self, delivery: Delivery, failure: "DeliveryFailed | None") -> None:
        try:
            delay = self.attempt(delivery, failure)
        except Exception:  # a background thread has nobody to raise to
            log.exception("delivery to %s failed", delivery.target.get("Arn"))
            return
        if delay is not None:  # a timer, not a sleeping worker: a failing target holds no thread
            timer = threading.Timer(delay, self.pool.submit, args=(self._run, delivery, None))
            timer.daemon = True
            timer.start()

    def attempt(self, delivery: Delivery, failure: "DeliveryFailed | None" = None) -> float | None:
        """One delivery attempt (or, given `failure`, the one just made): the seconds to wait
        before the next, or None when it is over (delivered, dead-lettered or dropped)."""
        if failure is None:
            try:
                self.send(delivery)
                return None
            except DeliveryFailed as failed:
                failure = failed
        policy = delivery.target.get("RetryPolicy") or {}
        retries = int(policy.get("MaximumRetryAttempts", 185))
        max_age = int(policy.get("MaximumEventAgeInSeconds", 86400))
        age = (CLOCK.now(delivery.account) - delivery.sent_at).total_seconds()
        if not failure.retryable:
            return self.dead_letter(delivery, failure, None)
        if delivery.attempts >= retries:
            return self.dead_letter(delivery, failure, "MaximumRetryAttempts")
        if age >= max_age:
            return self.dead_letter(delivery, failure, "MaximumEventAgeInSeconds")
        delay = RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS) - 1)]
        delivery.attempts += 1
        return delay

    def send(self, delivery: Delivery) -> None:
        arn = delivery.target["Arn"]
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        owner = arn.split(":")[4] if service else ""
        if owner and owner != delivery.account:  # no learner can write another's resource policy
            raise DeliveryFailed("NO_PERMISSIONS", f"Access to {arn} is denied: it belongs to another account.")
        if service == "lambda":
            return deliver_to_lambda(delivery)
        if service not in _SENDERS:
            raise DeliveryFailed("INVALID_PARAMETER", f"Target {arn} is not a target the lab emulator delivers to.")
        try:
            _SENDERS[service](self, delivery)
        except ClientError as error:
            raise _failure(error) from error
        except BotoCoreError as error:
            raise DeliveryFailed("SDK_CLIENT_ERROR", str(error), retryable=True) from error

    def dead_letter(self, delivery: Delivery, failure: DeliveryFailed, exhausted: str | None) -> None:
        queue = (delivery.target.get("DeadLetterConfig") or {}).get("Arn")
        log.info("delivery to %s failed: %s %s", delivery.target.get("Arn"), failure.code, failure.message)
        if not queue:
            return  # dropped, as on AWS (only a metric would say so)
        attributes = _dlq_attributes(delivery, failure, exhausted)
        body = delivery.event if isinstance(delivery.event, str) else json.dumps(delivery.event)
        owner, name = queue.split(":")[4], queue.split(":")[5]
        if owner != delivery.account:
            log.warning("dead-letter queue %s is another account's: not written", queue)
            return
        sqs = self.aws(owner).client("sqs")
        try:
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            sqs.send_message(
                QueueUrl=url,
                MessageBody=body,
                MessageAttributes={
                    key: {"DataType": "String", "StringValue": value} for key, value in attributes.items() if value
                },
            )
        except ClientError as error:
            log.warning("dead-letter queue %s refused the event: %s", queue, error)


def _dlq_attributes(delivery: Delivery, failure: DeliveryFailed, exhausted: str | None) -> dict:
    if delivery.kind == "schedule":  # EventBridge Scheduler's names
        return {
            "X-Amz-Scheduler-Attempt": str(delivery.attempts + 1),
            "X-Amz-Scheduler-Error-Code": failure.code,
            "X-Amz-Scheduler-Error-Message": failure.message,
            "X-Amz-Scheduler-Group": delivery.source_arn.split("/")[-2] if "/" in delivery.source_arn else "",
            "X-Amz-Scheduler-Schedule-Arn": delivery.source_arn,
            "X-Amz-Scheduler-Target-Arn": delivery.target["Arn"],
        }
    attributes = {
        "RULE_ARN": delivery.source_arn,
        "TARGET_ARN": delivery.target["Arn"],
        "ERROR_CODE": failure.code,
        "ERROR_MESSAGE": failure.message,
        "RETRY_ATTEMPTS": str(delivery.attempts),
    }
    if exhausted:
        attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
    return attributes


def deliver_to_lambda(delivery: Delivery) -> None:
    """Every EventBridge -> Lambda delivery (rules and Scheduler schedules) goes through here:
    the function is found, then invoked asynchronously (Lambda's own queue, retries and
    destinations take over, as on AWS)."""
    arn = delivery.target["Arn"]
    owner, region = arn.split(":")[4], arn.split(":")[3]
    try:
        with acting_as(delivery.account, "lambda"):
            function = lambda_backends[owner][region].get_function(arn)
    except CrossAccountDenied as error:
        raise DeliveryFailed("NO_PERMISSIONS", f"Access to {arn} is denied: it is another account's.") from error
    except (_RESTError, ServiceException) as error:
        raise DeliveryFailed("NO_RESOURCE", f"Function not found: {arn}") from error
    # The function's resource policy must let EventBridge invoke it for this rule (SAM's events add
    # that permission; an API-made rule needs AddPermission). Scheduler acts through its execution
    # role, not the resource policy. Refused, the delivery fails as on AWS: no retries, the DLQ.
    qualifier = arn.split(":")[7] if arn.count(":") >= 7 else None
    if delivery.kind == "rule" and not permissions.may_invoke(
        function,
        principal="events.amazonaws.com",
        source_arn=delivery.source_arn,
        source_account=delivery.account,
        qualifier=qualifier,
    ):
        raise DeliveryFailed(
            "NO_PERMISSIONS", permissions.why_not(function, principal="events.amazonaws.com", qualifier=qualifier)
        )
    invoker = lambda_patches.current()
    if invoker is None:
        raise DeliveryFailed("INTERNAL_ERROR", "The lab backend is not running functions.", retryable=True)
    invoker.invoke(function, delivery.payload.encode(), {"x-amz-invocation-type": "Event"}, {})


def _failure(error: ClientError) -> DeliveryFailed:
    code = error.response.get("Error", {}).get("Code", "")
    message = error.response.get("Error", {}).get("Message") or code
    if code in _NOT_FOUND or code.endswith("NotFound") or code.endswith("NotFoundException"):
        return DeliveryFailed("NO_RESOURCE", message)
    if code in _DENIED:
        return DeliveryFailed("NO_PERMISSIONS", message)
    if code in _THROTTLED:
        return DeliveryFailed("THROTTLING", message, retryable=True)
    if code in ("InvalidParameterValue", "InvalidParameter", "InvalidExecutionInput", "ValidationException"):
        return DeliveryFailed("INVALID_PARAMETER", message)
    return DeliveryFailed("SDK_CLIENT_ERROR", message, retryable=True)


def _to_sqs(deliveries: Deliveries, delivery: Delivery) -> None:
    name = delivery.target["Arn"].split(":", 5)[5]
    sqs = deliveries.aws(delivery.account).client("sqs")
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    extra = {}
    group = (delivery.target.get("SqsParameters") or {}).get("MessageGroupId")
    if group:
        extra["MessageGroupId"] = group
    sqs.send_message(QueueUrl=url, MessageBody=delivery.payload, **extra)


def _to_sns(deliveries: Deliveries, delivery: Delivery) -> None:
    deliveries.aws(delivery.account).client("sns").publish(TopicArn=delivery.target["Arn"], Message=delivery.payload)


def _to_states(deliveries: Deliveries, delivery: Delivery) -> None:
    states = deliveries.aws(delivery.account).client("stepfunctions")
    states.start_execution(stateMachineArn=delivery.target["Arn"], input=delivery.payload)


def _to_bus(deliveries: Deliveries, delivery: Delivery) -> None:
    event = json.loads(delivery.payload)
    entry = {
        "Source": event.get("source", ""),
        "DetailType": event.get("detail-type", ""),
        "Detail": json.dumps(event.get("detail", {})),
        "Resources": event.get("resources", []),
        "EventBusName": delivery.target["Arn"],
    }
    answer = deliveries.aws(delivery.account).client("events").put_events(Entries=[entry])
    if answer.get("FailedEntryCount"):
        failed = answer["Entries"][0]
        raise DeliveryFailed("INVALID_PARAMETER", failed.get("ErrorMessage") or failed.get("ErrorCode", ""))


def _to_logs(deliveries: Deliveries, delivery: Delivery) -> None:
    """A CloudWatch Logs group: the event as one log event in a stream of its own."""
    logs = deliveries.aws(delivery.account).client("logs")
    group = delivery.target["Arn"].split(":log-group:", 1)[1].removesuffix(":*")
    stream = str(uuid.uuid4())
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    moment = int(CLOCK.now(delivery.account).timestamp() * 1000)
    logs.put_log_events(
        logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": moment, "message": delivery.payload}]
    )


_SENDERS = {"sqs": _to_sqs, "sns": _to_sns, "states": _to_states, "events": _to_bus, "logs": _to_logs}
