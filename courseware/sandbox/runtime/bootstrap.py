"""The Lambda runtime inside the sandbox: import the handler once (INIT), then serve invocations.

Runs as /var/runtime/bootstrap.py under the sandbox's own Python, with the standard library only.
Requests arrive as JSON lines on stdin; results leave as JSON lines on fd 3; whatever the
function prints goes to fd 1/2, which the host captures as the invocation's log. After each
invocation a marker line on stdout tells the host where this invocation's log ends.
"""

import importlib
import json
import os
import resource
import sys
import threading
import time

RESULTS = os.fdopen(int(os.environ.pop("_RESULT_FD", "3")), "w", buffering=1)
REQUESTS = sys.stdin
LOG_END = "\x1e--lambda-log-end--"  # record separator: never part of ordinary output
MAX_RESPONSE = 6 * 1024 * 1024
current = {"request_id": None}


class LambdaContext:
    def __init__(self, request: dict):
        self.aws_request_id = request["request_id"]
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.invoked_function_arn = request["invoked_function_arn"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = None
        self._deadline = request["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def ensure_logging() -> None:
    """Lambda's root logger writes `[LEVEL]\ttimestamp\trequest id\tmessage`. Configured once
    the function has imported logging (checked before each invocation), so a function that never
    logs does not pay for importing it on every cold start."""
    logging = sys.modules.get("logging")
    if logging is None or getattr(logging, "_lambda_configured", False):
        return

    class LambdaFormatter(logging.Formatter):
        def format(self, record):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
            text = f"[{record.levelname}]\t{stamp}\t{current['request_id'] or ''}\t{record.getMessage()}"
            if record.exc_info:
                text += "\n" + self.formatException(record.exc_info)
            return text

    logging.basicConfig(stream=sys.stdout, force=True)  # keeps the level the function set
    logging.getLogger().handlers[0].setFormatter(LambdaFormatter())
    logging._lambda_configured = True


def send(message: dict) -> None:
    RESULTS.write(json.dumps(message) + "\n")
    RESULTS.flush()


def error(kind: str, message: str, stack: list[str] | None = None) -> dict:
    return {"errorMessage": message, "errorType": kind, "stackTrace": stack or []}


def user_stack(tb) -> list[str]:
    import traceback  # only on errors: it costs start-up time on every cold start

    frames = [frame for frame in traceback.extract_tb(tb) if not frame.filename.endswith("bootstrap.py")]
    return traceback.format_list(frames)


def load_handler():
    spec = os.environ["_HANDLER"]
    module_name, _, function_name = spec.rpartition(".")
    if not module_name or not function_name:
        return None, error(
            "Runtime.MalformedHandlerName",
            f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as exc:
        return None, error(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {exc}",
            user_stack(exc.__traceback__),
        )
    except ImportError as exc:
        return None, error(
            "Runtime.ImportModuleError",
            f"Unable to import module '{module_name}': {exc}",
            user_stack(exc.__traceback__),
        )
    except Exception as exc:  # noqa: BLE001 (an init-time error, reported as Lambda does)
        return None, error(type(exc).__name__, str(exc), user_stack(exc.__traceback__))
    handler = getattr(module, function_name, None)
    if not callable(handler):
        return None, error(
            "Runtime.HandlerNotFound",
            f"Handler '{function_name}' missing on module '{module_name}'",
        )
    return handler, None


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def invoke(handler, request: dict) -> dict:
    current["request_id"] = request["request_id"]
    context = LambdaContext(request)
    cpu_before, started = cpu_seconds(), time.perf_counter()
    outcome: dict = {"type": "result", "request_id": request["request_id"]}
    try:
        response = handler(request["event"], context)
        try:
            body = json.dumps(response)
        except (TypeError, ValueError) as exc:
            outcome["error"] = error("Runtime.MarshalError", f"Unable to marshal response: {exc}")
        else:
            if len(body.encode()) > MAX_RESPONSE:
                outcome["error"] = error(
                    "Function.ResponseSizeTooLarge",
                    f"Response payload size ({len(body.encode())} bytes) exceeded maximum allowed payload size ({MAX_RESPONSE} bytes).",
                )
            else:
                outcome["response"] = body
    except MemoryError:
        outcome["error"] = error("Runtime.OutOfMemory", "Runtime exited with error: out of memory")
        outcome["out_of_memory"] = True
    except Exception as exc:  # noqa: BLE001 (the function's error, reported in Lambda's shape)
        stack = user_stack(exc.__traceback__)
        outcome["error"] = error(type(exc).__name__, str(exc), stack)
        print(
            f"[ERROR] {type(exc).__name__}: {exc}\nTraceback (most recent call last):\n{''.join(stack)}",
            end="",
            flush=True,
        )
    outcome["duration_ms"] = (time.perf_counter() - started) * 1000
    outcome["cpu_ms"] = (cpu_seconds() - cpu_before) * 1000
    outcome["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    current["request_id"] = None
    return outcome


def main() -> None:
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    if os.environ.get("_AWS_SOCKET"):
        from aws_forwarder import start  # noqa: PLC0415 (only when the host provides a socket)

        start(os.environ["_AWS_SOCKET"], int(os.environ["_AWS_PORT"]))
    started = time.perf_counter()
    handler, init_error = load_handler()
    ensure_logging()
    sys.stdout.flush()
    sys.stdout.write(LOG_END + "\n")
    sys.stdout.flush()
    send({"type": "ready", "init_ms": (time.perf_counter() - started) * 1000, "error": init_error})
    if init_error:
        return
    for line in REQUESTS:
        request = json.loads(line)
        ensure_logging()
        outcome = invoke(handler, request)
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout.write(LOG_END + "\n")
        sys.stdout.flush()
        send(outcome)


if __name__ == "__main__":
    threading.current_thread().name = "lambda-runtime"
    main()
