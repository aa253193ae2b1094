import textwrap
import uuid
from pathlib import Path

import pytest

from courseware.sandbox import FunctionConfig, Sandbox, SandboxLimits


@pytest.fixture(scope="session")
def sandbox():
    box = Sandbox(SandboxLimits(max_environments=12, max_per_function=10, idle_seconds=60, max_output_bytes=256 * 1024))
    check = box.self_check()
    assert check.ok, check.report()
    yield box
    box.shutdown()


@pytest.fixture
def function(tmp_path):
    """Write a handler module and describe the function: function(code, **config)."""

    def make(code: str, *, handler: str = "handler.handler", files: dict | None = None, **config) -> FunctionConfig:
        directory = tmp_path / f"fn-{uuid.uuid4().hex[:6]}"
        directory.mkdir()
        (directory / "handler.py").write_text(textwrap.dedent(code))
        for name, text in (files or {}).items():
            (directory / name).write_text(textwrap.dedent(text))
        return FunctionConfig(name=config.pop("name", directory.name), handler=handler, code=directory, **config)

    return make


OK_HANDLER = """
def handler(event, context):
    return {"ok": True}
"""


@pytest.fixture
def still_works(sandbox, function):
    """After an attack: the host is unaffected and the next invocation works."""

    def check() -> None:
        import subprocess

        assert subprocess.run(["true"], timeout=10).returncode == 0
        result = sandbox.invoke(function(OK_HANDLER), {})
        assert result.status == "ok" and result.response == {"ok": True}, result.to_dict()

    return check


def read(path: Path) -> str:
    return Path(path).read_text()
