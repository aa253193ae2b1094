"""What an authorisation step concludes: let the request through (with what the integration
will see of the caller), or refuse it as API Gateway would, with a trace of why."""

import json
from dataclasses import dataclass, field

from . import policy
from .routes import Refusal, Route

UNAUTHORIZED = {"message": "Unauthorized"}


@dataclass
class Decision:
    context: dict | None = None  # requestContext.authorizer
    identity: dict = field(default_factory=dict)  # more of a REST event's requestContext.identity
    usage_key: str | None = None  # an authorizer's usageIdentifierKey (API key source AUTHORIZER)
    trace: dict = field(default_factory=dict)


def refuse(status: int, body: dict, trace: dict, outcome: str, message: str, headers=None):
    trace.update(outcome=outcome, message=message)
    error = Refusal(status, body, headers, reason=message)
    error.trace = trace
    raise error


def route_arn(route: Route) -> str:
    """The ARN policies are evaluated against: the request's own method and path."""
    return policy.method_arn(
        region=route.region,
        account_id=route.account_id,
        api_id=route.api_id,
        stage=route.stage,
        method=route.method,
        path=route.path or "/",
    )


def text(value) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)
