"""What a function sees is Lambda's Python runtime, not the platform: the declared Python, AWS's
runtime client and SDK, Lambda's search path and variables, and /tmp as ephemeral storage."""

import json

import pytest

from courseware.sandbox import Images
from courseware.sandbox.images import table

PLATFORM = ["django", "moto", "pydantic", "requests", "samtranslator", "werkzeug", "courseware", "yaml", "flask"]


@pytest.mark.parametrize("package", PLATFORM)
def test_the_platforms_packages_are_not_there(sandbox, function, package):
    result = sandbox.invoke(function(f"import {package}\ndef handler(event, context):\n    return 1\n"), {})
    assert result.status == "error" and result.init_failed
    assert result.error["errorType"] == "Runtime.ImportModuleError", result.error
    assert result.error["errorMessage"] == f"Unable to import module 'handler': No module named '{package}'"
    assert "Error Type: Runtime.ImportModuleError" in result.logs


def test_the_runtime_holds_the_sdk_and_awss_runtime_client(sandbox, function):
    code = """
        import os, sys
        import boto3, botocore, awslambdaric

        def handler(event, context):
            return {"boto3": boto3.__version__, "botocore": botocore.__version__, "ric": awslambdaric.__version__,
                    "path": sys.path, "env": {k: os.environ.get(k) for k in ("AWS_EXECUTION_ENV", "PYTHONPATH",
                    "LAMBDA_RUNTIME_DIR", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_INITIALIZATION_TYPE")}}
    """
    result = sandbox.invoke(function(code), {})
    assert result.status == "ok", result.to_dict()
    pins = dict(line.split("==") for section in table()["packages"].values() for line in section)
    body = result.response
    assert (
        body["boto3"] == pins["boto3"] and body["botocore"] == pins["botocore"] and body["ric"] == pins["awslambdaric"]
    )
    assert body["path"][:5] == [
        "/var/task", "/opt/python/lib/python3.11/site-packages", "/opt/python",
        "/var/lang/lib/python3.11/site-packages", "/var/runtime",
    ]  # fmt: skip
    assert not any("courseware" in path or ".venv" in path for path in body["path"])
    assert body["env"] == {
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "PYTHONPATH": "/var/runtime",
        "LAMBDA_RUNTIME_DIR": "/var/runtime", "LAMBDA_TASK_ROOT": "/var/task", "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    }  # fmt: skip


@pytest.mark.parametrize("runtime", Images().available())
def test_each_runtime_runs_on_its_own_python(sandbox, function, runtime):
    code = "import sys, os\ndef handler(e, c):\n    return [sys.version_info[:2], os.environ['AWS_EXECUTION_ENV']]\n"
    result = sandbox.invoke(function(code, runtime=runtime), {})
    assert result.status == "ok", result.to_dict()
    assert result.response == [
        list(map(int, table()["runtimes"][runtime]["python"].split("."))),
        f"AWS_Lambda_{runtime}",
    ]


def test_a_runtime_without_an_interpreter_is_refused_not_substituted(sandbox, function):
    missing = [runtime for runtime in table()["runtimes"] if runtime not in Images().available()]
    for runtime in [*missing, "python2.7"]:
        result = sandbox.invoke(function("def handler(e, c):\n    return 1\n", runtime=runtime), {})
        assert result.status == "error" and result.error["errorType"] == "InvalidRuntimeException"
        assert runtime in result.error["errorMessage"] and "python3.11" in result.error["errorMessage"]


def test_what_the_runtime_client_gives_a_handler(sandbox, function):
    code = """
        import os
        from decimal import Decimal

        def handler(event, context):
            return {"price": Decimal("19.99"), "count": Decimal(3), "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                    "identity": context.identity.cognito_identity_id, "client": context.client_context.custom}
    """
    context = {"client_context": json.dumps({"custom": {"tenant": "ada"}, "client": {}, "env": {}})}
    result = sandbox.invoke(function(code), {}, context=context)
    assert result.status == "ok", result.to_dict()
    assert result.payload == b'{"price": 19.99, "count": 3, "trace": ' + json.dumps(
        result.response["trace"]
    ).encode() + (b', "identity": null, "client": {"tenant": "ada"}}')
    assert result.response["trace"].startswith("Root=1-") and ";Parent=" in result.response["trace"]


def test_errors_carry_the_request_id_and_are_logged_once(sandbox, function):
    result = sandbox.invoke(function("def handler(e, c):\n    raise KeyError('GREETING')\n"), {})
    assert result.error["errorType"] == "KeyError" and result.error["requestId"] == result.request_id
    assert result.logs.count("[ERROR] KeyError: 'GREETING'") == 1


def test_a_binary_response_and_a_payload_that_is_not_json(sandbox, function):
    binary = sandbox.invoke(function("def handler(e, c):\n    return b'\\x89PNG'\n"), {})
    assert binary.status == "ok" and binary.payload == b"\x89PNG" and binary.response is None
    unreadable = sandbox.invoke(function("def handler(e, c):\n    return e\n"), b"{not json")
    assert unreadable.error["errorType"] == "Runtime.UnmarshalError"


def test_tmp_is_ephemeral_storage_not_memory(sandbox, function):
    """A 128 MB function writes 500 MB to its 512 MB /tmp, and gets ENOSPC past it."""
    code = """
        import os

        def handler(event, context):
            if event.get("read"):
                return os.path.getsize("/tmp/big")
            written = 0
            with open("/tmp/big", "wb") as out:
                try:
                    while written < event["mb"]:
                        out.write(b"x" * 1024 * 1024)
                        out.flush()
                        written += 1
                    os.fsync(out.fileno())
                except OSError as error:
                    return {"mb": written, "error": error.strerror}
            return {"mb": written}
    """
    fn = function(code, memory_mb=128, timeout_s=60)
    result = sandbox.invoke(fn, {"mb": 500})
    assert result.status == "ok" and result.response == {"mb": 500}, result.to_dict()
    assert result.max_memory_used_mb < 128, "writing to /tmp is not memory"
    warm = sandbox.invoke(fn, {"read": True})
    assert not warm.cold_start and warm.response == 500 * 1024 * 1024, "kept across warm invocations"
    full = sandbox.invoke(fn, {"mb": 600})
    assert full.response["error"] == "No space left on device" and 505 <= full.response["mb"] <= 512
    bigger = function(code, memory_mb=1024, timeout_s=60, ephemeral_mb=1024)
    assert sandbox.invoke(bigger, {"mb": 600}).response == {"mb": 600}, "sized by EphemeralStorage"
    fresh = sandbox.invoke(function(code), {"read": True})
    assert fresh.status == "error" and fresh.error["errorType"] == "FileNotFoundError", "fresh for a new environment"
