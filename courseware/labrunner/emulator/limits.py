"""How much of the lab backend one account may use, so that one learner cannot starve the others.

One backend process serves a whole class, so every account gets a fair share and no more: a rate
and a number of requests in flight through its socket, a size for each request and response,
a number of resources of each kind and a number of stored bytes (`quotas`). Over a limit, the
caller gets the error AWS gives for the same situation (throttling, limit exceeded), with a
message that says which lab limit it met.

The figures are the platform's, not AWS's (AWS's own quotas are far higher); they are sized for
labs: a lab's solution uses a small fraction of each.
"""

import threading
import time
from dataclasses import dataclass, field

MIB = 1024 * 1024


@dataclass(frozen=True)
class AccountLimits:
    requests_per_second: float = 50.0  # sustained, through the account's socket
    burst: int = 100  # requests allowed at once after a quiet spell
    # Requests served at the same time; more wait their turn in the socket's queue (see
    # account_socket for why this, not a refusal, is what keeps a class fair).
    connections: int = 8
    request_bytes: int = 16 * MIB  # one request's body (S3 PUTs larger than this: multipart)
    response_bytes: int = 32 * MIB
    stored_bytes: int = 256 * MIB  # objects, messages, items, log events and code, together
    throttle_delay_s: float = 0.1  # a refused request waits this long, so refusals stay cheap
    # Step Functions executions running at once (each holds threads of the one backend process;
    # AWS allows a million open executions): a lab's solution runs a handful.
    running_executions: int = 50
    resources: dict = field(
        default_factory=lambda: {
            "functions": 100,
            "layer versions": 200,
            "queues": 100,
            "tables": 50,
            "buckets": 50,
            "REST APIs": 25,
            "HTTP APIs": 25,
            "state machines": 50,
            "topics": 100,
            "event rules": 200,
            "event buses": 20,
            "user pools": 10,
            "roles": 300,
            "streams": 20,
            "stacks": 20,
            "log groups": 300,
        }
    )


def size_text(count: int) -> str:
    """512 KiB, 16 MiB: how the limits read in error messages."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count} bytes"


class Gate:
    """One account's token bucket."""

    def __init__(self, limits: AccountLimits):
        self.limits = limits
        self.tokens = float(limits.burst)
        self.refilled = time.monotonic()
        self.lock = threading.Lock()

    def enter(self) -> str | None:
        """None if the request may go ahead, else why not."""
        with self.lock:
            now = time.monotonic()
            rate, burst = self.limits.requests_per_second, self.limits.burst
            self.tokens = min(burst, self.tokens + (now - self.refilled) * rate)
            self.refilled = now
            if self.tokens < 1:
                return (
                    f"Rate exceeded: this lab account may make {rate:g} requests per second "
                    f"(bursts of {burst}). Retry with backoff, as the AWS SDKs do."
                )
            self.tokens -= 1
            return None


class Gates:
    def __init__(self, limits: AccountLimits):
        self.limits = limits
        self._gates: dict[str, Gate] = {}
        self._lock = threading.Lock()

    def for_account(self, account_id: str) -> Gate:
        with self._lock:
            gate = self._gates.get(account_id)
            if gate is None:
                gate = self._gates[account_id] = Gate(self.limits)
            return gate
