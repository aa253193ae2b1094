"""What a function is, what the sandbox allows, and what an invocation returns."""

import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

ONE_VCPU_MB = 1769


@dataclass(frozen=True)
class FunctionConfig:
    name: str
    handler: str  # module.function
    code: Path  # a directory (or a .zip, unpacked by the sandbox)
    runtime: str = "python3.11"
    layers: tuple[Path, ...] = ()  # directories or .zips, merged at /opt in this order
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: dict = field(default_factory=dict)
    ephemeral_mb: int = 512
    architecture: str = "x86_64"
    account_id: str = "123456789012"
    region: str = "us-east-1"
    revision: str = ""  # bumped by any update of code or configuration

    def __post_init__(self):
        if not 128 <= self.memory_mb <= 10240:
            raise ValueError(f"memory_mb must be 128–10,240, not {self.memory_mb}")
        if not 0 < self.timeout_s <= 900:
            raise ValueError(f"timeout_s must be in (0, 900], not {self.timeout_s}")
        if not 512 <= self.ephemeral_mb <= 10240:
            raise ValueError(f"ephemeral_mb must be 512–10,240, not {self.ephemeral_mb}")
        if sum(len(k) + len(str(v)) for k, v in self.environment.items()) > 4096:
            raise ValueError("environment variables exceed Lambda's 4 KB")
        if len(self.layers) > 5:
            raise ValueError(f"a function has at most 5 layers, not {len(self.layers)}")

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.name}"

    def fingerprint(self, code_digest: str) -> str:
        """Code and configuration: a change to either means a new execution environment."""
        settings = repr(
            (
                self.name,
                self.handler,
                self.runtime,
                tuple(str(layer) for layer in self.layers),
                self.memory_mb,
                self.timeout_s,
                sorted(self.environment.items()),
                self.ephemeral_mb,
                self.architecture,
                self.account_id,
                self.region,
                self.revision,
            )
        )
        return hashlib.sha256((settings + code_digest).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SandboxLimits:
    max_environments: int = 10  # warm or busy, all functions together
    max_per_function: int = 10  # a function's concurrency cap
    idle_seconds: float = 300.0  # a warm environment unused this long is shut down
    max_output_bytes: int = 1024 * 1024  # captured log per invocation
    max_processes: int = 64  # per environment (cgroup pids.max)
    max_open_files: int = 256
    cpu_seconds_per_environment: int = 1800  # RLIMIT_CPU: a warm environment's lifetime budget
    enforce_cpu_share: bool = True  # memory/1,769 of a vCPU via a cgroup quota, where allowed
    standby_per_runtime: int = 1  # runtimes started ahead of their functions, per runtime in use


def code_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for item in sorted(Path(path).rglob("*")) if Path(path).is_dir() else [Path(path)]:
        if item.is_file():
            digest.update(str(item.relative_to(path) if Path(path).is_dir() else item.name).encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()


def vcpu_share(memory_mb: int) -> float:
    return memory_mb / ONE_VCPU_MB


def billed(duration_ms: float) -> int:
    return max(1, math.ceil(duration_ms))


@dataclass
class InvocationResult:
    status: str  # ok | error | timeout | out_of_memory | throttled | sandbox_error
    request_id: str
    response: object = None  # the payload, parsed, when it is JSON
    payload: bytes | None = None  # the payload exactly as the function returned it
    error: dict | None = None
    logs: str = ""
    duration_ms: float = 0.0
    billed_duration_ms: int = 0
    max_memory_used_mb: int = 0
    init_duration_ms: float | None = None
    cold_start: bool = False
    init_failed: bool = False  # the error is INIT's (the handler never ran)
    cpu_ms: float = 0.0
    cpu_share_enforced: bool = False
    modelled_duration_ms: float | None = None  # when the CPU share could not be enforced
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "request_id": self.request_id,
            "response": self.response,
            "error": self.error,
            "logs": self.logs,
            "duration_ms": round(self.duration_ms, 2),
            "billed_duration_ms": self.billed_duration_ms,
            "max_memory_used_mb": self.max_memory_used_mb,
            "init_duration_ms": None if self.init_duration_ms is None else round(self.init_duration_ms, 2),
            "cold_start": self.cold_start,
            "cpu_ms": round(self.cpu_ms, 2),
            "cpu_share_enforced": self.cpu_share_enforced,
            "modelled_duration_ms": None if self.modelled_duration_ms is None else round(self.modelled_duration_ms, 2),
            "notes": self.notes,
        }


UNSAFE_ENV = "LABS_SANDBOX_UNSAFE"


def unsafe_requested() -> bool:
    return os.environ.get(UNSAFE_ENV, "").strip() in {"1", "true", "yes"}
