"""Prove the confinement works before trusting it, and say exactly what is missing if not."""

import json
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .config import FunctionConfig

PROBE = textwrap.dedent("""
    import importlib.util, json, os, socket

    def handler(event, context):
        def can(action):
            try:
                action()
                return True
            except OSError:
                return False
        caps = open("/proc/self/status").read().split("CapEff:")[1].split()[0]
        return {
            "uid": os.getuid(),
            "caps": caps,
            "interfaces": [name for _, name in socket.if_nameindex()],
            "visible": sorted(os.listdir("/")),
            "env": sorted(os.environ),
            "task_writable": can(lambda: open("/var/task/probe-write", "w").close()),
            "host_loopback": can(lambda: socket.create_connection(("127.0.0.1", 22), timeout=0.5)),
            "tmp_bytes": os.statvfs("/tmp").f_bavail * os.statvfs("/tmp").f_frsize,
            "platform": [name for name in ("django", "moto", "courseware") if importlib.util.find_spec(name)],
            "tmp_type": [line.split()[2] for line in open("/proc/mounts") if line.split()[1] == "/tmp"],
        }
""")
ALLOWED_ROOT = {"bin", "dev", "lib", "lib64", "opt", "proc", "tmp", "usr", "var"}


@dataclass
class SelfCheck:
    ok: bool
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"{'ok ' if passed else 'NO '} {name}: {detail}" for name, passed, detail in self.checks]
        return "\n".join(lines)


CGROUP_EFFECTS = {
    "memory": "MemorySize enforced by the kernel",
    "pids": "process count limited",
    "cpu": "memory/1,769 of a vCPU enforced",
}
ESSENTIAL = {
    "probe",
    "unprivileged uid",
    "no capabilities",
    "no network but loopback",
    "minimal filesystem",
    "code read-only",
    "private /tmp capped",
    "only Lambda's environment",
    "only the runtime's packages",
}  # cgroups are welcome, not essential: without them limits are modelled and said so


def run_self_check(sandbox) -> SelfCheck:
    if sandbox.unsafe:
        return SelfCheck(
            False, [("containment", False, "UNSAFE mode (LABS_SANDBOX_UNSAFE=1): learner code runs uncontained")]
        )
    checks = cgroup_checks(sandbox.cgroups)
    with tempfile.TemporaryDirectory() as code:
        (Path(code) / "probe.py").write_text(PROBE)
        function = FunctionConfig(
            name="sandbox-self-check", handler="probe.handler", code=Path(code), timeout_s=10, ephemeral_mb=512
        )
        result = sandbox.invoke(function, {})
    if result.status != "ok":
        detail = f"the probe did not run: {result.status} {json.dumps(result.error)} {result.logs[-500:]}"
        return SelfCheck(False, [*checks, ("probe", False, detail)])
    checks += probe_checks(result.response)
    ok = all(passed for name, passed, _ in checks if name in ESSENTIAL)
    return SelfCheck(ok, checks)


def cgroup_checks(available: dict[str, bool]) -> list[tuple[str, bool, str]]:
    checks = []
    for kind, effect in CGROUP_EFFECTS.items():
        found = available.get(kind, False)
        detail = effect if found else f"not writable: {kind} not enforced (run as root with cgroup v1 {kind})"
        checks.append((f"cgroup {kind}", found, detail))
    return checks


def probe_checks(seen: dict) -> list[tuple[str, bool, str]]:
    """What the probe saw from inside the sandbox, held against what it should see."""
    return [
        ("unprivileged uid", seen["uid"] != 0, f"uid {seen['uid']}"),
        ("no capabilities", int(seen["caps"], 16) == 0, f"CapEff {seen['caps']}"),
        (
            "no network but loopback",
            seen["interfaces"] == ["lo"] and not seen["host_loopback"],
            f"interfaces {seen['interfaces']}, host loopback reachable: {seen['host_loopback']}",
        ),
        ("minimal filesystem", set(seen["visible"]) <= ALLOWED_ROOT, f"/ holds {seen['visible']}"),
        (
            "code read-only",
            not seen["task_writable"],
            "/var/task is read-only" if not seen["task_writable"] else "/var/task is writable",
        ),
        (
            "private /tmp capped",
            seen["tmp_bytes"] <= 512 * 1024 * 1024 * 1.02,
            f"/tmp has {seen['tmp_bytes'] // (1024 * 1024)} MB free of the function's 512 MB",
        ),
        (
            "only the runtime's packages",
            not seen["platform"],
            "the platform's packages are out of reach" if not seen["platform"] else f"importable: {seen['platform']}",
        ),
        (
            "ephemeral storage on disk",
            seen["tmp_type"][-1:] == ["ext4"],
            "/tmp is a filesystem of its own, not charged to memory"
            if seen["tmp_type"][-1:] == ["ext4"]
            else f"/tmp is {seen['tmp_type'][-1:] or 'unknown'}: it shares the function's memory (needs root and loop devices)",
        ),
        (
            "only Lambda's environment",
            not any(name in seen["env"] for name in ("SECRET_KEY", "DATABASE_URL", "HOME_SECRET")),
            f"{len(seen['env'])} variables",
        ),
    ]
