"""Lambda's synchronous and asynchronous invocation, as the lab backend runs them.

moto runs every invocation inline: an asynchronous invoke runs synchronously, with no retries and
no destinations. Lab 2 teaches exactly those behaviours, so here they are Lambda's:

- **Synchronous** (`RequestResponse`): the function runs in the sandbox; the answer carries the
  last 4 KB of its log, as `LogType=Tail` asks, and our own header with the sandbox's exact
  figures (`client.invocation.SUMMARY_HEADER`), which AWS clients ignore. Over the cap on
  concurrent environments, an API caller gets `TooManyRequestsException`.
- **Asynchronous** (`InvocationType=Event`): 202 at once; the event is queued and run in the
  background; on error it is retried `MaximumRetryAttempts` times (default 2), then sent to the
  OnFailure destination; a success goes to OnSuccess. AWS waits about 1 and 2 minutes between
  attempts; here the waits are `RETRY_DELAYS` seconds so a lab is not kept waiting.

The third invocation model, polling (event source mappings), is `.pollers`'.
"""

import base64
import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import JsonRESTError

from courseware.sandbox import InvocationResult

from ..client.aws import AccountAws
from ..client.invocation import SUMMARY_HEADER
from . import lambda_patches
from .pollers import Pollers

log = logging.getLogger(__name__)
RETRY_DELAYS = (1.0, 2.0)
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


class LambdaInvoker:
    """Runs functions for moto (once `lambda_patches.install`ed), through `backend.execute`."""

    def __init__(self, backend):
        self.backend = backend
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lambda-async")
        self.poller = Pollers(self)

    def start(self) -> None:
        self.poller.start()

    def stop(self) -> None:
        lambda_patches.uninstall(self)
        self.poller.stop()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def invoke(self, function: LambdaFunction, body, request_headers, response_headers):
        kind = request_headers.get("x-amz-invocation-type", "RequestResponse")
        payload = body if body else b"{}"  # the runtime client unmarshals it, as on Lambda
        payload = payload.encode() if isinstance(payload, str) else payload
        if kind == "Event":
            self.pool.submit(self._run_async, function, payload)
            return ""
        if kind == "DryRun":
            return ""
        result = self.backend.execute(function, payload, context=client_context(request_headers))
        if result.status == "throttled" and request_headers:  # an API call, not a trigger
            raise TooManyRequests("Rate Exceeded.")
        tail = result.logs.encode()[-LOG_TAIL_BYTES:]
        response_headers["x-amz-log-result"] = base64.b64encode(tail).decode()
        response_headers[SUMMARY_HEADER] = summary_header(result)
        if result.status != "ok":
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(result.error).encode()
        return result.payload if result.payload is not None else json.dumps(result.response).encode()

    def _run_async(self, function: LambdaFunction, payload) -> None:
        try:
            event = json.loads(payload)
        except ValueError:
            event = payload if isinstance(payload, str) else payload.decode(errors="replace")
        config = function.event_invoke_config[-1].config if function.event_invoke_config else {}
        attempts = 1 + int(config.get("MaximumRetryAttempts", 2))
        request_id = str(uuid.uuid4())
        result = None
        try:
            for attempt in range(attempts):
                if attempt:
                    time.sleep(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
                result = self.backend.execute(function, payload)
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


def client_context(request_headers) -> dict | None:
    """The Invoke API's X-Amz-Client-Context (base64 JSON), as the runtime passes it on."""
    encoded = (request_headers or {}).get("x-amz-client-context")
    if not encoded:
        return None
    try:
        return {"client_context": base64.b64decode(encoded).decode()}
    except (ValueError, UnicodeDecodeError):
        return None


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
