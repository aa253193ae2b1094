"""Run a Procfile's processes locally, as a platform (or honcho) would: `make serve` uses it so the
Procfile stays the one list of processes a deployment runs. `make run` (`manage.py dev`) uses
the same ProcessGroup for its development processes.

Each process runs under `sh -c` in its own session with the virtualenv first on PATH; its output
is prefixed with `name.N |`. If any process exits, the others are stopped: a half-running site is
worse than a stopped one, and the exit status says which process failed. The exception is a lab
node of a fleet while another lives: its workspaces move to the others, as on separate machines.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LINE_RE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


class ProcfileError(Exception):
    pass


@dataclass(frozen=True)
class ProcessType:
    name: str
    command: str


def procfile_read(path: Path) -> list[ProcessType]:
    types, seen = [], set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE_RE.match(line)
        if not match:
            raise ProcfileError(f"{path}:{number}: expected 'name: command'")
        if match[1] in seen:
            raise ProcfileError(f"{path}:{number}: process type {match[1]!r} appears twice")
        seen.add(match[1])
        types.append(ProcessType(match[1], match[2]))
    return types


def process_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONUNBUFFERED"] = "1"  # output reaches the prefixer line by line
    return env


class ProcessGroup:
    """Started processes; `wait()` returns when one exits or `stop()` is called."""

    def __init__(self, *, cwd: Path, env: dict[str, str], out=sys.stdout):
        self.cwd, self.env, self.out = cwd, env, out
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.survivable: set[str] = set()  # lab nodes of a fleet: losing one is what the fleet is for
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.exited = threading.Event()  # set when a process exits or stop() is called
        self.failed: str | None = None  # the process whose exit stopped the group

    def start(self, label: str, command: str, *, survivable: bool = False, **env) -> None:
        if survivable:
            self.survivable.add(label)
        child = subprocess.Popen(
            ["sh", "-c", command],
            cwd=self.cwd,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children.append((label, child))
        threading.Thread(target=self._relay, args=(label, child), daemon=True).start()

    def _relay(self, label: str, child: subprocess.Popen) -> None:
        for raw in child.stdout:
            self.write(label, raw.decode(errors="replace").rstrip("\n"))
        code = child.wait()
        if self._stopping.is_set():
            return self.exited.set()
        alive = [other for other, process in self.children if other in self.survivable and process.poll() is None]
        if label in self.survivable and alive:
            return self.write(label, f"exited with status {code}; its workspaces move to {', '.join(alive)}")
        self.write(label, f"exited with status {code}; stopping the others")
        self.failed = self.failed or label
        self.exited.set()

    def write(self, label: str, text: str) -> None:
        with self._lock:
            self.out.write(f"{label:<9}| {text}\n")
            self.out.flush()

    def wait(self) -> str | None:
        """Block until a process exits or stop() is called; the label of the one that exited."""
        self.exited.wait()
        return None if self._stopping.is_set() else self.failed

    def stop(self, timeout: float = 15) -> None:
        """Stop every process and whatever it started. A process's group is waited for, not only
        the process: a gunicorn worker outlives its master by a moment, holding the port open."""
        self._stopping.set()
        self.exited.set()
        for _, child in self.children:
            _signal_group(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for _, child in self.children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            while _signal_group(child.pid, 0) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _signal_group(child.pid, signal.SIGKILL):  # what is still there at the deadline
                gone = time.monotonic() + 5
                while _signal_group(child.pid, 0) and time.monotonic() < gone:  # until it is reaped
                    time.sleep(0.05)
            child.wait()


def _signal_group(group: int, number: int) -> bool:
    """Signal a process group (0: only ask whether it exists); False when nothing is left in it."""
    try:
        os.killpg(group, number)
    except ProcessLookupError:
        return False
    return True
