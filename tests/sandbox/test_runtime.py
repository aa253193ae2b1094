"""Lambda runtime emulation: context, logs, errors in Lambda's shape, warm and cold environments."""

import re

import pytest


def test_context_logs_and_report(sandbox, function):
    fn = function(
        """
        import logging
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)

        def handler(event, context):
            print("printed", event["n"])
            logger.info("logged")
            return {
                "request_id": context.aws_request_id, "name": context.function_name,
                "memory": context.memory_limit_in_mb, "arn": context.invoked_function_arn,
                "group": context.log_group_name, "stream": context.log_stream_name,
                "remaining": context.get_remaining_time_in_millis(),
            }
        """,
        memory_mb=256,
        timeout_s=5,
    )
    result = sandbox.invoke(fn, {"n": 7})
    assert result.status == "ok", result.to_dict()
    body = result.response
    assert body["request_id"] == result.request_id and body["name"] == fn.name and body["memory"] == "256"
    assert body["arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{fn.name}"
    assert body["group"] == f"/aws/lambda/{fn.name}" and 4000 < body["remaining"] <= 5000
    lines = result.logs.splitlines()
    assert lines[0] == f"START RequestId: {result.request_id} Version: $LATEST"
    assert lines[1] == "printed 7"
    assert re.fullmatch(rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT[\d:.]+Z\t{result.request_id}\tlogged", lines[2])
    assert lines[3] == f"END RequestId: {result.request_id}"
    assert re.fullmatch(
        rf"REPORT RequestId: {result.request_id}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms",
        lines[4],
    )
    assert result.cold_start and result.init_duration_ms > 0 and result.max_memory_used_mb > 0


def test_warm_environment_keeps_globals_until_the_code_changes(sandbox, function):
    code = "count = 0\ndef handler(event, context):\n    global count\n    count += 1\n    return count\n"
    fn = function(code)
    results = [sandbox.invoke(fn, {}) for _ in range(3)]
    assert [r.response for r in results] == [1, 2, 3]
    assert [r.cold_start for r in results] == [True, False, False]
    assert "Init Duration" in results[0].logs and "Init Duration" not in results[1].logs
    (fn.code / "handler.py").write_text(code.replace("count += 1", "count += 10"))
    changed = sandbox.invoke(fn, {})
    assert changed.cold_start and changed.response == 10, "new code, new environment"
    from dataclasses import replace

    resized = sandbox.invoke(replace(fn, memory_mb=512), {})
    assert resized.cold_start and resized.response == 10, "new configuration, new environment"


@pytest.mark.parametrize(
    "code, handler, kind, message",
    [
        (
            "import not_a_module\ndef handler(e, c): pass\n",
            "handler.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'handler': No module named 'not_a_module'",
        ),
        (
            "def handler(e, c):\n    return (\n",
            "handler.handler",
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'handler'",
        ),
        (
            "def handler(e, c): pass\n",
            "handler.nope",
            "Runtime.HandlerNotFound",
            "Handler 'nope' missing on module 'handler'",
        ),
        (
            "def handler(e, c): pass\n",
            "handler",
            "Runtime.MalformedHandlerName",
            "Bad handler 'handler'",
        ),
        (
            "def handler(e, c):\n    return {1, 2}\n",
            "handler.handler",
            "Runtime.MarshalError",
            "Unable to marshal response: Object of type set is not JSON serializable",
        ),
        (
            "def handler(e, c):\n    return 'x' * (7 * 1024 * 1024)\n",
            "handler.handler",
            "Function.ResponseSizeTooLarge",
            "exceeded maximum allowed payload size",
        ),
        (
            "import sys\ndef handler(e, c):\n    sys.exit(3)\n",
            "handler.handler",
            "Runtime.ExitError",
            "Runtime exited with error: exit status 3",
        ),
        (
            "import os\ndef handler(e, c):\n    os._exit(0)\n",
            "handler.handler",
            "Runtime.ExitError",
            "Runtime exited with error: exit status 0",
        ),
    ],
)
def test_errors_are_reported_as_lambda_does(sandbox, function, still_works, code, handler, kind, message):
    result = sandbox.invoke(function(code, handler=handler, memory_mb=512), {})
    assert result.status == "error", result.to_dict()
    assert result.error["errorType"] == kind and message in result.error["errorMessage"], result.error
    if result.init_failed:  # INIT's output and Lambda's INIT_REPORT come before the invocation's lines
        init, _, invocation = result.logs.partition("START RequestId:")
        assert "INIT_REPORT Init Duration: " in init and f"Phase: init\tStatus: error\tError Type: {kind}" in init
        assert f"Status: error\tError Type: {kind}" in invocation
    else:
        assert result.logs.startswith("START RequestId:")
    assert "REPORT RequestId:" in result.logs
    still_works()


def test_an_exception_has_lambdas_shape_and_is_logged(sandbox, function):
    result = sandbox.invoke(function("def handler(event, context):\n    raise ValueError('bad input')\n"), {})
    assert result.status == "error"
    assert result.error["errorType"] == "ValueError" and result.error["errorMessage"] == "bad input"
    assert any('/var/task/handler.py", line 2, in handler' in frame for frame in result.error["stackTrace"])
    assert "[ERROR] ValueError: bad input" in result.logs


def test_fifty_concurrent_invocations_on_a_cap_of_ten(function):
    from concurrent.futures import ThreadPoolExecutor

    from courseware.sandbox import Sandbox, SandboxLimits

    box = Sandbox(SandboxLimits(max_environments=10, max_per_function=10))
    try:
        fn = function(
            "import time\ndef handler(event, context):\n    time.sleep(1)\n    return event\n",
            timeout_s=10,
        )
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda i: box.invoke(fn, i), range(50)))
        statuses = [r.status for r in results]
        assert set(statuses) <= {"ok", "throttled"}
        assert statuses.count("ok") >= 10 and statuses.count("throttled") >= 30, statuses
        throttled = next(r for r in results if r.status == "throttled")
        assert throttled.error == {
            "errorMessage": "Rate Exceeded.",
            "errorType": "TooManyRequestsException",
            "stackTrace": [],
        }
        assert all(r.response == i for i, r in enumerate(results) if r.status == "ok")
        assert box.warm_environments() <= 10
        after = box.invoke(fn, "after")
        assert after.status == "ok", after.to_dict()
    finally:
        box.shutdown()
