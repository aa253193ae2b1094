"""The platform's log lines around a function's own output: START, END and REPORT, as Lambda writes them."""

import time

from .config import FunctionConfig, InvocationResult, billed


def with_lambda_log(result: InvocationResult, function: FunctionConfig, output: str) -> InvocationResult:
    # Since August 2025 Lambda bills INIT for on-demand ZIP functions (facts.md).
    result.billed_duration_ms = billed(result.duration_ms + (result.init_duration_ms or 0))
    report = (
        f"REPORT RequestId: {result.request_id}\tDuration: {result.duration_ms:.2f} ms\t"
        f"Billed Duration: {result.billed_duration_ms} ms\tMemory Size: {function.memory_mb} MB\t"
        f"Max Memory Used: {result.max_memory_used_mb} MB"
    )
    if result.init_duration_ms is not None:
        report += f"\tInit Duration: {result.init_duration_ms:.2f} ms"
    if result.status in ("timeout", "out_of_memory"):
        report += f"\tStatus: {result.status}"
    lines = []
    if result.init_failed:  # INIT's own output, then the platform's account of it, as Lambda logs it
        kind = (result.error or {}).get("errorType", "Runtime.Unknown")
        report += f"\tStatus: error\tError Type: {kind}"
        lines += [
            output.strip("\n"),
            f"INIT_REPORT Init Duration: {result.init_duration_ms or 0:.2f} ms\tPhase: init\tStatus: error\tError Type: {kind}",
        ]
        output = ""
    lines += [f"START RequestId: {result.request_id} Version: $LATEST", output.strip("\n")]
    if result.status == "timeout":
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        lines.append(f"{stamp} {result.request_id} Task timed out after {function.timeout_s:.2f} seconds")
    lines += [f"END RequestId: {result.request_id}", report]
    result.logs = "\n".join(line for line in lines if line) + "\n"
    return result
