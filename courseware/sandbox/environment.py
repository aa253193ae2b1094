"""One execution environment: a sandboxed runtime process that serves invocations one at a time."""

import json
import os
import queue
import signal
import subprocess
import threading
import time
import uuid

from .cgroups import Cgroups
from .config import FunctionConfig, SandboxLimits
from .containment import Mounts, bwrap_command, lambda_environment, unsafe_command, unsafe_sys_path
from .ephemeral import DiskPool, EphemeralDisk, EphemeralUnavailable
from .images import RuntimeImage

LOG_END = b"\x1e--lambda-log-end--"
TIMED_OUT = {"type": "timed-out"}
INIT_TIMEOUT_S = 10.0  # Lambda's init phase limit
ADDRESS_SPACE_HEADROOM_MB = 384  # Python maps far more than it touches; RLIMIT_AS counts all of it


class EnvironmentDied(Exception):
    def __init__(self, reason: str, out_of_memory: bool = False, log: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.out_of_memory = out_of_memory
        self.log = log


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

    # Starting: the INIT phase ------------------------------------------------------------------
    def start(self) -> None:
        self._make_disk()
        read_fd, write_fd = os.pipe()
        command, env = self._command({"_RESULT_FD": str(write_fd)})
        if self.cgroups:
            self.cgroups.create(self.function, self.limits, self.cgroups_available)
        memory_cgroup = bool(self.cgroups and self.cgroups_available.get("memory"))
        command = self._confined(command, self.limits, self.cgroups, memory_cgroup, self.function.memory_mb)
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
        ready = self._next_result(INIT_TIMEOUT_S)
        if ready is None or ready is TIMED_OUT:
            timed_out = ready is TIMED_OUT
            self.kill()
            raise EnvironmentDied(
                "timed out during init" if timed_out else "exited during init",
                log=self._next_log(1.0),
            )
        self.init_log = self._next_log(2.0)
        # Lambda's Init Duration covers starting the runtime as well as importing the handler.
        self.init_ms, self.init_error = (time.perf_counter() - spawned) * 1000, ready.get("error")
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
            self.mounts = Mounts(self.mounts.code, self.mounts.opt, self.disk.mountpoint, self.mounts.socket)

    def _command(self, extra: dict[str, str]) -> tuple[list[str], dict[str, str]]:
        """The runtime's command line and environment: inside bwrap (which sets Lambda's variables
        itself), or, in unsafe mode, the host's interpreter with the image on its path."""
        if self.mounts.socket is not None:
            extra = extra | {
                "_AWS_SOCKET": "/var/run/aws.sock" if not self.unsafe else str(self.mounts.socket),
                "_AWS_PORT": "4566",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
                # AWS serves a few actions on a prefixed host (StartSyncExecution on sync-states.*);
                # before an address, botocore's prefix would make "sync-127.0.0.1", which resolves nowhere.
                "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
                # The execution role's session credentials, as Lambda provides them. The socket
                # pins the account whatever they say, so they need not be secret.
                "AWS_ACCESS_KEY_ID": "ASIALAMBDAEXECROLE01",
                "AWS_ACCESS_KEY": "ASIALAMBDAEXECROLE01",
                "AWS_SECRET_ACCESS_KEY": "lambda-execution-role",
                "AWS_SESSION_TOKEN": "lambda-session",
            }
        env = lambda_environment(self.function, self.image, extra)
        if self.unsafe:
            env |= {
                "LAMBDA_TASK_ROOT": str(self.mounts.code),
                "_LAMBDA_SYS_PATH": unsafe_sys_path(self.image, self.mounts),
            }
            return unsafe_command(self.image), env
        return bwrap_command(self.function, self.image, self.mounts, env), {"PATH": "/usr/bin:/bin"}

    @staticmethod
    def _confined(command: list[str], limits: SandboxLimits, cgroups, memory_cgroup: bool, memory_mb: int) -> list[str]:
        """Wrap the command: a shell moves itself into the cgroups, prlimit sets the rlimits, then
        both exec the sandbox (same pid). A Python preexec_fn would cost a fork of this whole
        process on every cold start."""
        rlimits = [
            f"--nofile={limits.max_open_files}:{limits.max_open_files}",
            "--core=0:0",
            f"--cpu={limits.cpu_seconds_per_environment}:{limits.cpu_seconds_per_environment + 5}",
        ]
        if not memory_cgroup:  # no kernel accounting: cap the address space instead (coarser)
            address_space = (memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
            rlimits.append(f"--as={address_space}:{address_space}")
        procs = [str(d / "cgroup.procs") for d in cgroups.dirs.values() if d.is_dir()] if cgroups else []
        enter = 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
        return ["/bin/sh", "-c", enter, "sandbox", *procs, "--", "prlimit", *rlimits, *command]

    def _read_results(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for line in pipe:
                try:
                    self.results.put(json.loads(line))
                except ValueError:
                    continue
        self.results.put(None)

    def _read_logs(self) -> None:
        """Split the runtime's output into one log per invocation at each marker, capped in size
        (the rest is read and dropped, so a chatty function never blocks on a full pipe)."""
        cap, buffer, size, truncated, pending = self.limits.max_output_bytes, [], 0, False, b""
        for chunk in iter(lambda: self.process.stdout.read1(65536), b""):
            pending += chunk
            while (marker := pending.find(LOG_END)) >= 0:
                size, truncated = self._append(buffer, pending[:marker], size, cap, truncated)
                pending = pending[marker + len(LOG_END) :].removeprefix(b"\n")
                log = b"".join(buffer).decode("utf-8", "replace")
                self.logs.put(log + (f"\n[output truncated: more than {cap:,} bytes]\n" if truncated else ""))
                buffer, size, truncated = [], 0, False
            keep = len(LOG_END) - 1  # a marker may straddle two chunks
            if len(pending) > keep:
                size, truncated = self._append(buffer, pending[:-keep], size, cap, truncated)
                pending = pending[-keep:]
        self._append(buffer, pending, size, cap, truncated)
        self.logs.put(b"".join(buffer).decode("utf-8", "replace"))

    @staticmethod
    def _append(buffer: list, text: bytes, size: int, cap: int, truncated: bool) -> tuple[int, bool]:
        if not text:
            return size, truncated
        room = cap - size
        if room <= 0:
            return size, True
        buffer.append(text[:room])
        return size + min(room, len(text)), truncated or len(text) > room

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
        if self.cgroups:
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                self.cgroups.remove()
                if not any(path.exists() for path in self.cgroups.dirs.values()):
                    break
                time.sleep(0.05)
