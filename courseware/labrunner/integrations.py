"""How Lambda is driven inside the lab backend, beyond moto's synchronous defaults.

moto runs every invocation inline and with shortcuts: asynchronous invokes run synchronously with
no retries or destinations, and an SQS event source mapping hands each message to the function
on its own, inside the SendMessage call, with no batch, no partial batch failures and no retry
through the visibility timeout. Lab 2 and lab 3 teach exactly those behaviours, so this module
replaces them with Lambda's documented ones:

- **Asynchronous invocation** (`InvocationType=Event`): 202 at once; the event is queued and run
  in the background; on error it is retried `MaximumRetryAttempts` times (default 2), then sent to
  the OnFailure destination; a success goes to OnSuccess. AWS waits about 1 and 2 minutes between
  attempts; here the waits are `RETRY_DELAYS` seconds so a lab is not kept waiting.
- **SQS event source mappings**: a poller receives up to `BatchSize` messages, invokes the
  function once per batch, deletes what succeeded (with `ReportBatchItemFailures`, all but the
  listed `batchItemFailures`), and leaves the rest to reappear after the queue's visibility
  timeout; moto's `maxReceiveCount` redrive then moves them to the dead-letter queue.
"""

import base64
import functools
import json
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from moto.awslambda.models import LambdaFunction, lambda_backends
from moto.core.exceptions import JsonRESTError
from moto.sqs.models import Queue, sqs_backends

from courseware.sandbox import InvocationResult

from .aws import AccountAws

log = logging.getLogger(__name__)
RETRY_DELAYS = (1.0, 2.0)
POLL_SECONDS = 0.2
SUMMARY_HEADER = "x-courseware-invocation"
LOG_TAIL_BYTES = 4096  # Lambda returns the last 4 KB of the log with LogType=Tail


class TooManyRequests(JsonRESTError):
    code = 429

    def __init__(self, message: str):
        super().__init__("TooManyRequestsException", message)


def summary_header(result: InvocationResult) -> str:
    """The full result (status, memory, init) for our own clients; AWS clients ignore it."""
    data = result.to_dict()
    data.pop("logs")
    data.pop("response")
    return base64.b64encode(json.dumps(data).encode()).decode()


class Integrations:
    def __init__(self, backend):
        self.backend = backend
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lambda-async")
        self._busy: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller = threading.Thread(target=self._poll_forever, daemon=True, name="sqs-esm")

    def start(self) -> None:
        self._poller.start()

    def stop(self) -> None:
        uninstall(self)
        self._stop.set()
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- Invoke ------------------------------------------------------------------------------
    def invoke(self, function: LambdaFunction, body, request_headers, response_headers):
        kind = request_headers.get("x-amz-invocation-type", "RequestResponse")
        event = json.loads(body) if body else {}
        if kind == "Event":
            self.pool.submit(self._run_async, function, event)
            return ""
        if kind == "DryRun":
            return ""
        result = self.backend.execute(function, event)
        if result.status == "throttled" and request_headers:  # an API call, not a trigger
            raise TooManyRequests("Rate Exceeded.")
        tail = result.logs.encode()[-LOG_TAIL_BYTES:]
        response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()
        response_headers[SUMMARY_HEADER] = summary_header(result)
        if result.status != "ok":
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(result.error).encode()
        return json.dumps(result.response).encode()

    def _run_async(self, function: LambdaFunction, event) -> None:
        config = function.event_invoke_config[-1].config if function.event_invoke_config else {}
        attempts = 1 + int(config.get("MaximumRetryAttempts", 2))
        request_id = str(uuid.uuid4())
        result = None
        try:
            for attempt in range(attempts):
                if attempt:
                    time.sleep(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
                result = self.backend.execute(function, event)
                if result.status == "ok":
                    break
            destinations = config.get("DestinationConfig") or {}
            condition = "Success" if result.status == "ok" else "RetriesExhausted"
            target = destinations.get("OnSuccess" if result.status == "ok" else "OnFailure", {})
            if target.get("Destination"):
                record = destination_record(function, event, result, request_id, condition, attempt + 1)
                self._deliver(function.account_id, target["Destination"], record)
        except Exception:  # a background thread has nobody to raise to
            log.exception("asynchronous invocation of %s failed", function.function_arn)

    def _deliver(self, account_id: str, arn: str, record: dict) -> None:
        aws = AccountAws(endpoint=self.backend.endpoint, account_id=account_id)
        body = json.dumps(record)
        service = arn.split(":")[2]
        if service == "sqs":
            url = aws.client("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
            aws.client("sqs").send_message(QueueUrl=url, MessageBody=body)
        elif service == "sns":
            aws.client("sns").publish(TopicArn=arn, Message=body)
        elif service == "lambda":
            aws.client("lambda").invoke(FunctionName=arn, InvocationType="Event", Payload=body)
        else:
            log.warning("destination %s is not emulated", arn)

    # -- SQS event source mappings -----------------------------------------------------------
    def _poll_forever(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self._poll_once()
            except Exception:
                log.exception("SQS event source poll failed")

    def _poll_once(self) -> None:
        if not _installed or _installed[-1] is not self:
            return  # another backend in this process is the one in charge
        for account_id, regions in list(lambda_backends.items()):
            for region, lambdas in list(regions.items()):
                for mapping in list(lambdas._event_source_mappings.values()):
                    if ":sqs:" not in mapping.event_source_arn or not mapping.enabled:
                        continue
                    with self._lock:
                        if mapping.uuid in self._busy:
                            continue
                        self._busy.add(mapping.uuid)
                    self.pool.submit(self._deliver_batch, account_id, region, lambdas, mapping)

    def _deliver_batch(self, account_id, region, lambdas, mapping) -> None:
        try:
            queues = sqs_backends[account_id][region]
            name = mapping.event_source_arn.rsplit(":", 1)[1]
            if name not in queues.queues:
                return
            queue = queues.queues[name]
            messages = queues.receive_message(  # Lambda hands over every message attribute
                name, int(mapping.batch_size or 10), 0, int(queue.visibility_timeout), ["All"]
            )
            if not messages:
                return
            function = lambdas._lambdas.get_arn(mapping.function_arn)
            result = self.backend.execute(function, sqs_event(messages, queue, region))
            failed = set()
            if result.status != "ok":
                failed = {message.id for message in messages}
            elif "ReportBatchItemFailures" in (mapping.function_response_types or []):
                failed = reported_failures(result.response, messages)
            for message in messages:
                if message.id not in failed:
                    queues.delete_message(name, message.receipt_handle)
        except Exception:
            log.exception("SQS batch for %s failed", mapping.function_arn)
        finally:
            with self._lock:
                self._busy.discard(mapping.uuid)


def reported_failures(response, messages) -> set[str]:
    """Lambda's partial batch response; a malformed one fails the whole batch, as on AWS."""
    ids = {message.id for message in messages}
    if response is None or (isinstance(response, dict) and not response.get("batchItemFailures")):
        return set()
    try:
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    except (TypeError, KeyError):
        return ids
    return failed if failed <= ids else ids


def sqs_event(messages, queue, region: str) -> dict:
    records = []
    for message in messages:
        records.append(
            {
                "messageId": message.id,
                "receiptHandle": message.receipt_handle,
                "body": message.body,
                "attributes": {
                    "ApproximateReceiveCount": str(message.approximate_receive_count),
                    "SentTimestamp": str(message.sent_timestamp),
                    "SenderId": message.sender_id,
                    "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
                },
                "messageAttributes": {
                    key: message_attribute(value) for key, value in message.message_attributes.items()
                },
                "md5OfBody": message.body_md5,
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def message_attribute(value: dict) -> dict:
    """One SQS message attribute as Lambda's SQS event shows it (moto keeps the API's casing)."""
    attribute = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
    if value.get("BinaryValue") is not None:
        binary = value["BinaryValue"]
        attribute["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
    else:
        attribute["stringValue"] = value.get("StringValue")
    return attribute


def destination_record(function, event, result, request_id, condition, count) -> dict:
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{function.function_arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": count,
        },
        "requestPayload": event,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            **({} if result.status == "ok" else {"functionError": "Unhandled"}),
        },
        "responsePayload": result.response if result.status == "ok" else result.error,
    }


def install(integrations: Integrations) -> None:
    """Point moto's Lambda at `integrations`. moto's state is per process, so with several
    backends in one process (tests, `lab grade` beside a running one) the latest started runs
    the code, and stopping it hands back to the one before."""
    _installed.append(integrations)

    def invoke(self, body, request_headers, response_headers):
        return _installed[-1].invoke(self, body, request_headers, response_headers)

    def _invoke_lambda(self, event=None):  # DynamoDB Streams and SNS call this path
        result = _installed[-1].backend.execute(self, event)
        payload = result.response if result.status == "ok" else result.error
        return json.dumps(payload), result.status != "ok", result.logs

    LambdaFunction.invoke = invoke
    for name in ("update_configuration", "update_function_code"):
        _bump_revision_on(name)
    LambdaFunction._invoke_lambda = _invoke_lambda
    # SQS mappings are ours: moto's inline, per-message delivery must not also fire.
    Queue.lambda_event_source_mappings = property(lambda self: {}, lambda self, value: None)


_installed: list[Integrations] = []


def uninstall(integrations: Integrations) -> None:
    if integrations in _installed:
        _installed.remove(integrations)


def _bump_revision_on(name: str) -> None:
    """Any update means new execution environments, as on Lambda (moto keeps no such counter)."""
    original = getattr(LambdaFunction, name)
    if getattr(original, "bumps_revision", False):
        return

    @functools.wraps(original)
    def updated(self, *args, **kwargs):
        self.revision = getattr(self, "revision", 0) + 1
        return original(self, *args, **kwargs)

    updated.bumps_revision = True
    setattr(LambdaFunction, name, updated)
