"""Every request acts for one account, and moto may touch no other account's state while it does.

moto keeps each service's state in a `BackendDict` keyed by account id, and many of its code paths
follow an ARN into whichever account the ARN names: `sns.publish(TopicArn=<another account's
topic>)`, a subscription of another account's queue, an EventBridge target on another account's
bus, `sts.assume_role` into another account's role. On AWS those fail unless the other account's
resource policy or trust policy allows the caller; in a class no learner can grant another, so
here they fail the same way: `AccessDenied`, in the service's own error shape.

The fence is one patch on `BackendDict.__getitem__`. While a request runs for account A (the
ingress sets it: learner code through A's socket, or the platform's own client pinned to A), any
lookup of another 12-digit account raises. moto's default account (which only moto itself uses,
to build URL maps) and AWS's pseudo-accounts (`aws` for managed policies) stay reachable. Threads
that act for an account in the background (asynchronous invokes, queue pollers) say so with
`acting_as`.
"""

import contextlib
import re
import threading

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.base_backend import AccountSpecificBackend, BackendDict

from .errors import AwsError, access_denied_code

ACCOUNT_RE = re.compile(r"^\d{12}$")
_state = threading.local()
_original_getitem = BackendDict.__getitem__


class CrossAccountDenied(AwsError):
    """Another account's resource, reached through an ARN: refused as AWS refuses it."""


def current_account() -> str | None:
    return getattr(_state, "account", None)


def current_service() -> str:
    return getattr(_state, "service", "") or "sts"


@contextlib.contextmanager
def acting_as(account_id: str | None, service: str = ""):
    """Run the block for `account_id` (None: the platform itself, unfenced)."""
    before = (current_account(), getattr(_state, "service", ""))
    _state.account, _state.service = account_id, service
    try:
        yield
    finally:
        _state.account, _state.service = before


def _fenced_getitem(self: BackendDict, account_id: str) -> AccountSpecificBackend:
    tenant = current_account()
    if (
        tenant is not None
        and account_id != tenant
        and account_id != DEFAULT_ACCOUNT_ID
        and ACCOUNT_RE.match(str(account_id))
    ):
        service = current_service()
        raise CrossAccountDenied(
            service,
            access_denied_code(service),
            f"Account {tenant} is not authorized to reach {self.service_name} resources of account "
            f"{account_id}. Each lab runs in an account of its own, and no account can grant "
            "another access in the labs: use resources of your own account.",
            403,
        )
    # moto checks membership against `list(self.keys())`, O(accounts) on every lookup; a class
    # has thousands of accounts, so look the account up directly first.
    if dict.__contains__(self, account_id):
        return dict.__getitem__(self, account_id)
    return _original_getitem(self, account_id)


def install_fence() -> None:
    """Idempotent; fences nothing until a request or thread names its account."""
    BackendDict.__getitem__ = _fenced_getitem
