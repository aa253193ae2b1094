"""One invocation in an execution environment, as Lambda runs it: INIT on a cold start, then the
handler, and the result Lambda reports for each way that can end (a response, the function's
error, a crash at INIT or during the call, out of memory, a timeout).

Each step gives back the result and the function's own output; the sandbox wraps that output in
Lambda's START/END/REPORT lines (`.logs`).
"""

import base64
import json
import secrets
import time

from .config import FunctionConfig, InvocationResult, vcpu_share
from .environment import Environment, EnvironmentDied

MAX_RESPONSE = 6 * 1024 * 1024  # Lambda's synchronous response payload limit (6 MB)

CPU_NOTE = (
    "CPU share not enforced on this host: modelled_duration_ms = CPU time ÷ (memory / 1,769 MB), a teaching model."
)


def error_body(kind: str, message: str) -> dict:
    return {"errorMessage": message, "errorType": kind, "stackTrace": []}


def trace_header() -> str:
    """An X-Ray trace header as Lambda passes one to each invocation (`_X_AMZN_TRACE_ID`)."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


def request_for(function: FunctionConfig, event, request_id: str, context: dict | None) -> dict:
    """What the runtime client receives for one invocation, as the Runtime API sends it."""
    body = event.decode(errors="replace") if isinstance(event, bytes) else json.dumps(event)
    context = context or {}
    return {
        "request_id": request_id,
        "event": body,
        "content_type": "application/json",
        "invoked_function_arn": context.get("invoked_function_arn") or function.arn,
        "deadline_ms": int((time.time() + function.timeout_s) * 1000),
        "trace_id": context.get("trace_id") or trace_header(),
        "client_context": context.get("client_context"),
        "cognito_identity": context.get("cognito_identity"),
    }


def run_invocation(
    environment: Environment, cold: bool, function: FunctionConfig, event, request_id: str, context: dict | None = None
) -> tuple[InvocationResult, str]:
    """The result and the function's output (INIT's output first, on a cold start)."""
    result = InvocationResult("ok", request_id, cold_start=cold)
    init_log = ""
    if cold:
        failed = cold_start(environment, result)
        if failed is not None:
            return result, failed
        result.init_duration_ms, init_log = environment.init_ms, environment.init_log
    if environment.init_error:
        environment.kill()  # Lambda retries INIT on the next invocation
        result.status, result.error, result.init_failed = "error", environment.init_error, True
        return result, init_log
    request = request_for(function, event, request_id, context)
    started = time.perf_counter()
    try:
        outcome, output = environment.invoke(request, function.timeout_s)
    except EnvironmentDied as died:
        environment.kill()
        result.duration_ms = (time.perf_counter() - started) * 1000
        died_during_call(result, died, function)
        return result, init_log + died.log
    if outcome is None:
        result.status, result.duration_ms = "timeout", function.timeout_s * 1000
        result.error = error_body("Sandbox.Timedout", f"Task timed out after {function.timeout_s:.2f} seconds")
        result.max_memory_used_mb = environment.peak_memory_mb(None)
        return result, init_log + output
    answered(result, environment, outcome, function)
    return result, init_log + output


def cold_start(environment: Environment, result: InvocationResult) -> str | None:
    """Start the environment (INIT); on failure, the result says why and INIT's output is returned."""
    try:
        environment.start()
    except EnvironmentDied as died:
        environment.kill()
        message = f"RequestId: {result.request_id} Error: Runtime {died.reason}"
        result.status, result.error = "error", error_body("Runtime.ExitError", message)
        return died.log
    except OSError as error:
        environment.kill()
        result.status = "sandbox_error"
        result.error = error_body("Sandbox.Error", f"could not start the sandbox: {error}")
        return ""
    return None


def died_during_call(result: InvocationResult, died: EnvironmentDied, function: FunctionConfig) -> None:
    """The runtime process ended mid-call: the kernel's OOM kill, or a crash."""
    if died.out_of_memory:
        result.status = "out_of_memory"
        result.error = error_body(
            "Runtime.OutOfMemory", f"RequestId: {result.request_id} Error: Runtime exited with error: signal: killed"
        )
    else:
        result.status = "error"
        result.error = error_body(
            "Runtime.ExitError", f"RequestId: {result.request_id} Error: Runtime exited with error: {died.reason}"
        )
    result.max_memory_used_mb = function.memory_mb if died.out_of_memory else 0


def answered(result: InvocationResult, environment: Environment, outcome: dict, function: FunctionConfig) -> None:
    """The handler returned or raised: its response or error, and the figures for REPORT."""
    result.duration_ms, result.cpu_ms = outcome["duration_ms"], outcome["cpu_ms"]
    result.max_memory_used_mb = environment.peak_memory_mb(outcome.get("max_rss_kb"))
    result.cpu_share_enforced = environment.cpu_share_enforced
    if not environment.cpu_share_enforced:
        result.modelled_duration_ms = outcome["cpu_ms"] / min(1.0, vcpu_share(function.memory_mb))
        result.notes.append(CPU_NOTE)
    if "error" in outcome:
        result.status, result.error = "error", outcome["error"]
        return
    payload = base64.b64decode(outcome["payload"])
    if len(payload) > MAX_RESPONSE:
        result.status = "error"
        result.error = error_body(
            "Function.ResponseSizeTooLarge",
            f"Response payload size ({len(payload)} bytes) exceeded maximum allowed payload size ({MAX_RESPONSE} bytes).",
        )
        return
    result.payload = payload
    if outcome.get("content_type") == "application/json":
        result.response = json.loads(payload)
