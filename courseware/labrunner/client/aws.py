"""boto3 clients bound to one learner's emulated account, for the host side (deploys, grading).

On moto the account is pinned by the `x-moto-account-id` header (as its socket pins learner
code); on LocalStack by using the 12-digit account id as the access key id, which is how
LocalStack picks the account.
"""

import hmac
import secrets
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError

# The lab backend (a node's emulator) is gone, and the account's state with it: never the
# learner's doing, so a step or a check that meets it is moved to another node, not failed.
BACKEND_GONE = (EndpointConnectionError, ConnectionClosedError)

ACCOUNT_HEADER = "x-moto-account-id"
CONTROL_HEADER = "x-courseware-control"
REGION = "us-east-1"
# No host prefixes: AWS serves some actions on a prefixed host (StartSyncExecution on `sync-states`),
# which botocore would prepend to the emulator's address ("sync-127.0.0.1").
_CONFIG = Config(retries={"max_attempts": 2, "mode": "standard"}, read_timeout=120, inject_host_prefix=False)


def new_account_id() -> str:
    """A fresh 12-digit account id (never starting with 0, never the moto default)."""
    while True:
        account = f"{secrets.randbelow(9 * 10**11) + 10**11:012d}"
        if account != "123456789012":
            return account


def control_token(secret: str) -> str:
    """The host's key to the emulator's control plane (moto's and the lab clock), derived from
    the site's secret key, so the site, task workers and the lab backend agree without sharing it."""
    return hmac.new(secret.encode(), b"courseware lab backend control", "sha256").hexdigest()


def clock_token(control: str) -> str:
    """The key to the lab clock alone, derived from the control token: what the site and task
    workers send across the network to a lab node (moving a lab clock forward is all it allows),
    so the control token itself, which resets the emulator, stays on the node's host."""
    return hmac.new(control.encode(), b"courseware lab clock", "sha256").hexdigest()


@dataclass
class AccountAws:
    endpoint: str
    account_id: str
    kind: str = "moto"  # moto | localstack
    region: str = REGION
    control: str = field(default="", repr=False)  # the control token; only `clock_token(control)` is sent
    _clients: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if not (self.account_id.isdigit() and len(self.account_id) == 12):
            raise ValueError(f"an account id is 12 digits, not {self.account_id!r}")

    def client(self, service: str):
        if service not in self._clients:
            key = self.account_id if self.kind == "localstack" else "host"
            made = boto3.client(
                service,
                endpoint_url=self.endpoint,
                region_name=self.region,
                aws_access_key_id=key,
                aws_secret_access_key="test",
                config=_CONFIG,
            )
            if self.kind == "moto":
                made.meta.events.register("before-send", self._pin)
            self._clients[service] = made
        return self._clients[service]

    def _pin(self, request, **kwargs):
        request.headers[ACCOUNT_HEADER] = self.account_id
