"""Standby runtimes: a cold start from one is the same as a fresh start, and a function a standby
could not start the same way gets a fresh start."""

import os
import threading
import time
from dataclasses import replace

import pytest

from courseware.sandbox import Sandbox, SandboxLimits

from .test_environments import _Reply, _UnixHTTPServer

PROBE = """
import os, sys, time

def handler(event, context):
    tmp = os.statvfs("/tmp")
    return {
        "name": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        "memory": context.memory_limit_in_mb,
        "colour": os.environ.get("COLOUR"),
        "task": sorted(os.listdir("/var/task")),
        "opt": os.path.isdir("/opt") and sorted(os.listdir("/opt")),
        "tmp_mb": round(tmp.f_blocks * tmp.f_frsize / 2**20, -1),
        "path": sys.path,
        "internal": sorted(k for k in os.environ if k.startswith(("_LAMBDA", "_AWS_", "_RESULT"))),
        "tz": time.tzname,
        "cwd": os.getcwd(),
    }
"""


@pytest.fixture(scope="module")
def box():
    sandbox = Sandbox(SandboxLimits(max_environments=20, max_per_function=4))
    yield sandbox
    sandbox.shutdown()


@pytest.fixture(scope="module")
def fresh_box():
    sandbox = Sandbox(SandboxLimits(max_environments=20, max_per_function=4, standby_per_runtime=0))
    yield sandbox
    sandbox.shutdown()


def standby_ready(box, function) -> None:
    """Use the function's runtime once (standbys are kept for runtimes in use), then wait for one."""
    if function.runtime not in box.standby.runtimes():
        assert box.invoke(replace(function, name="primer"), {}).status == "ok"
    deadline = time.monotonic() + 20
    while box.standby.ready_count() < 1:
        assert time.monotonic() < deadline, "no standby runtime started"
        time.sleep(0.05)


def invoke_from_standby(box, function, event=None, **kwargs):
    standby_ready(box, function)
    served = box.standby.served
    result = box.invoke(function, event or {}, **kwargs)
    assert box.standby.served == served + 1, "the cold start did not take the standby runtime"
    assert result.cold_start
    return result


def test_a_cold_start_from_a_standby_is_a_fresh_start(box, fresh_box, function):
    fn = function(PROBE, memory_mb=256, environment={"COLOUR": "teal"})
    standby = invoke_from_standby(box, fn)
    fresh = fresh_box.invoke(fn, {})
    assert standby.status == fresh.status == "ok", (standby.to_dict(), fresh.to_dict())
    assert standby.response == fresh.response
    assert standby.response["name"] == fn.name and standby.response["colour"] == "teal"
    assert standby.response["memory"] == "256" and standby.response["task"] == ["handler.py"]
    assert standby.response["internal"] == [] and standby.response["tz"] == ["UTC", "UTC"]
    # Init Duration counts the standby's own start: never less than a handler import alone.
    assert standby.init_duration_ms > 5 and "Init Duration" in standby.logs
    assert box.invoke(fn, {}).cold_start is False  # and it stays warm for the function


def test_each_standby_holds_only_its_own_function(box, function):
    first = function(PROBE, files={"secret_a.py": "KEY = 'a'"})
    second = function(PROBE, files={"secret_b.py": "KEY = 'b'"})
    assert invoke_from_standby(box, first).response["task"] == ["handler.py", "secret_a.py"]
    assert invoke_from_standby(box, second).response["task"] == ["handler.py", "secret_b.py"]


def test_a_standby_takes_its_functions_memory_limit(box, function):
    code = """
def handler(event, context):
    block = bytearray(event * 1024 * 1024)
    return len(block) // 2**20
"""
    small = invoke_from_standby(box, function(code, memory_mb=128, timeout_s=10), 300)
    assert small.status == "out_of_memory", small.to_dict()
    large = invoke_from_standby(box, function(code, memory_mb=512, timeout_s=10), 300)
    assert large.status == "ok" and large.response == 300, large.to_dict()


def test_the_account_socket_reaches_a_standby(box, function, tmp_path):
    path = tmp_path / "aws.sock"
    server = _UnixHTTPServer(str(path), _Reply)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = """
import os, urllib.request

def handler(event, context):
    with urllib.request.urlopen(os.environ["AWS_ENDPOINT_URL"] + "/ping", timeout=5) as response:
        return response.read().decode()
"""
    try:
        result = invoke_from_standby(box, function(code, timeout_s=10), socket_path=path)
    finally:
        server.shutdown()
        server.server_close()
    assert result.status == "ok" and result.response == "emulated AWS saw /ping", result.to_dict()


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"environment": {"TZ": "Asia/Tokyo"}}, "TZ is read while the runtime starts"),
        ({"environment": {"AWS_LAMBDA_LOG_LEVEL": "DEBUG"}}, "AWS_LAMBDA_LOG_LEVEL is read"),
        ({"environment": {"PYTHONHASHSEED": "1"}}, "PYTHONHASHSEED is read"),
        ({"ephemeral_mb": 1024}, "ephemeral storage of 1024 MB"),
        ({"files": {"stat.py": "X = 1"}}, "the function's 'stat' would shadow"),
    ],
)
def test_what_a_standby_cannot_start_the_same_way_starts_fresh(box, fresh_box, function, config, reason, caplog):
    fn = function(PROBE, **config)
    standby_ready(box, fn)
    served, refused = box.standby.served, box.standby.refused
    with caplog.at_level("DEBUG", logger="courseware.sandbox"):
        result = box.invoke(fn, {})
    assert (box.standby.served, box.standby.refused) == (served, refused + 1)
    assert any(reason in record.getMessage() for record in caplog.records), [r.getMessage() for r in caplog.records]
    fresh = fresh_box.invoke(fn, {})
    assert result.status == fresh.status == "ok" and result.response == fresh.response
    assert box.standby.ready_count() == 1  # still there for the next function


def test_standbys_end_with_the_sandbox(function):
    sandbox = Sandbox(SandboxLimits(max_environments=4))
    fn = function(PROBE)
    standby_ready(sandbox, fn)
    waiting = sandbox.standby.waiting()
    assert waiting and all(env.alive for env in waiting)
    sandbox.shutdown()
    assert not any(env.alive for env in waiting)
    assert not any(env.slot.root.exists() for env in waiting)
    assert not os.path.exists(sandbox._workdir)
