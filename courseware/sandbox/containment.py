"""bubblewrap command lines for one execution environment: Lambda's filesystem and variables.

Inside, a function sees what it would see on Lambda: its code at /var/task (read-only), its layers
merged at /opt, the runtime image at /var/runtime and the interpreter at /var/lang, ephemeral
storage at /tmp, and the system's /usr and /lib read-only. Nothing of the platform: not its
virtualenv, settings, database or other learners' code.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from .config import FunctionConfig, SandboxLimits
from .images import RuntimeImage

SANDBOX_UID, SANDBOX_GID = 993, 990
ADDRESS_SPACE_HEADROOM_MB = 384  # Python maps far more than it touches; RLIMIT_AS counts all of it


@dataclass(frozen=True)
class Mounts:
    code: Path
    opt: Path | None = None  # the function's layers, merged in order
    tmp: Path | None = None  # ephemeral storage of its own; else a tmpfs of its size
    socket: Path | None = None  # the account's AWS socket
    socket_dir: Path | None = None  # a standby's folder for it, filled once its account is known


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def lambda_environment(function: FunctionConfig, image: RuntimeImage, extra: dict) -> dict[str, str]:
    """Only Lambda's variables (with the values Lambda gives them) and the function's own."""
    stream = "2026/11/22/[$LATEST]" + function.fingerprint("")[:32]
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_REGION": function.region,
        "AWS_DEFAULT_REGION": function.region,
        # Lambda's tracing daemon; here nothing listens, and UDP to loopback fails silently.
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "_HANDLER": function.handler,
        "TZ": ":UTC",
        "LANG": "en_US.UTF-8",
        "PATH": "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        "PYTHONPATH": "/var/runtime",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "HOME": "/tmp",
        "_LAMBDA_SYS_PATH": ":".join(image.sys_path()),
    }
    env.update({str(k): str(v) for k, v in function.environment.items()})
    env.update(extra)
    return env


def aws_variables(socket: str | None) -> dict[str, str]:
    """What reaches the learner's emulated account from inside: the socket (the forwarder relays
    127.0.0.1:4566 to it) and the execution role's credentials."""
    if socket is None:
        return {}
    return {
        "_AWS_SOCKET": socket,
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


def bwrap_command(function: FunctionConfig, image: RuntimeImage, mounts: Mounts, env: dict) -> list[str]:
    command = [
        bwrap_path() or "bwrap",
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID), "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr", "--ro-bind", "/lib", "/lib", "--ro-bind", "/bin", "/bin",
        "--ro-bind", str(image.prefix), "/var/lang",
        "--ro-bind", str(image.runtime_dir), "/var/runtime",
        "--ro-bind", str(mounts.code), "/var/task",
        "--proc", "/proc", "--dev", "/dev", "--chdir", "/var/task", "--clearenv",
    ]  # each option beside its arguments, as bwrap reads them  # fmt: skip
    if image.sdk_mounted_as_site_packages:
        command += ["--ro-bind", str(image.sdk_dir), image.site_packages]
    else:
        command += ["--ro-bind", str(image.sdk_dir), "/var/runtime/sdk"]
    if Path("/lib64").exists():
        command += ["--ro-bind", "/lib64", "/lib64"]
    if mounts.opt is not None:
        command += ["--ro-bind", str(mounts.opt), "/opt"]
    if mounts.tmp is not None:
        command += ["--bind", str(mounts.tmp), "/tmp"]
    else:
        command += ["--size", str(function.ephemeral_mb * 1024 * 1024), "--tmpfs", "/tmp"]
    if mounts.socket is not None:
        command += ["--ro-bind", str(mounts.socket), "/var/run/aws.sock"]
    if mounts.socket_dir is not None:
        command += ["--ro-bind", str(mounts.socket_dir), "/var/run/aws"]
    for key, value in env.items():
        command += ["--setenv", key, value]
    # -S: no site module; the bootstrap sets Lambda's search path (see runtime/bootstrap.py).
    return command + [image.python, "-S", "-u", "/var/runtime/bootstrap.py"]


def confined_command(
    command: list[str], limits: SandboxLimits, cgroup_procs: list[str], memory_mb: int | None
) -> list[str]:
    """Wrap the command: a shell moves itself into the cgroups, prlimit sets the rlimits, then
    both exec the sandbox (same pid). A Python preexec_fn would cost a fork of this whole
    process on every cold start. `memory_mb`: cap the address space, where no memory cgroup
    accounts for the memory (coarser)."""
    rlimits = [
        f"--nofile={limits.max_open_files}:{limits.max_open_files}",
        "--core=0:0",
        f"--cpu={limits.cpu_seconds_per_environment}:{limits.cpu_seconds_per_environment + 5}",
    ]
    if memory_mb is not None:
        address_space = (memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
        rlimits.append(f"--as={address_space}:{address_space}")
    enter = 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", enter, "sandbox", *cgroup_procs, "--", "prlimit", *rlimits, *command]


def unsafe_command(image: RuntimeImage) -> list[str]:
    return [str(image.host_python), "-S", "-u", str(image.runtime_dir / "bootstrap.py")]


def unsafe_sys_path(image: RuntimeImage, mounts: Mounts) -> str:
    """The same search order, in host paths, for unsafe mode."""
    found = [str(mounts.code)]
    if mounts.opt is not None:
        found += [
            str(mounts.opt / "python" / "lib" / f"python{image.version}" / "site-packages"),
            str(mounts.opt / "python"),
        ]
    return ":".join([*found, str(image.sdk_dir), str(image.runtime_dir)])
