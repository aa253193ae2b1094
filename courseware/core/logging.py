"""Structured logs: a JSON formatter and one log line per request, tied together by a request id.

A log shipper (journald, Loki, CloudWatch) can index the fields; an operator can follow one
request's lines by its id, which is also returned to the browser as `X-Request-ID`.
"""

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
request_log = logging.getLogger("courseware.request")

# A proxy's request id is reused only when it looks like one, so a client cannot forge log lines.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


class JsonFormatter(logging.Formatter):
    converter = time.gmtime  # timestamps in UTC, as the trailing Z says

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestLogMiddleware:
    """Outermost middleware: times the whole request and logs it once, after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if REQUEST_ID_RE.match(supplied) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            status = response.status_code
            request_log.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "htmx": bool(request.headers.get("HX-Request")),
                    "bytes": len(response.content) if not response.streaming else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)
