"""Whose key signed a request: an IAM user's active access key, or the key of a session from
`sts:AssumeRole` (which also needs its session token), as moto holds them, with the identity
policies that then decide what the caller may invoke (`.policy`).
"""

import json
from dataclasses import dataclass
from datetime import UTC

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

PARTITION = "aws"  # moto keys IAM and STS by partition; "global" is its alias for "aws"


@dataclass
class Caller:
    access_key: str
    account_id: str
    arn: str
    user_id: str
    caller_id: str
    policies: list[dict]


@dataclass
class Found:
    secret: str
    token: str | None
    caller: Caller
    expires: float | None = None  # when an STS session ends


def lookup_credentials(account_id: str, access_key_id: str) -> tuple[str, str | None, Caller] | None:
    found = find_credentials(account_id, access_key_id)
    return (found.secret, found.token, found.caller) if found else None


def find_credentials(account_id: str, access_key_id: str) -> Found | None:
    """The secret (and session token) moto holds for an access key, and whose key it is."""
    # dict.get, not []: moto's backend dicts create an account on first subscript, and looking
    # up a stranger's key must not create one.
    iam = (iam_backends.get(account_id) or {}).get(PARTITION)
    if iam is None:
        return None
    for user in list(iam.users.values()):
        for key in user.access_keys:
            if key.access_key_id == access_key_id and key.status == "Active":
                groups = [group for group in iam.groups.values() if user in group.users]
                policies = policies_of(user) + [doc for group in groups for doc in policies_of(group)]
                caller = Caller(access_key_id, user.account_id, user.arn, user.id, user.id, policies)
                return Found(key.secret_access_key, None, caller)
    sts = (sts_backends.get(account_id) or {}).get(PARTITION)
    for session in list(sts.assumed_roles) if sts else []:
        if session.access_key_id == access_key_id:
            role = next((r for r in iam.roles.values() if r.arn == session.role_arn), None)
            policies = policies_of(role) if role else []
            user_id = session.user_id  # "{role id}:{session name}", as GetCallerIdentity says
            caller = Caller(access_key_id, account_id, session.arn, user_id, user_id, policies)
            expires = session.expiration.replace(tzinfo=UTC).timestamp()  # moto keeps naive UTC
            return Found(session.secret_access_key, session.session_token, caller, expires)
    return None


def policies_of(holder) -> list[dict]:
    """Inline policies, then the default version of each attached managed policy."""
    texts = list(holder.policies.values()) + [
        version.document
        for policy in holder.managed_policies.values()
        for version in policy.versions
        if version.is_default
    ]
    documents = []
    for text in texts:
        try:
            document = json.loads(text) if isinstance(text, str) else text
        except ValueError:
            continue  # IAM refuses such a document; moto may have kept it
        if isinstance(document, dict):
            documents.append(document)
    return documents
