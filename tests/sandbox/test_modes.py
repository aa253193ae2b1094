"""The sandbox refuses to run without bwrap unless unsafe mode is named out loud; `lab invoke`."""

import io
import json
import logging

import pytest
from django.core.management import call_command

from courseware.sandbox import FunctionConfig, Sandbox, SandboxUnavailable, executor


def test_without_bwrap_the_sandbox_refuses(monkeypatch):
    monkeypatch.setattr(executor, "bwrap_path", lambda: None)
    monkeypatch.delenv("LABS_SANDBOX_UNSAFE", raising=False)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        Sandbox()


def test_unsafe_mode_runs_but_warns_loudly_every_time(monkeypatch, function, caplog):
    monkeypatch.setattr(executor, "bwrap_path", lambda: None)
    monkeypatch.setenv("LABS_SANDBOX_UNSAFE", "1")
    box = Sandbox()
    try:
        fn = function("def handler(event, context):\n    return event['x'] * 2\n")
        with caplog.at_level(logging.WARNING, logger="courseware.sandbox"):
            assert box.invoke(fn, {"x": 21}).response == 42
            assert box.invoke(fn, {"x": 1}).response == 2
        assert sum("UNSAFE SANDBOX" in record.message for record in caplog.records) == 2
        assert not box.self_check().ok and "UNSAFE" in box.self_check().report()
    finally:
        box.shutdown()


def test_invalid_configuration_is_refused(tmp_path):
    for bad in (
        {"memory_mb": 64},
        {"timeout_s": 901},
        {"ephemeral_mb": 100},
        {"environment": {"X": "y" * 5000}},
    ):
        with pytest.raises(ValueError):
            FunctionConfig(name="f", handler="h.handler", code=tmp_path, **bad)


def test_lab_invoke_command_contract(tmp_path):
    handler = tmp_path / "app.py"
    handler.write_text("def handler(event, context):\n    print('hi')\n    return {'echo': event}\n")
    stdout = io.StringIO()
    call_command(
        "lab",
        "invoke",
        "--handler-file",
        str(handler),
        "--memory",
        "256",
        "--timeout",
        "5",
        "--event",
        '{"a": 1}',
        "--json",
        stdout=stdout,
    )
    data = json.loads(stdout.getvalue())
    assert data["status"] == "ok" and data["response"] == {"echo": {"a": 1}} and data["error"] is None
    assert set(data) >= {
        "status",
        "response",
        "error",
        "logs",
        "duration_ms",
        "billed_duration_ms",
        "max_memory_used_mb",
        "init_duration_ms",
    }
    assert "hi" in data["logs"] and "REPORT RequestId:" in data["logs"] and data["init_duration_ms"] > 0
    handler.write_text("def handler(event, context):\n    raise RuntimeError('boom')\n")
    stdout = io.StringIO()
    call_command("lab", "invoke", "--handler-file", str(handler), "--json", stdout=stdout)
    data = json.loads(stdout.getvalue())
    assert data["status"] == "error" and data["error"]["errorType"] == "RuntimeError"


def test_lab_selfcheck_command():
    stdout = io.StringIO()
    call_command("lab", "selfcheck", stdout=stdout)
    text = stdout.getvalue()
    assert "ok  no network but loopback" in text and "Sandbox self-check passed." in text
