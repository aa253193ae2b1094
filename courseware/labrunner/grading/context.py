"""What a lab's checks are given: the learner's account, and helpers to drive and inspect it."""

import json
import time
from dataclasses import fields

from botocore.exceptions import ClientError

from ..client import callers
from ..client.api import ApiResponse, call_api
from ..client.aws import AccountAws
from ..client.clock import ClockUnavailable, advance_clock
from ..client.invocation import Invocation, from_response, throttled
from .checks import FUNCTION_FAILED, Fail, FunctionFailure, function_failure


def as_text(body) -> str:
    return body if isinstance(body, str) else json.dumps(body)


def string_attributes(attributes: dict) -> dict:
    """keyword=value pairs as SQS/SNS String message attributes."""
    return {key: {"DataType": "String", "StringValue": str(value)} for key, value in attributes.items()}


class WatchedInvocation(Invocation):
    """An Invocation that notes whether the check read its status or error (see checks.py)."""

    inspected = False

    def __getattribute__(self, name):
        if name in ("status", "error"):
            object.__setattr__(self, "inspected", True)
        return object.__getattribute__(self, name)


class LabContext:
    """Passed to every check as `lab`. Clients are bound to the learner's account only."""

    def __init__(self, *, aws: AccountAws, resources: dict[str, dict], function_name: str, events: dict[str, str]):
        self.aws = aws
        self.account_id = aws.account_id
        self.resources = resources  # logical id -> {"type", "id"}
        self.function_name = function_name  # the lab's main function
        self._events = events
        self.function_failures: list[FunctionFailure] = []  # during the current check (checks.run_checks)

    def _watch(self, invocation: Invocation) -> WatchedInvocation:
        watched = WatchedInvocation(**{item.name: getattr(invocation, item.name) for item in fields(Invocation)})
        if invocation.status in FUNCTION_FAILED:
            self.function_failures.append(function_failure(invocation.status, invocation.error, source=watched))
        return watched

    def client(self, service: str):
        return self.aws.client(service)

    def event(self, name: str) -> dict:
        """A saved test event from the lab's events/ folder."""
        return json.loads(self._events[name])

    def resource(self, logical_id: str) -> str:
        """The physical id (name, URL or ARN) of a resource in the learner's template."""
        try:
            return self.resources[logical_id]["id"]
        except KeyError:
            raise Fail(f"Your template has no resource named {logical_id}.") from None

    def invoke(self, event=None, *, function: str | None = None) -> Invocation:
        """Invoke synchronously (RequestResponse) with the log tail, as the console does."""
        try:
            response = self.client("lambda").invoke(
                FunctionName=function or self.function_name,
                Payload=json.dumps({} if event is None else event).encode(),
                LogType="Tail",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TooManyRequestsException":
                return self._watch(throttled())
            raise
        return self._watch(from_response(response))

    def invoke_async(self, event=None, *, function: str | None = None) -> int:
        response = self.client("lambda").invoke(
            FunctionName=function or self.function_name,
            InvocationType="Event",
            Payload=json.dumps({} if event is None else event).encode(),
        )
        return response["StatusCode"]

    def configuration(self, function: str | None = None) -> dict:
        return self.client("lambda").get_function_configuration(FunctionName=function or self.function_name)

    def queue_url(self, logical_id: str) -> str:
        return self.resource(logical_id)

    def send_message(self, logical_id: str, body, **attributes) -> str:
        """Send to a queue in the template; `attributes` become String message attributes."""
        return self.client("sqs").send_message(
            QueueUrl=self.queue_url(logical_id),
            MessageBody=as_text(body),
            MessageAttributes=string_attributes(attributes),
        )["MessageId"]

    def publish(self, logical_id: str, message, **attributes) -> str:
        return self.client("sns").publish(
            TopicArn=self.resource(logical_id),
            Message=as_text(message),
            MessageAttributes=string_attributes(attributes),
        )["MessageId"]

    def queue_messages(self, logical_id: str, *, wait: float = 0.0) -> list[dict]:
        """Read (and delete) what is waiting in a queue, waiting up to `wait` s for the first."""
        sqs, url = self.client("sqs"), self.queue_url(logical_id)
        deadline, found = time.monotonic() + wait, []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
                "Messages", []
            )
            for message in batch:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            found.extend(batch)
            if (found and not batch) or time.monotonic() >= deadline:
                return found
            if not batch:
                time.sleep(0.2)

    def queue_depth(self, logical_id: str) -> int:
        attributes = self.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url(logical_id),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def logs(self, function: str | None = None) -> str:
        """Everything the function has logged to CloudWatch Logs, oldest first."""
        group = f"/aws/lambda/{function or self.function_name}"
        try:
            events = self.client("logs").filter_log_events(logGroupName=group)["events"]
        except ClientError:
            return ""
        return "\n".join(event["message"] for event in sorted(events, key=lambda e: e["timestamp"]))

    def advance_clock(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0, days: float = 0) -> str:
        """Move the account's lab clock forward (schedules and Wait states due by then start);
        the new lab time, ISO 8601."""
        total = seconds + 60 * minutes + 3600 * hours + 86400 * days
        try:
            return advance_clock(self.aws, total)["now"]
        except ClockUnavailable as error:
            raise Fail(str(error)) from None

    def wait_until(self, condition, *, timeout: float = 10.0, interval: float = 0.25):
        """Poll `condition()` until it returns something truthy; return that, or None."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value or time.monotonic() >= deadline:
                return value
            time.sleep(interval)

    # -- Step Functions ------------------------------------------------------------------------
    def start_execution(self, machine: str, payload=None) -> str:
        """Start the template's state machine `machine` (logical id) on `payload`; the execution ARN."""
        started = self.client("stepfunctions").start_execution(
            stateMachineArn=self.resource(machine), input=json.dumps({} if payload is None else payload)
        )
        return started["executionArn"]

    def execution(self, execution_arn: str, *, timeout: float = 30.0) -> dict:
        """Wait (up to `timeout` s) for an execution to end: DescribeExecution's answer with
        `output` parsed and `events`, the history's event types. Still running: a failed check."""
        sfn = self.client("stepfunctions")
        described = self.wait_until(
            lambda: (d := sfn.describe_execution(executionArn=execution_arn))["status"] != "RUNNING" and d,
            timeout=timeout,
        )
        if not described:
            raise Fail(
                f"The execution is still running after {timeout:g} s: is it waiting for a Wait state or a task token?"
            )
        paginator = sfn.get_paginator("get_execution_history")
        described["events"] = [
            e["type"] for page in paginator.paginate(executionArn=execution_arn) for e in page["events"]
        ]
        described["output"] = json.loads(described["output"]) if "output" in described else None
        return described

    def reached(self, execution_arn: str, event_type: str = "WaitStateEntered", *, timeout: float = 10.0) -> bool:
        """Whether the execution's history shows `event_type` within `timeout` s: start a
        machine, wait until it `reached` its Wait, then advance the clock past it."""
        sfn = self.client("stepfunctions")

        def seen():
            events = sfn.get_execution_history(executionArn=execution_arn, reverseOrder=True)["events"]
            return any(event["type"] == event_type for event in events)

        return bool(self.wait_until(seen, timeout=timeout))

    def run_state_machine(self, machine: str, payload=None, *, timeout: float = 30.0) -> dict:
        """Run `machine` to its end: StartSyncExecution for an Express machine (no history, as on
        AWS), else start it and wait. Returns status, output (parsed), error, cause (and events)."""
        sfn = self.client("stepfunctions")
        arn = self.resource(machine)
        if sfn.describe_state_machine(stateMachineArn=arn)["type"] == "EXPRESS":
            answer = sfn.start_sync_execution(stateMachineArn=arn, input=json.dumps({} if payload is None else payload))
            answer["output"] = json.loads(answer["output"]) if "output" in answer else None
            return answer
        return self.execution(self.start_execution(machine, payload), timeout=timeout)

    # -- API Gateway ---------------------------------------------------------------------------
    def api_id(self, api: str | None = None) -> str:
        """The id of the template's API `api` (logical id), or of its only API."""
        try:
            return callers.find_api(self.resources, api)[1]
        except callers.CallerError as error:
            raise Fail(str(error)) from None

    def request(
        self,
        method: str,
        path: str,
        *,
        api: str | None = None,
        stage: str | None = None,
        headers: dict | None = None,
        query=None,
        body=None,
        sign: dict | None = None,
    ) -> ApiResponse:
        """An HTTP request to the learner's API through the emulated API Gateway. `sign`:
        credentials from `iam_credentials` to sign it with SigV4."""
        try:
            _, api_id, kind = callers.find_api(self.resources, api)
            stage = stage or callers.default_stage(self.aws, api_id, kind, self.resources)
        except callers.CallerError as error:
            raise Fail(str(error)) from None
        response = call_api(
            self.aws,
            api_id=api_id,
            stage=stage,
            method=method,
            path=path,
            headers=headers,
            query=query,
            body=body,
            sign=sign,
        )
        invocation = (response.trace or {}).get("invocation") or {}
        if invocation.get("status") in FUNCTION_FAILED:
            failure = function_failure(invocation["status"], invocation.get("error"), via_api=True)
            self.function_failures.append(failure)
        return response

    def user_pool_tokens(
        self,
        *,
        pool: str = "UserPool",
        client: str = "UserPoolClient",
        username: str = "learner@example.com",
        password: str = callers.DEFAULT_PASSWORD,
    ) -> dict:
        """Sign a user up in the template's user pool and log in: {"id", "access", ...}."""
        return callers.user_pool_tokens(
            self.aws, pool_id=self.resource(pool), client_id=self.resource(client), username=username, password=password
        )

    def iam_credentials(self, name: str, *, policy: dict | None = None) -> dict:
        """An IAM user with `policy` inline and an access key, for signed requests."""
        return callers.iam_credentials(self.aws, name, policy=policy)

    @staticmethod
    def fail(message: str):
        raise Fail(message)
