"""cgroup (v1) limits for one execution environment: memory, processes and CPU share."""

import os
from pathlib import Path

from .config import FunctionConfig, SandboxLimits, vcpu_share

CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_NAME = "courseware-sandbox"
CPU_PERIOD_US = 100_000


class Cgroups:
    """One environment's cgroups (v1: memory, pids, cpu), where the host lets us make them."""

    def __init__(self, name: str):
        self.dirs = {kind: CGROUP_ROOT / kind / CGROUP_NAME / name for kind in ("memory", "pids", "cpu")}

    @staticmethod
    def available() -> dict[str, bool]:
        result = {}
        for kind in ("memory", "pids", "cpu"):
            base = CGROUP_ROOT / kind
            try:
                (base / CGROUP_NAME).mkdir(exist_ok=True)
                result[kind] = os.access(base / CGROUP_NAME, os.W_OK)
            except OSError:
                result[kind] = False
        return result

    def create(self, function: FunctionConfig, limits: SandboxLimits, available: dict[str, bool]) -> None:
        if available.get("memory"):
            self.set_memory(function.memory_mb)
            self._write("memory", "memory.swappiness", 0, quiet=True)
        if available.get("pids"):
            self._write("pids", "pids.max", limits.max_processes)
        if available.get("cpu"):
            self._write("cpu", "cpu.cfs_period_us", CPU_PERIOD_US)

    def set_memory(self, memory_mb: int) -> None:
        self._write("memory", "memory.limit_in_bytes", memory_mb * 1024 * 1024)

    def _write(self, kind: str, name: str, value, quiet: bool = False) -> None:
        directory = self.dirs[kind]
        directory.mkdir(parents=True, exist_ok=True)
        try:
            (directory / name).write_text(str(value))
        except OSError:
            if not quiet:
                raise

    def enter(self) -> None:
        """In the child before exec: move this process (and so the sandbox) into the cgroups."""
        for directory in self.dirs.values():
            if directory.is_dir():
                (directory / "cgroup.procs").write_text(str(os.getpid()))

    def set_cpu_share(self, memory_mb: int, enforce: bool) -> bool:
        quota = int(CPU_PERIOD_US * vcpu_share(memory_mb)) if enforce else -1
        path = self.dirs["cpu"] / "cpu.cfs_quota_us"
        if not path.parent.is_dir():
            return False
        path.write_text(str(max(1000, quota) if quota > 0 else -1))
        return quota > 0

    def reset_peak_memory(self) -> None:
        path = self.dirs["memory"] / "memory.max_usage_in_bytes"
        if path.exists():
            path.write_text("0")

    def peak_memory_mb(self) -> int | None:
        path = self.dirs["memory"] / "memory.max_usage_in_bytes"
        return -(-int(path.read_text()) // (1024 * 1024)) if path.exists() else None

    def oom_killed(self) -> bool:
        path = self.dirs["memory"] / "memory.oom_control"
        if path.exists():
            for line in path.read_text().splitlines():
                if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                    return True
        failcnt = self.dirs["memory"] / "memory.failcnt"
        return failcnt.exists() and int(failcnt.read_text() or 0) > 0

    def remove(self) -> None:
        for directory in self.dirs.values():
            try:
                directory.rmdir()
            except OSError:
                pass
