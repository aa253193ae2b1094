"""bubblewrap command lines and cgroup (v1) limits for one execution environment."""

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from .config import FunctionConfig, SandboxLimits, vcpu_share

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_NAME = "courseware-sandbox"
PYTHON_IN_SANDBOX = "/opt/python"
PACKAGES_IN_SANDBOX = "/opt/python-packages"
SANDBOX_UID, SANDBOX_GID = 993, 990
CPU_PERIOD_US = 100_000


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def python_layout() -> tuple[Path, str, Path | None]:
    """(Python installation, its executable inside the sandbox, site-packages with boto3 or None)."""
    prefix = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    packages = Path(sysconfig.get_paths()["purelib"])
    return prefix, f"{PYTHON_IN_SANDBOX}/bin/{version}", packages if packages.is_dir() else None


def lambda_environment(function: FunctionConfig, extra: dict) -> dict[str, str]:
    """Only Lambda's variables (and the function's own): nothing of the host's environment."""
    stream = "2026/11/22/[$LATEST]" + function.fingerprint("")[:32]
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "_HANDLER": function.handler,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LD_LIBRARY_PATH": f"{PYTHON_IN_SANDBOX}/lib",
        "PYTHONPATH": f"/var/runtime:{PACKAGES_IN_SANDBOX}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "HOME": "/tmp",
    }
    env.update({str(k): str(v) for k, v in function.environment.items()})
    env.update(extra)
    return env


def bwrap_command(function: FunctionConfig, code_dir: Path, env: dict, socket_path: Path | None) -> list[str]:
    prefix, python, packages = python_layout()
    command = [
        bwrap_path() or "bwrap",
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID), "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib", "--ro-bind", "/bin", "/bin",
        "--ro-bind", str(prefix), PYTHON_IN_SANDBOX,
        "--ro-bind", str(code_dir), "/var/task",
        "--ro-bind", str(RUNTIME_DIR), "/var/runtime",
        "--proc", "/proc", "--dev", "/dev",
        "--size", str(function.ephemeral_mb * 1024 * 1024), "--tmpfs", "/tmp",
        "--chdir", "/var/task", "--clearenv",
    ]  # each option beside its arguments, as bwrap reads them  # fmt: skip
    if Path("/lib64").exists():
        command += ["--ro-bind", "/lib64", "/lib64"]
    if packages is not None:
        command += ["--ro-bind", str(packages), PACKAGES_IN_SANDBOX]
    if socket_path is not None:
        command += ["--ro-bind", str(socket_path), "/var/run/aws.sock"]
    for key, value in env.items():
        command += ["--setenv", key, value]
    # -S: no site module (its .pth scanning is most of Python's start-up); PYTHONPATH names what we allow.
    return command + [python, "-S", "-u", "/var/runtime/bootstrap.py"]


def unsafe_command(function: FunctionConfig, code_dir: Path) -> list[str]:
    return [sys.executable, "-u", str(RUNTIME_DIR / "bootstrap.py")]


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
            self._write("memory", "memory.limit_in_bytes", function.memory_mb * 1024 * 1024)
            self._write("memory", "memory.swappiness", 0, quiet=True)
        if available.get("pids"):
            self._write("pids", "pids.max", limits.max_processes)
        if available.get("cpu"):
            self._write("cpu", "cpu.cfs_period_us", CPU_PERIOD_US)

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
