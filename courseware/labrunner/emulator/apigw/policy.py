"""IAM policy evaluation, as API Gateway applies it to a request.

Two kinds of documents reach it: the `policyDocument` a Lambda authorizer returns, and the
identity policies of an AWS_IAM caller (see `credentials.Caller.policies`). Both are evaluated for one
action (`execute-api:Invoke`) on one resource, the method ARN, with IAM's rules: an explicit Deny
in any statement wins, otherwise any Allow allows, otherwise the request is implicitly denied.

Wildcards follow the IAM reference (`*` any run of characters, `?` any one). Actions compare
case-insensitively, resources exactly. In a resource ARN a wildcard stays inside its
colon-separated segment, except a `*` that ends a segment, which may run on across colons (so
`arn:aws:execute-api:*` covers every API).

`Condition` needs request context this module is not given, so conditions are read pessimistically:
a conditional Deny denies and a conditional Allow does not allow. A learner's policy can then be
stricter here than on AWS, never looser.
"""

import re
from functools import lru_cache

from moto.utilities.utils import get_partition

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"
EFFECTS = ("Allow", "Deny")


class PolicyError(ValueError):
    """A policy document IAM would refuse; the message says what is wrong with it."""


def validate_document(document) -> None:
    if not isinstance(document, dict):
        raise PolicyError("the policy document must be a JSON object")
    if "Version" in document and not isinstance(document["Version"], str):
        raise PolicyError("Version must be a string such as 2012-10-17")
    if "Statement" not in document:
        raise PolicyError("the policy document has no Statement")
    statements = _statements(document)
    if not statements:
        raise PolicyError("Statement must hold at least one statement")
    for number, statement in enumerate(statements, 1):
        _validate_statement(statement, f"statement {number}")


def _validate_statement(statement, where: str) -> None:
    if not isinstance(statement, dict):
        raise PolicyError(f"{where} must be a JSON object")
    if statement.get("Effect") not in EFFECTS:
        raise PolicyError(f"{where}: Effect must be Allow or Deny, not {statement.get('Effect')!r}")
    for element, negated in (("Action", "NotAction"), ("Resource", "NotResource")):
        present = [name for name in (element, negated) if name in statement]
        if len(present) != 1:
            raise PolicyError(f"{where} must have exactly one of {element} or {negated}")
        value = statement[present[0]]
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(item, str) and item for item in values):
            raise PolicyError(f"{where}: {present[0]} must be a string or a list of strings")
    if "Condition" in statement and not isinstance(statement["Condition"], dict):
        raise PolicyError(f"{where}: Condition must be a JSON object")


def evaluate(documents: list[dict], *, action: str, resource: str) -> str:
    """The verdict for `action` on `resource`: "Allow", "ExplicitDeny" or "ImplicitDeny"."""
    allowed = False
    for document in documents:
        validate_document(document)
        for statement in _statements(document):
            if not _applies(statement, action, resource):
                continue
            if statement["Effect"] == "Deny":
                return EXPLICIT_DENY  # nothing can override an explicit Deny: stop looking
            allowed = allowed or "Condition" not in statement
    return ALLOW if allowed else IMPLICIT_DENY


def method_arn(*, region: str, account_id: str, api_id: str, stage: str, method: str, path: str) -> str:
    """The ARN a request is authorised against, `...:{api_id}/{stage}/{METHOD}{path}`.

    The root path "/" leaves a trailing slash, as AWS writes it (`.../Prod/GET/`); the path is
    used as given, so its encoding is the caller's choice.
    """
    resource = f"{api_id}/{stage}/{method.upper()}{path or '/'}"
    return f"arn:{get_partition(region)}:execute-api:{region}:{account_id}:{resource}"


def _statements(document: dict) -> list:
    statements = document["Statement"]
    return statements if isinstance(statements, list) else [statements]


def _values(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _applies(statement: dict, action: str, resource: str) -> bool:
    return _covers(statement, "Action", action, _action_pattern) and _covers(
        statement, "Resource", resource, _resource_pattern
    )


def _covers(statement: dict, element: str, value: str, pattern) -> bool:
    """Whether the statement's `element`, or its `Not` form, takes in `value`."""
    if element in statement:
        return any(pattern(item).fullmatch(value) for item in _values(statement[element]))
    return not any(pattern(item).fullmatch(value) for item in _values(statement["Not" + element]))


@lru_cache(maxsize=512)
def _action_pattern(pattern: str) -> re.Pattern:
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=512)
def _resource_pattern(pattern: str) -> re.Pattern:
    parts = []
    for index, char in enumerate(pattern):
        if char == "*":
            ends_segment = index + 1 == len(pattern) or pattern[index + 1] == ":"
            parts.append(".*" if ends_segment else "[^:]*")
        elif char == "?":
            parts.append("[^:]")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)
