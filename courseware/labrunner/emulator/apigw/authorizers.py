"""Authorisation as API Gateway enforces it, before the integration is called.

`authorize` runs the route's method: none, IAM (SigV4 plus the caller's identity policies), a
Lambda authorizer (REST TOKEN/REQUEST returning an IAM policy; HTTP API REQUEST, with "simple"
`isAuthorized` responses if enabled), a Cognito user pool authorizer (REST) or a JWT authorizer
(HTTP API). Refusals use API Gateway's status codes and bodies: 401 when there is no usable
identity, 403 when the identity is not allowed, 500 when the authorizer itself misbehaves.
Lambda authorizer results are cached for the authorizer's TTL, keyed by the identity sources,
and a cached policy is evaluated again for each method, as on AWS (the classic caching trap).
"""

import re
import threading
import time

from . import identity, policy
from .events import Request, event_v1, event_v2, query_pairs
from .routes import Refusal, Route
from .verdicts import UNAUTHORIZED, Decision, refuse, route_arn, text

EXPLICIT_DENY = {"Message": "User is not authorized to access this resource with an explicit deny"}
IMPLICIT_DENY = {"Message": "User is not authorized to access this resource"}
FUNCTION_ARN_RE = re.compile(r"functions/(arn:aws:lambda:[^/]+)/invocations")


class AuthorizerCache:
    def __init__(self):
        self._entries: dict[tuple, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] > time.monotonic():
                return entry[1]
            self._entries.pop(key, None)
            return None

    def put(self, key: tuple, value, ttl: int) -> None:
        if ttl > 0:
            with self._lock:
                self._entries[key] = (time.monotonic() + ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = AuthorizerCache()


def function_arn(uri: str) -> str:
    found = FUNCTION_ARN_RE.search(uri or "")
    if found:
        return found[1]
    if (uri or "").startswith("arn:aws:lambda:"):
        return uri
    raise Refusal(500, {"message": None}, reason=f"authorizer URI {uri!r} names no function")


def authorize(route: Route, request: Request, *, run) -> Decision:
    """`run(function_arn, event)` invokes a function in the sandbox and returns its result."""
    kind = route.authorization
    if kind == "NONE":
        return Decision()
    if kind == "AWS_IAM":
        return identity.iam(route, request)
    auth = route.authorizer
    if auth is None:
        trace = {"type": kind, "cached": False, "invoked": False}
        refuse(500, {"message": None}, trace, "error", "the route's authorizer does not exist")
    if auth.type in ("TOKEN", "REQUEST"):
        return _lambda(route, request, run)
    if auth.type == "COGNITO_USER_POOLS":
        return identity.cognito(route, request)
    if auth.type == "JWT":
        return identity.jwt(route, request)
    trace = {"type": auth.type, "cached": False, "invoked": False}
    refuse(500, {"message": None}, trace, "error", f"authorizer type {auth.type} is not emulated")


def identity_values(route: Route, request: Request) -> list[str] | None:
    """The identity sources' values, or None if one is missing (API Gateway then says 401)."""
    values = []
    query = dict(query_pairs(request.query))
    for source in route.authorizer.identity_source:
        name = source.removeprefix("$request.").removeprefix("method.request.")
        if name.lower().startswith("header."):
            value = request.header(name[7:])
        elif name.lower().startswith("querystring."):
            value = query.get(name[12:])
        elif name.startswith(("stageVariables.", "$stageVariables.")):
            value = route.stage_variables.get(name.split(".", 1)[1])
        else:  # $context.* / context.*: values API Gateway itself knows
            value = {"httpMethod": request.method, "identity.sourceIp": request.source_ip, "stage": route.stage}.get(
                name.split(".", 1)[-1]
            )
        if not value:
            return None
        values.append(value)
    return values


def _lambda(route: Route, request: Request, run) -> Decision:
    auth = route.authorizer
    trace = {"type": auth.type, "cached": False, "invoked": False, "name": auth.name}
    arn = route_arn(route)
    values = identity_values(route, request)
    if values is None or (auth.type == "TOKEN" and not values):
        refuse(401, UNAUTHORIZED, trace, "unauthorized", "the identity source is missing")
    if auth.type == "TOKEN" and auth.validation and not re.fullmatch(auth.validation, values[0]):
        refuse(401, UNAUTHORIZED, trace, "unauthorized", "the token fails identityValidationExpression")
    key = (route.account_id, route.api_id, route.stage, auth.id, tuple(values))
    output = CACHE.get(key)
    trace["cached"] = output is not None
    if output is None:
        event = _authorizer_event(route, request, arn, values)
        trace["invoked"], trace["event"] = True, event
        result = run(function_arn(auth.uri), event)
        if result.status != "ok":
            message = (result.error or {}).get("errorMessage", "")
            if message == "Unauthorized" and route.kind == "REST":
                refuse(401, UNAUTHORIZED, trace, "unauthorized", "the authorizer raised Unauthorized")
            refuse(
                500,
                _server_error(route),
                trace,
                "error",
                f"the authorizer failed: {message}",
                {"x-amzn-ErrorType": "AuthorizerConfigurationException"},
            )
        output = result.response
        trace["response"] = output
        _check_output(route, output, trace)
        CACHE.put(key, output, auth.ttl)
    else:
        trace["response"] = output
    return _apply_output(route, output, arn, trace)


def _server_error(route: Route) -> dict:
    return {"message": None} if route.kind == "REST" else {"message": "Internal Server Error"}


def _authorizer_event(route, request, arn, values) -> dict:
    auth = route.authorizer
    if auth.type == "TOKEN":
        return {"type": "TOKEN", "authorizationToken": values[0], "methodArn": arn}
    if route.kind == "HTTP" and auth.payload_format == "2.0":
        event = event_v2(route, request, None)
        event.pop("body", None), event.pop("isBase64Encoded", None)
        return {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": arn,
            "identitySource": values,
            **event,
        }
    event = event_v1(route, request, None, {})
    event.pop("body", None), event.pop("isBase64Encoded", None)
    if route.kind == "HTTP":
        event["identitySource"] = ",".join(values)
    return {"type": "REQUEST", "methodArn": arn, **event}


def _check_output(route: Route, output, trace: dict) -> None:
    bad = None
    simple = route.kind == "HTTP" and route.authorizer.simple_responses
    if not isinstance(output, dict):
        bad = "the authorizer must return an object"
    elif simple:
        if not isinstance(output.get("isAuthorized"), bool):
            bad = "a simple response needs isAuthorized: true or false"
    elif "principalId" not in output or "policyDocument" not in output:
        bad = "the authorizer's response needs principalId and policyDocument"
    else:
        try:
            policy.validate_document(output["policyDocument"])
        except policy.PolicyError as error:
            bad = f"the policy document is malformed: {error}"
    context = output.get("context") if isinstance(output, dict) else None
    if not bad and context is not None:
        if not isinstance(context, dict):
            bad = "context must be an object"
        elif route.kind == "REST" and any(isinstance(v, dict | list) for v in context.values()):
            bad = "context values must be strings, numbers or booleans (not objects or arrays)"
    if bad:
        refuse(500, _server_error(route), trace, "error", bad, {"x-amzn-ErrorType": "AuthorizerConfigurationException"})


def _apply_output(route: Route, output: dict, arn: str, trace: dict) -> Decision:
    context = dict(output.get("context") or {})
    if route.kind == "HTTP" and route.authorizer.simple_responses:
        if not output["isAuthorized"]:
            refuse(403, {"message": "Forbidden"}, trace, "deny", "isAuthorized is false")
        trace.update(outcome="allow", message="isAuthorized is true")
        return Decision(context={"lambda": context}, trace=trace)
    verdict = policy.evaluate([output["policyDocument"]], action="execute-api:Invoke", resource=arn)
    trace["policy"] = verdict
    if verdict != "Allow":
        if route.kind == "HTTP":
            refuse(403, {"message": "Forbidden"}, trace, "deny", f"the policy does not allow {arn}")
        body = EXPLICIT_DENY if verdict == "ExplicitDeny" else IMPLICIT_DENY
        refuse(403, body, trace, "deny", f"{verdict}: the policy does not allow {arn}")
    trace.update(outcome="allow", message=f"the policy allows {arn}")
    if route.kind == "HTTP" and route.authorizer.payload_format == "2.0":
        return Decision(context={"principalId": output["principalId"], "lambda": context}, trace=trace)
    flat = {k: text(v) for k, v in context.items()}
    return Decision(
        context={"principalId": output["principalId"], **flat, "integrationLatency": 0},
        usage_key=output.get("usageIdentifierKey"),
        trace=trace,
    )
