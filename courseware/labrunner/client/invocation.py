"""One Invoke call's outcome, read from the Lambda API's response (on moto or LocalStack)."""

import base64
import json
import re
from dataclasses import asdict, dataclass, field

REPORT_RE = re.compile(r"^REPORT RequestId: (?P<id>\S+)(?P<rest>.*)$", re.MULTILINE)
METRIC_RE = re.compile(r"(Duration|Billed Duration|Memory Size|Max Memory Used|Init Duration): ([\d.]+)")
SUMMARY_HEADER = "x-courseware-invocation"  # the lab backend's exact figures (`emulator.invoker`)
STATUS_BY_ERROR = {"Sandbox.Timedout": "timeout", "Runtime.OutOfMemory": "out_of_memory"}


@dataclass
class Invocation:
    status: str  # ok | error | timeout | out_of_memory | throttled
    response: object = None
    error: dict | None = None
    logs: str = ""
    request_id: str = ""
    duration_ms: float = 0.0
    billed_duration_ms: int = 0
    memory_mb: int = 0
    max_memory_used_mb: int = 0
    init_duration_ms: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None

    def to_dict(self) -> dict:
        return asdict(self) | {"cold_start": self.cold_start}


def from_response(response: dict) -> Invocation:
    payload = response["Payload"].read()
    try:
        body = json.loads(payload) if payload else None
    except ValueError:
        body = payload.decode(errors="replace")
    logs = base64.b64decode(response.get("LogResult") or "").decode(errors="replace")
    invocation = Invocation(status="ok", logs=logs)
    if response.get("FunctionError"):
        invocation.error = body if isinstance(body, dict) else {"errorMessage": str(body)}
        error_type = invocation.error.get("errorType", "")
        invocation.status = STATUS_BY_ERROR.get(error_type, "error")
    else:
        invocation.response = body
    report = REPORT_RE.search(logs)
    if report:
        invocation.request_id = report["id"]
        metrics = dict(METRIC_RE.findall(report["rest"]))
        invocation.duration_ms = float(metrics.get("Duration", 0))
        invocation.billed_duration_ms = int(float(metrics.get("Billed Duration", 0)))
        invocation.memory_mb = int(float(metrics.get("Memory Size", 0)))
        invocation.max_memory_used_mb = int(float(metrics.get("Max Memory Used", 0)))
        if "Init Duration" in metrics:
            invocation.init_duration_ms = float(metrics["Init Duration"])
    summary = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get(SUMMARY_HEADER)
    if summary:  # our backend's exact figures (LocalStack has only the log)
        data = json.loads(base64.b64decode(summary))
        invocation.status = data["status"]
        invocation.request_id = data["request_id"]
        invocation.duration_ms = data["duration_ms"]
        invocation.billed_duration_ms = data["billed_duration_ms"]
        invocation.max_memory_used_mb = data["max_memory_used_mb"]
        invocation.init_duration_ms = data["init_duration_ms"]
        invocation.extra = {
            k: data[k] for k in ("cpu_ms", "cpu_share_enforced", "modelled_duration_ms", "notes") if k in data
        }
    return invocation


def throttled() -> Invocation:
    return Invocation(
        status="throttled",
        error={"errorType": "TooManyRequestsException", "errorMessage": "Rate Exceeded."},
    )
