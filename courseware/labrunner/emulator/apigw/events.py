"""The Lambda proxy event API Gateway builds, and how it reads the function's answer.

Payload format 1.0 (REST APIs, and HTTP APIs that ask for it) keeps headers and query strings
twice: last value wins in `headers`, every value in `multiValueHeaders`. Format 2.0 (HTTP APIs'
default) lowercases header names, joins repeated values with commas, moves cookies to `cookies`,
and lets a function return a bare JSON value instead of a `statusCode` structure.
Field by field, these follow the "Lambda proxy integrations" pages of the API Gateway guide.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from urllib.parse import parse_qsl

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/javascript",
    "application/x-www-form-urlencoded",
    "+json",
    "+xml",
)


@dataclass
class Request:
    """One HTTP request as it reached the front door, minus our own control headers."""

    method: str
    path: str  # raw (still percent-encoded), after the stage
    query: str  # raw query string
    headers: list[tuple[str, str]]
    body: bytes = b""
    raw_path: str = ""  # the full path as sent (with the stage), which a SigV4 signature covers
    source_ip: str = "127.0.0.1"
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    epoch_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ",".join(values) if values else None

    @property
    def user_agent(self) -> str:
        return self.header("user-agent") or ""

    @property
    def clf_time(self) -> str:  # 12/Mar/2020:19:03:58 +0000, as API Gateway writes it
        stamp = datetime.fromtimestamp(self.epoch_ms / 1000, UTC)
        return stamp.strftime("%d/%b/%Y:%H:%M:%S +0000")


def query_pairs(raw: str) -> list[tuple[str, str]]:
    return parse_qsl(raw, keep_blank_values=True)


def _is_text(content_type: str | None) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return not kind or any(kind.startswith(t) or kind.endswith(t) for t in TEXT_TYPES)


def _is_binary_media(content_type: str | None, binary_types: list[str]) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return bool(kind) and any(fnmatchcase(kind, pattern.lower()) for pattern in binary_types)


def _body(request: Request, *, base64_encode: bool) -> tuple[str | None, bool]:
    if not request.body:
        return None, False
    if not base64_encode:
        try:
            return request.body.decode(), False
        except UnicodeDecodeError:
            pass  # API Gateway would mangle it; the function gets it intact instead
    return base64.b64encode(request.body).decode(), True


def event_v1(route, request: Request, authorizer: dict | None, identity: dict) -> dict:
    headers, multi = {}, {}
    for name, value in request.headers:
        headers[name] = value
        multi.setdefault(name, []).append(value)
    pairs = query_pairs(request.query)
    query, multi_query = {}, {}
    for name, value in pairs:
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    binary = _is_binary_media(request.header("content-type"), route.binary_media_types)
    body, encoded = _body(request, base64_encode=binary)
    stage_path = request.path if route.stage == "$default" else f"/{route.stage}{request.path}"
    context = _context_v1(route, request, stage_path, identity)
    if authorizer is not None:
        context["authorizer"] = authorizer
    event = {
        "resource": route.resource_path or "/",
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": route.path_parameters or None,
        "stageVariables": route.stage_variables or None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": encoded,
    }
    if route.kind == "HTTP":  # an HTTP API's 1.0 format says so, and names the route
        event["version"] = "1.0"
        context["routeKey"] = route.route_key
    return event


def _context_v1(route, request: Request, stage_path: str, identity: dict) -> dict:
    """Format 1.0's requestContext; `identity` fills in what the authorizer knows of the caller."""
    return {
        "accountId": route.account_id,
        "apiId": route.api_id,
        "domainName": route.domain,
        "domainPrefix": route.api_id,
        "extendedRequestId": request.request_id[:16],
        "httpMethod": request.method,
        "path": stage_path,
        "protocol": "HTTP/1.1",
        "requestId": request.request_id,
        "requestTime": request.clf_time,
        "requestTimeEpoch": request.epoch_ms,
        "resourceId": route.resource_id or route.route_key,
        "resourcePath": route.resource_path or "/",
        "stage": route.stage,
        "identity": {
            "accessKey": None,
            "accountId": None,
            "caller": None,
            "cognitoAuthenticationProvider": None,
            "cognitoAuthenticationType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "principalOrgId": None,
            "sourceIp": request.source_ip,
            "user": None,
            "userAgent": request.user_agent,
            "userArn": None,
            "clientCert": None,
            **identity,
        },
    }


def event_v2(route, request: Request, authorizer: dict | None) -> dict:
    headers, cookies = {}, []
    for name, value in request.headers:
        if name.lower() == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query = {}
    for name, value in query_pairs(request.query):
        query[name] = f"{query[name]},{value}" if name in query else value
    body, encoded = _body(request, base64_encode=not _is_text(request.header("content-type")))
    raw_path = request.path if route.stage == "$default" else f"/{route.stage}{request.path}"
    event = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": request.query,
        "headers": headers,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    context = {
        "accountId": route.account_id,
        "apiId": route.api_id,
        "domainName": route.domain,
        "domainPrefix": route.api_id,
        "http": {
            "method": request.method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": request.user_agent,
        },
        "requestId": request.request_id,
        "routeKey": route.route_key,
        "stage": route.stage,
        "time": request.clf_time,
        "timeEpoch": request.epoch_ms,
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    event["requestContext"] = context
    if body is not None:
        event["body"] = body
    if route.path_parameters:
        event["pathParameters"] = route.path_parameters
    event["isBase64Encoded"] = encoded
    if route.stage_variables:
        event["stageVariables"] = route.stage_variables
    return event


class BadResponse(ValueError):
    """The function's answer is not a proxy response API Gateway can use."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _decoded_body(body, encoded) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadResponse("body must be a string (serialise it with json.dumps)")
    if encoded:
        try:
            return base64.b64decode(body, validate=True)
        except ValueError as error:
            raise BadResponse("isBase64Encoded is true but the body is not base64") from error
    return body.encode()


def _status(value) -> int:
    try:
        status = int(value)
    except (TypeError, ValueError):
        raise BadResponse(f"statusCode must be a number, not {value!r}") from None
    if not 100 <= status <= 599:
        raise BadResponse(f"statusCode {status} is not an HTTP status")
    return status


def response_v1(payload) -> Response:
    """Format 1.0: a dict with statusCode, headers, multiValueHeaders, body, isBase64Encoded."""
    if not isinstance(payload, dict) or "statusCode" not in payload:
        raise BadResponse("the response must be an object with a statusCode")
    unknown = set(payload) - {
        "statusCode",
        "headers",
        "multiValueHeaders",
        "body",
        "isBase64Encoded",
    }
    if unknown:
        raise BadResponse(f"unexpected field(s) in the response: {', '.join(sorted(unknown))}")
    headers = []
    for name, value in (payload.get("headers") or {}).items():
        headers.append((str(name), _header_text(value)))
    for name, values in (payload.get("multiValueHeaders") or {}).items():
        if not isinstance(values, list):
            raise BadResponse(f"multiValueHeaders[{name!r}] must be a list")
        headers = [(k, v) for k, v in headers if k.lower() != str(name).lower()]
        headers.extend((str(name), _header_text(value)) for value in values)
    body = _decoded_body(payload.get("body"), payload.get("isBase64Encoded"))
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return Response(_status(payload["statusCode"]), headers, body)


def response_v2(payload) -> Response:
    """Format 2.0: a statusCode structure, or any JSON value, returned as a 200 JSON body."""
    if not (isinstance(payload, dict) and "statusCode" in payload):
        body = json.dumps(payload).encode()
        return Response(200, [("content-type", "application/json")], body)
    headers = [(str(k).lower(), _header_text(v)) for k, v in (payload.get("headers") or {}).items()]
    cookies = payload.get("cookies") or []
    if not isinstance(cookies, list):
        raise BadResponse("cookies must be a list of Set-Cookie values")
    headers.extend(("set-cookie", str(cookie)) for cookie in cookies)
    body = _decoded_body(payload.get("body"), payload.get("isBase64Encoded"))
    if not any(k == "content-type" for k, _ in headers):
        headers.append(("content-type", "text/plain; charset=utf-8"))
    return Response(_status(payload["statusCode"]), headers, body)


def _header_text(value) -> str:
    if isinstance(value, dict | list):
        raise BadResponse("header values must be strings")
    return str(value).lower() if isinstance(value, bool) else str(value)
