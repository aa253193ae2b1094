"""The sandbox: a pool of warm execution environments with Lambda's concurrency rules."""

import atexit
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import ephemeral, layers
from .cgroups import Cgroups
from .config import FunctionConfig, InvocationResult, SandboxLimits, code_digest, unsafe_requested
from .containment import Mounts, bwrap_path
from .environment import Environment
from .images import Images, RuntimeUnavailable
from .invocation import error_body, run_invocation
from .logs import with_lambda_log
from .selfcheck import SelfCheck, run_self_check
from .slots import Slot
from .standby import StandbyPool, placeholder

log = logging.getLogger("courseware.sandbox")


WORKDIR_PREFIX = "courseware-sandbox-"  # under the system temporary folder, one per sandbox


class SandboxUnavailable(RuntimeError):
    pass


class Sandbox:
    def __init__(
        self,
        limits: SandboxLimits | None = None,
        *,
        unsafe: bool | None = None,
        workdir: Path | None = None,
        images: Images | None = None,
    ):
        self.limits = limits or SandboxLimits()
        self.images = images or Images()
        self.unsafe = unsafe_requested() if unsafe is None else unsafe
        if not self.unsafe and not bwrap_path():
            raise SandboxUnavailable(
                "bubblewrap (bwrap) is not installed, so learner code cannot be contained. Install it "
                "(apt-get install bubblewrap) or, on a machine with nothing to protect, set LABS_SANDBOX_UNSAFE=1."
            )
        self.cgroups = {} if self.unsafe else Cgroups.available()
        # /tmp on disk, of each function's ephemeral size, where the host can loop-mount (root).
        # Owned by the host user the sandbox's user maps to (bwrap maps it to the one starting it).
        mounts_disks = not self.unsafe and os.geteuid() == 0 and ephemeral.supported()
        if mounts_disks and workdir is None:  # a node killed last time left its disks mounted
            ephemeral.reclaim_abandoned(Path(tempfile.gettempdir()), WORKDIR_PREFIX)
        self._workdir = Path(workdir or tempfile.mkdtemp(prefix=WORKDIR_PREFIX))
        ephemeral.claim(self._workdir)
        self._no_layers = self._workdir / "no-layers"
        self._no_layers.mkdir(exist_ok=True)
        self.disks = (
            ephemeral.DiskPool(self._workdir / "tmp", uid=os.geteuid(), gid=os.getegid()) if mounts_disks else None
        )
        self._lock = threading.Lock()
        self._environments: dict[str, list[Environment]] = {}
        self._closed = threading.Event()
        # bwrap --die-with-parent follows the *thread* that started it, so every environment is
        # started by this one long-lived thread, not by whichever caller's thread came first.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-spawner")
        threading.Thread(target=self._reap_idle, daemon=True, name="sandbox-reaper").start()
        # Runtimes started ahead of their functions (see `standby`): their memory limit is raised
        # to the function's when one is taken, which needs the memory cgroup.
        standbys = self.limits.standby_per_runtime if self.cgroups.get("memory") else 0
        self.standby = StandbyPool(standbys, self._standby_environment)
        atexit.register(self.shutdown)

    def self_check(self) -> SelfCheck:
        return run_self_check(self)

    def environment_count(self) -> int:
        """Execution environments alive now, warm or busy (the health endpoint reports it)."""
        with self._lock:
            return sum(len(environments) for environments in self._environments.values())

    # Invocation -------------------------------------------------------------------------------
    def invoke(
        self,
        function: FunctionConfig,
        event,
        *,
        socket_path: Path | None = None,
        request_id: str | None = None,
        context: dict | None = None,
    ) -> InvocationResult:
        """Run `event` (any JSON-able object, or the payload's raw bytes) through `function`.
        `context`: what Lambda passes beside the event (client_context, cognito_identity)."""
        request_id = request_id or str(uuid.uuid4())
        if self.unsafe:
            log.warning(
                "UNSAFE SANDBOX: running %s without containment (LABS_SANDBOX_UNSAFE=1). Never do this with untrusted code.",
                function.name,
            )
        try:
            image = self.images.get(function.runtime)
            code_dir, digest = self._unpack(function.code)
            # Lambda's /opt is there, empty, for a function without layers.
            opt = layers.merged(function.layers, self._workdir) or self._no_layers
        except RuntimeUnavailable as error:
            result = InvocationResult("error", request_id, error=error_body("InvalidRuntimeException", str(error)))
            return self._finish(result, function, "")
        mounts = Mounts(code=code_dir, opt=opt, socket=socket_path)
        key = function.fingerprint(digest) + (str(socket_path) if socket_path else "")
        environment, cold = self._acquire(function, key, image, mounts)
        if environment is None:
            return self._finish(
                InvocationResult(
                    "throttled",
                    request_id,
                    error=error_body("TooManyRequestsException", "Rate Exceeded."),
                ),
                function,
                "",
            )
        try:
            result, output = run_invocation(environment, cold, function, event, request_id, context)
            return self._finish(result, function, output)
        finally:
            self._release(key, environment)

    def _finish(self, result: InvocationResult, function: FunctionConfig, output: str) -> InvocationResult:
        return result if result.status == "throttled" else with_lambda_log(result, function, output)

    # The pool ---------------------------------------------------------------------------------
    def _make_room(self, evicted: list) -> bool:
        """Under the lock: is there room for one more environment? Idle ones (least recently used
        first) give way to a new one, as on Lambda; only busy environments count against the cap."""
        everything = [env for group in self._environments.values() for env in group]
        idle = sorted((env for env in everything if not env.busy), key=lambda env: env.last_used)
        while len(everything) - len(evicted) >= self.limits.max_environments and idle:
            victim = idle.pop(0)
            for group in self._environments.values():
                if victim in group:
                    group.remove(victim)
            evicted.append(victim)
        return len(everything) - len(evicted) < self.limits.max_environments

    def _acquire(self, function, key, image, mounts) -> tuple[Environment | None, bool]:
        stale, cold = [], False
        with self._lock:
            for other_key, group in list(self._environments.items()):
                if (
                    other_key != key
                    and group
                    and group[0].function.name == function.name
                    and group[0].function.account_id == function.account_id
                ):
                    stale += [env for env in group if not env.busy]  # code or config changed
                    self._environments[other_key] = [env for env in group if env.busy]
            group = self._environments.setdefault(key, [])
            for environment in group:
                if not environment.busy and environment.alive:
                    environment.busy = True
                    break
            else:
                environment = None
                busy_here = sum(
                    1
                    for g in self._environments.values()
                    for env in g
                    if env.busy and env.function.name == function.name
                )
                if busy_here < self.limits.max_per_function and self._make_room(stale):
                    environment = self.standby.take(function, image, mounts) or Environment(
                        function,
                        image,
                        mounts,
                        self.limits,
                        cgroups_available=self.cgroups,
                        unsafe=self.unsafe,
                        disks=self.disks,
                        spawn=self._spawn,
                    )
                    group.append(environment)
                    cold = True
        _kill_in_background(stale)  # never make the caller wait for someone else's clean-up
        return environment, cold

    def _release(self, key: str, environment: Environment) -> None:
        with self._lock:
            environment.busy = False
            environment.last_used = time.monotonic()
            if not environment.alive:
                group = self._environments.get(key, [])
                if environment in group:
                    group.remove(environment)
        if not environment.alive:
            _kill_in_background([environment])

    def _reap_idle(self) -> None:
        while not self._closed.wait(min(5.0, self.limits.idle_seconds / 2)):
            now, idle = time.monotonic(), []
            with self._lock:
                for group in self._environments.values():
                    for environment in list(group):
                        if not environment.busy and (
                            now - environment.last_used > self.limits.idle_seconds or not environment.alive
                        ):
                            group.remove(environment)
                            idle.append(environment)
            for environment in idle:
                environment.kill()

    def _standby_environment(self, image) -> Environment:
        slot = Slot(self._workdir / "standby" / uuid.uuid4().hex[:12])
        return Environment(
            placeholder(image, slot.task),
            image,
            Mounts(code=slot.task, opt=slot.opt, socket_dir=slot.run),
            self.limits,
            cgroups_available=self.cgroups,
            unsafe=self.unsafe,
            disks=self.disks,
            spawn=self._spawn,
            slot=slot,
        )

    def _spawn(self, start):
        return self._spawner.submit(start).result()

    def warm_environments(self) -> int:
        with self._lock:
            return sum(1 for group in self._environments.values() for env in group if env.alive)

    def shutdown(self) -> None:
        self._closed.set()
        self.standby.close()
        with self._lock:
            everything = [env for group in self._environments.values() for env in group]
            self._environments.clear()
        for environment in everything:
            environment.kill()
        if self.disks is not None:
            self.disks.close()
        self._spawner.shutdown(wait=False)
        shutil.rmtree(self._workdir, ignore_errors=True)

    # Code -------------------------------------------------------------------------------------
    def _unpack(self, code: Path) -> tuple[Path, str]:
        return layers.unpack(Path(code), self._workdir / "code"), code_digest(Path(code))


def _kill_in_background(environments: list) -> None:
    if environments:
        threading.Thread(target=lambda: [env.kill() for env in environments], daemon=True).start()
