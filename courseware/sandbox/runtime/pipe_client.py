"""AWS's runtime interface client, connected to the host by pipes instead of HTTP.

`awslambdaric.bootstrap.run(handler, client)` is AWS's own code for everything a handler meets:
importing it (and the INIT errors), the context object, unmarshalling the event, marshalling the
response (Decimal included), error payloads with their requestId and stack, log formatting and
levels, `_X_AMZN_TRACE_ID`. It asks its client for the next invocation and hands it the outcome;
on Lambda that client speaks HTTP to the Runtime API. This one speaks JSON lines: invocations in
on stdin, outcomes out on fd 3, with a marker line on stdout after each so the host can cut the
function's output into one log per invocation. The host holds the pipes' other ends, plays the
Runtime API's part and measures what Lambda measures.
"""

import base64
import json
import os
import resource
import sys
import time

from awslambdaric.lambda_runtime_client import BaseLambdaRuntimeClient, InvocationRequest

LOG_END = b"\x1e--lambda-log-end--\n"  # a record separator: never part of ordinary output


def _cpu_seconds() -> float:
    usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


class PipeRuntimeClient(BaseLambdaRuntimeClient):
    def __init__(self, requests=sys.stdin.buffer, results_fd: int = 3):
        super().__init__("pipe")
        self.requests = requests
        self.results = os.fdopen(results_fd, "w", buffering=1)
        self.ready_sent = False
        self.started = self.cpu_before = 0.0

    def _send(self, message: dict) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, LOG_END)  # after everything the function wrote, before the host hears of it
        self.results.write(json.dumps(message) + "\n")
        self.results.flush()

    def wait_for_function(self, preloaded: list[str]) -> dict:
        """A standby runtime: say it is ready and what it loaded, then read its function's variables."""
        self._send({"type": "standby", "preloaded": preloaded})
        line = self.requests.readline()
        if not line:
            sys.exit(0)  # the host closed the standby without using it
        return json.loads(line)

    def wait_next_invocation(self) -> InvocationRequest:
        if not self.ready_sent:  # INIT is over: the handler imported
            self.ready_sent = True
            self._send({"type": "ready", "error": None})
        line = self.requests.readline()
        if not line:
            sys.exit(0)  # the host closed the environment
        request = json.loads(line)
        self.started, self.cpu_before = time.perf_counter(), _cpu_seconds()
        return InvocationRequest(
            invoke_id=request["request_id"],
            x_amzn_trace_id=request.get("trace_id"),
            invoked_function_arn=request["invoked_function_arn"],
            deadline_time_in_ms=request["deadline_ms"],
            client_context=request.get("client_context"),
            cognito_identity=request.get("cognito_identity"),
            tenant_id=request.get("tenant_id"),
            content_type=request.get("content_type", "application/json"),
            event_body=request["event"].encode(),
            invocation_id=None,
        )

    def _outcome(self, invoke_id: str, **fields) -> dict:
        return {
            "type": "result",
            "request_id": invoke_id,
            "duration_ms": (time.perf_counter() - self.started) * 1000,
            "cpu_ms": (_cpu_seconds() - self.cpu_before) * 1000,
            "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            **fields,
        }

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json", invocation_id=None):
        payload = result_data if isinstance(result_data, bytes) else result_data.encode()
        self._send(self._outcome(invoke_id, payload=base64.b64encode(payload).decode(), content_type=content_type))

    def post_invocation_error(self, invoke_id, error_response_data, xray_fault, invocation_id=None):
        self._send(self._outcome(invoke_id, error=json.loads(error_response_data)))

    def post_init_error(self, error_response_data, error_type_override=None):
        error = dict(error_response_data)
        if error_type_override:
            error["errorType"] = error_type_override
        self.ready_sent = True
        self._send({"type": "ready", "error": error})

    def handle_exception(self, exc, func_to_retry=None, use_backoff=False):
        raise exc

    def handle_init_error(self, exc):
        raise exc
