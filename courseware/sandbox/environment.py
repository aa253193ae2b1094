"""One execution environment: a sandboxed runtime process that serves invocations one at a time."""

import json
import os
import queue
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, replace

from .cgroups import Cgroups
from .config import FunctionConfig, SandboxLimits
from .containment import (
    Mounts,
    aws_variables,
    bwrap_command,
    confined_command,
    lambda_environment,
    unsafe_command,
    unsafe_sys_path,
)
from .ephemeral import DiskPool, EphemeralDisk, EphemeralUnavailable
from .images import RuntimeImage
from .output import split_output
from .slots import SOCKET_IN_SANDBOX, Slot

TIMED_OUT = {"type": "timed-out"}
INIT_TIMEOUT_S = 10.0  # Lambda's init phase limit


class EnvironmentDied(Exception):
    def __init__(self, reason: str, out_of_memory: bool = False, log: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.out_of_memory = out_of_memory
        self.log = log


@dataclass(frozen=True)
class Standing:
    """A standby runtime's start: how long it took, and the modules it had loaded by then."""

    started_ms: float
    preloaded: frozenset[str]


class Environment:
    def __init__(
        self,
        function: FunctionConfig,
        image: RuntimeImage,
        mounts: Mounts,
        limits: SandboxLimits,
        *,
        cgroups_available: dict,
        unsafe: bool,
        disks: DiskPool | None = None,
        spawn=None,
        slot: Slot | None = None,
    ):
        self.id = uuid.uuid4().hex[:12]
        self.function, self.image, self.mounts, self.limits, self.unsafe = function, image, mounts, limits, unsafe
        self.disks = disks  # None: /tmp is a tmpfs of the function's size
        self.disk: EphemeralDisk | None = None
        self.spawn = spawn or (lambda start: start())
        self.cgroups = Cgroups(self.id) if any(cgroups_available.values()) and not unsafe else None
        self.cgroups_available = cgroups_available
        self.busy = True
        self.last_used = time.monotonic()
        self.results: queue.Queue = queue.Queue()
        self.logs: queue.Queue = queue.Queue()
        self.process: subprocess.Popen | None = None
        self.init_ms: float | None = None
        self.init_error: dict | None = None
        self.init_log = ""
        self.cpu_share_enforced = False
        self.slot = slot  # a standby's folders (`mounts` binds them); `target`: what goes in them
        self.standby: Standing | None = None
        self.target: Mounts | None = None

    # Starting: the INIT phase ------------------------------------------------------------------
    def start(self) -> None:
        """INIT: start the runtime and import the handler, or hand a standby runtime its function."""
        if self.standby is not None:
            began = time.perf_counter()
            self._hand_over()
            self._finish_init(began, earlier_ms=self.standby.started_ms)
            return
        self._make_disk()
        self._finish_init(self._launch({}), earlier_ms=0.0)

    def start_standby(self) -> None:
        """Start the runtime before its function is known (see `standby`): it stops when AWS's
        runtime client is imported, before anything of a function is read."""
        self._make_disk()
        began = self._launch({"_LAMBDA_STANDBY": "1"})
        message = self._first_message()
        self._next_log(2.0)  # the marker after its (empty) output
        if message.get("type") != "standby":
            self.kill()
            raise EnvironmentDied(f"the standby runtime said {message.get('type')!r}")
        self.standby = Standing((time.perf_counter() - began) * 1000, frozenset(message["preloaded"]))

    def assign(self, function: FunctionConfig, mounts: Mounts) -> None:
        """This standby runtime is now `function`'s (`start` hands it over)."""
        self.function, self.target = function, mounts

    def _hand_over(self) -> None:
        self.slot.fill(self.target.code, self.target.opt, self.target.socket)
        if self.cgroups and self.cgroups_available.get("memory"):
            self.cgroups.set_memory(self.function.memory_mb)  # it waited under the smallest size
        socket = SOCKET_IN_SANDBOX if self.target.socket is not None else None
        variables = lambda_environment(self.function, self.image, aws_variables(socket))
        try:
            self.process.stdin.write((json.dumps(variables) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            self.kill()
            raise EnvironmentDied("the standby runtime is gone") from error

    def _launch(self, extra: dict[str, str]) -> float:
        """Spawn the runtime in its sandbox and its cgroups; the moment it was spawned."""
        read_fd, write_fd = os.pipe()
        command, env = self._command({"_RESULT_FD": str(write_fd), **extra})
        if self.cgroups:
            self.cgroups.create(self.function, self.limits, self.cgroups_available)
        memory_cgroup = bool(self.cgroups and self.cgroups_available.get("memory"))
        procs = [str(d / "cgroup.procs") for d in self.cgroups.dirs.values() if d.is_dir()] if self.cgroups else []
        command = confined_command(command, self.limits, procs, None if memory_cgroup else self.function.memory_mb)
        spawned = time.perf_counter()
        self.process = self.spawn(
            lambda: subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                env=env,
                cwd=self.mounts.code if self.unsafe else "/",
                start_new_session=True,
            )
        )
        os.close(write_fd)
        threading.Thread(target=self._read_results, args=(read_fd,), daemon=True).start()
        threading.Thread(target=self._read_logs, daemon=True).start()
        return spawned

    def _first_message(self) -> dict:
        ready = self._next_result(INIT_TIMEOUT_S)
        if ready is None or ready is TIMED_OUT:
            timed_out = ready is TIMED_OUT
            self.kill()
            raise EnvironmentDied(
                "timed out during init" if timed_out else "exited during init",
                log=self._next_log(1.0),
            )
        return ready

    def _finish_init(self, began: float, *, earlier_ms: float) -> None:
        ready = self._first_message()
        self.init_log = self._next_log(2.0)
        # Lambda's Init Duration covers starting the runtime as well as importing the handler; a
        # standby runtime started earlier, and that time counts too.
        self.init_ms, self.init_error = earlier_ms + (time.perf_counter() - began) * 1000, ready.get("error")
        if self.cgroups and not self.init_error:
            # INIT ran at full speed (as Lambda's init does); invocations get memory/1,769 of a vCPU.
            self.cpu_share_enforced = self.cgroups.set_cpu_share(self.function.memory_mb, self.limits.enforce_cpu_share)

    def _make_disk(self) -> None:
        """Ephemeral storage of the function's size, on disk (see `ephemeral`); a tmpfs where the
        host cannot make one."""
        if self.disks is None:
            return
        try:
            self.disk = self.disks.take(self.function.ephemeral_mb)
        except (EphemeralUnavailable, OSError):
            self.disk = None
        else:
            self.mounts = replace(self.mounts, tmp=self.disk.mountpoint)

    def _command(self, extra: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        """The runtime's command line and environment: inside bwrap (which sets Lambda's variables
        itself), or, in unsafe mode, the host's interpreter with the image on its path."""
        if self.mounts.socket is not None:
            extra = extra | aws_variables("/var/run/aws.sock" if not self.unsafe else str(self.mounts.socket))
        env = lambda_environment(self.function, self.image, extra)
        if self.unsafe:
            env |= {
                "LAMBDA_TASK_ROOT": str(self.mounts.code),
                "_LAMBDA_SYS_PATH": unsafe_sys_path(self.image, self.mounts),
            }
            return unsafe_command(self.image), env
        return bwrap_command(self.function, self.image, self.mounts, env), {"PATH": "/usr/bin:/bin"}

    def _read_results(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:
                try:
                    self.results.put(json.loads(line))
                except ValueError:
                    continue
        self.results.put(None)

    def _read_logs(self) -> None:
        split_output(self.process.stdout, self.limits.max_output_bytes, self.logs.put)

    def _next_result(self, timeout: float) -> dict | None:
        """The runtime's next message; None if it exited first, TIMED_OUT if the deadline passed."""
        try:
            return self.results.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return TIMED_OUT

    def _next_log(self, timeout: float) -> str:
        try:
            return self.logs.get(timeout=timeout)
        except queue.Empty:
            return ""

    # Invoking ----------------------------------------------------------------------------------
    def invoke(self, request: dict, timeout_s: float) -> tuple[dict | None, str]:
        """Send one event; (outcome, log). None outcome: the deadline passed (the caller kills us)."""
        if self.cgroups:
            self.cgroups.reset_peak_memory()
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise EnvironmentDied("the runtime is gone") from error
        outcome = self._next_result(timeout_s)
        if outcome is None:
            raise EnvironmentDied(self._death_reason(), out_of_memory=self._was_oom(), log=self._next_log(1.0))
        if outcome is TIMED_OUT:  # the deadline passed: stop it where it is, keep what it printed
            self.kill()
            return None, self._next_log(2.0)
        return outcome, self._next_log(2.0)

    def _death_reason(self) -> str:
        self.process.wait(timeout=5)
        code = self.process.returncode
        return (
            f"signal: {signal.Signals(-code).name.lower().removeprefix('sig')}" if code < 0 else f"exit status {code}"
        )

    def _was_oom(self) -> bool:
        return bool(self.cgroups and self.cgroups.oom_killed())

    def peak_memory_mb(self, rss_kb: int | None) -> int:
        """Max Memory Used: the runtime's peak resident memory, as Lambda reports it. Not the
        cgroup's peak, which counts the page cache of /tmp writes (a function that wrote 500 MB to
        /tmp has not used 500 MB of memory); the cgroup's, where the runtime could not say."""
        if rss_kb:
            return -(-rss_kb // 1024)
        peak = self.cgroups.peak_memory_mb() if self.cgroups else None
        return peak or 0

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        if self.disk is not None:
            self.disk.remove()
            self.disk = None
        if self.slot is not None:
            self.slot.remove()
        if self.cgroups:
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                self.cgroups.remove()
                if not any(path.exists() for path in self.cgroups.dirs.values()):
                    break
                time.sleep(0.05)
