"""Runtimes started ahead of their functions, so that a cold start does not wait for one.

Most of a cold start here is the runtime's own: bwrap, the interpreter, and importing AWS's
runtime client (with `logging`, `json`, `re`...). That work is the same for every function of a
runtime, so the pool keeps `SandboxLimits.standby_per_runtime` runtimes started for each runtime
in use, each in its own sandbox and cgroups, stopped just before anything of a function is read
(Apache OpenWhisk's "stem cell" containers work the same way). A cold start takes one, links its
function's files into the standby's folders (`slots`), raises its memory limit to the function's
and sends the function's variables; INIT goes on from there exactly as on a fresh start, and
Init Duration counts the standby's own start as well.

Where a standby runtime could not behave exactly as a fresh start would, the function gets a fresh
start instead (`refusal` says why): a variable the interpreter or AWS's client reads while
starting (`PYTHON*`, `TZ`, `LANG`, `AWS_LAMBDA_LOG_FORMAT`...), another ephemeral storage size, or a
file of the function named like a module the standby had already imported. When the pool is empty
(a burst of cold starts), cold starts are fresh ones, as before; the pool refills behind them.
"""

import logging
import os
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from .config import FunctionConfig
from .containment import Mounts, lambda_environment
from .environment import Environment, EnvironmentDied
from .images import RuntimeImage

log = logging.getLogger("courseware.sandbox")

# Read while the interpreter or AWS's runtime client starts, so fixed once a standby is running.
STARTUP_VARIABLES = ("PYTHON", "LC_", "LD_", "LANG", "TZ", "HOME", "PATH", "AWS_EXECUTION_ENV")
STARTUP_NAMES = {"AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL"}  # read by awslambdaric.bootstrap on import
RETRY_AFTER_FAILURE_S = 5.0


def refusal(standby: Environment, function: FunctionConfig, image: RuntimeImage, mounts: Mounts) -> str | None:
    """Why `standby` cannot start `function` exactly as a fresh start would; None if it can."""
    if image != standby.image:
        return "the runtime image was rebuilt"
    if function.ephemeral_mb != standby.function.ephemeral_mb:
        return f"ephemeral storage of {function.ephemeral_mb} MB"
    started = lambda_environment(standby.function, image, {})
    wanted = lambda_environment(function, image, {})
    for key in sorted(started.keys() | wanted.keys()):
        if (key.startswith(STARTUP_VARIABLES) or key in STARTUP_NAMES) and started.get(key) != wanted.get(key):
            return f"{key} is read while the runtime starts"
    shadowed = sorted(top_level_names(mounts, image) & standby.standby.preloaded)
    if shadowed:
        return f"the function's {shadowed[0]!r} would shadow a module the runtime had imported"
    if mounts.socket is not None and os.stat(mounts.socket).st_dev != os.stat(standby.slot.run).st_dev:
        return "the account socket is on another filesystem"
    return None


def top_level_names(mounts: Mounts, image: RuntimeImage) -> set[str]:
    """The module names the function's code and layers provide at the top of the search path."""
    folders = [mounts.code]
    if mounts.opt is not None:
        folders += [mounts.opt / "python" / "lib" / f"python{image.version}" / "site-packages", mounts.opt / "python"]
    names = set()
    for folder in folders:
        try:
            names.update(name.partition(".")[0] for name in os.listdir(folder))
        except OSError:
            continue
    return names


class StandbyPool:
    """`per_runtime` standby runtimes for each runtime asked for so far, refilled in the background."""

    def __init__(self, per_runtime: int, make: Callable[[RuntimeImage], Environment]):
        self.per_runtime, self._make = per_runtime, make
        self._ready: dict[str, list[Environment]] = defaultdict(list)
        self._wanted: dict[str, RuntimeImage] = {}
        self._lock = threading.Lock()
        self._refill = threading.Event()
        self._closed = threading.Event()
        self.served = self.refused = 0  # cold starts each way, for the bench and /healthz
        if per_runtime > 0:
            threading.Thread(target=self._fill_forever, daemon=True, name="sandbox-standby").start()

    def take(self, function: FunctionConfig, image: RuntimeImage, mounts: Mounts) -> Environment | None:
        """A standby runtime assigned to `function`, or None: start a fresh one."""
        if self.per_runtime <= 0:
            return None
        with self._lock:
            self._wanted[function.runtime] = image
            ready = self._ready[function.runtime]
            while ready and not ready[0].alive:
                ready.pop(0).kill()
            standby = ready.pop(0) if ready else None
            reason = refusal(standby, function, image, mounts) if standby else "none ready"
            if standby is not None and reason is not None:
                ready.insert(0, standby)  # another function may use it
            if reason is None:
                self.served += 1
            else:
                self.refused += 1
        self._refill.set()
        if reason is not None:
            log.debug("fresh start for %s: %s", function.name, reason)
            return None
        standby.assign(function, mounts)
        return standby

    def ready_count(self) -> int:
        return len(self.waiting())

    def waiting(self) -> list[Environment]:
        with self._lock:
            return [env for ready in self._ready.values() for env in ready]

    def runtimes(self) -> list[str]:
        """The runtimes standbys are kept for: those asked for so far."""
        with self._lock:
            return sorted(self._wanted)

    def _fill_forever(self) -> None:
        while self._refill.wait() and not self._closed.is_set():
            self._refill.clear()
            for runtime, image in list(self._wanted.items()):
                while not self._closed.is_set() and self._missing(runtime, image):
                    standby = self._make(image)
                    try:
                        standby.start_standby()
                    except (EnvironmentDied, OSError) as error:
                        standby.kill()
                        log.warning("could not start a standby %s runtime: %s", runtime, error)
                        self._closed.wait(RETRY_AFTER_FAILURE_S)
                        break
                    with self._lock:
                        keep = not self._closed.is_set() and self._wanted.get(runtime) == image
                        if keep:
                            self._ready[runtime].append(standby)
                    if not keep:
                        standby.kill()

    def _missing(self, runtime: str, image: RuntimeImage) -> bool:
        with self._lock:
            stale = [env for env in self._ready[runtime] if env.image != image or not env.alive]
            self._ready[runtime] = [env for env in self._ready[runtime] if env not in stale]
            missing = len(self._ready[runtime]) < self.per_runtime
        for environment in stale:
            environment.kill()
        return missing

    def close(self) -> None:
        self._closed.set()
        self._refill.set()
        with self._lock:
            everything = [env for ready in self._ready.values() for env in ready]
            self._ready.clear()
        for environment in everything:
            environment.kill()


def placeholder(image: RuntimeImage, folder: Path) -> FunctionConfig:
    """What a standby runtime is started as: Lambda's defaults, replaced by its function's own."""
    return FunctionConfig(name="standby", handler="standby.handler", code=folder, runtime=image.runtime)
