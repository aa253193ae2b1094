import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from courseware.labrunner.emulator.backend import free_port


@pytest.fixture
def fleet(labs, settings):
    """Labs on a fleet of nodes: heartbeats counted in minutes, so no node is lost unless a test
    ages it, and the immediate task backend takes any node's queue."""
    settings.LABS_HEARTBEAT_S = 60
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}}
    return labs


class BackendProcess:
    """A real `manage.py labs_backend` process (its own moto, so killing it loses its state)."""

    def __init__(self, *args: str, env: dict | None = None):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "labs_backend", "--port", str(self.port), *args],
            cwd=django_settings.BASE_DIR,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = []
        for line in self.process.stdout:
            self.output.append(line)
            if "Lab backend (moto + sandbox) on" in line:
                return
        raise AssertionError("the lab backend did not start:\n" + "".join(self.output))

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=20)


@pytest.fixture
def backend_process():
    """Start real lab backends; each is killed at the end of the test."""
    started = []

    def start(*args: str, env: dict | None = None) -> BackendProcess:
        started.append(BackendProcess(*args, env=env))
        return started[-1]

    yield start
    for backend in started:
        backend.kill()
