"""One invocation in an execution environment, as Lambda runs it: INIT on a cold start, then the
handler, and the result Lambda reports for each way that can end (a response, the function's
error, a crash at INIT or during the call, out of memory, a timeout).

Each step gives back the result and the function's own output; the sandbox wraps that output in
Lambda's START/END/REPORT lines (`.logs`).
"""

import json
import time

from .config import FunctionConfig, InvocationResult, vcpu_share
from .environment import Environment, EnvironmentDied

CPU_NOTE = (
    "CPU share not enforced on this host: modelled_duration_ms = CPU time ÷ (memory / 1,769 MB), a teaching model."
)


def error_body(kind: str, message: str) -> dict:
    return {"errorMessage": message, "errorType": kind, "stackTrace": []}


def run_invocation(
    environment: Environment, cold: bool, function: FunctionConfig, event, request_id: str
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
        result.status, result.error = "error", environment.init_error
        return result, init_log
    request = {
        "request_id": request_id,
        "event": event,
        "invoked_function_arn": function.arn,
        "deadline": time.time() + function.timeout_s,
    }
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
    if outcome.get("out_of_memory"):
        environment.kill()
        result.status, result.error = "out_of_memory", outcome["error"]
    elif "error" in outcome:
        result.status, result.error = "error", outcome["error"]
    else:
        result.response = json.loads(outcome["response"])
