"""The front door: API Gateway's invoke URLs, served by the lab backend in front of moto.

Two URL forms reach it, on the lab backend's port:
- `http://HOST:PORT/restapis/{api_id}/{stage}/_user_request_/{path}` (LocalStack's form), and
- any request whose Host is `{api_id}.execute-api.{region}.amazonaws.com` (or `.localhost`), with
  the path as on AWS: `/{stage}/{path}`, or just `/{path}` on an HTTP API's `$default` stage.
  Signed (SigV4) requests use this form, since the signature covers the host and path.
The account is the one pinned by `x-moto-account-id` (the platform always pins it); unpinned
callers reach whichever account owns the API id, as anyone on the internet reaches an API.
A caller that sends `x-courseware-trace: 1` gets a JSON envelope instead of the bare response:
the response plus what happened on the way (route, authorizer, the event, the invocation).
"""

import base64
import json
import logging
import re
from http import HTTPStatus
from urllib.parse import unquote

from moto.awslambda.models import lambda_backends

from ...client.api import TRACE_HEADER, TRACE_TYPE
from ...client.aws import ACCOUNT_HEADER
from . import authorizers, events, grants, routes, usage
from .cors import cors_headers, preflight, strip_cors
from .routes import Refusal

log = logging.getLogger(__name__)
USER_REQUEST_RE = re.compile(r"^/restapis/(?P<api>[A-Za-z0-9]+)/(?P<stage>[^/]+)/_user_request_(?P<path>/.*)?$")
HOST_RE = re.compile(r"^(?P<api>[a-z0-9]+)\.execute-api\.[a-z0-9.-]+$")
MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
CONTROL_HEADERS = {ACCOUNT_HEADER, TRACE_HEADER}
NOT_EMULATED = (
    "The lab's API Gateway emulates Lambda proxy integrations (AWS_PROXY) only; {kind} integrations are not emulated."
)


class FrontDoor:
    """WSGI application for API invocations (the ingress sends it nothing else)."""

    def __init__(self, backend):
        self.backend = backend

    @staticmethod
    def is_api_request(environ) -> bool:
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        host = (environ.get("HTTP_HOST") or "").split(":")[0].lower()
        return bool(USER_REQUEST_RE.match(raw.split("?", 1)[0]) or HOST_RE.match(host))

    def __call__(self, environ, start_response):
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        raw_path = raw.split("?", 1)[0]
        host = (environ.get("HTTP_HOST") or "").split(":")[0].lower()
        by_path = USER_REQUEST_RE.match(raw_path)
        by_host = HOST_RE.match(host)
        pinned = environ.get("HTTP_" + ACCOUNT_HEADER.upper().replace("-", "_"))
        if by_path:
            api_id, stage, path = by_path["api"], unquote(by_path["stage"]), by_path["path"] or "/"
        else:
            api_id, stage, path = by_host["api"], None, raw_path
        request = events.Request(
            method=environ["REQUEST_METHOD"].upper(),
            path=path,
            query=environ.get("QUERY_STRING", ""),
            headers=_headers(environ, by_path is not None, api_id),
            body=_read(environ),
            source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
            raw_path=raw_path,
        )
        response, trace = self.handle(request, api_id=api_id, stage=stage, account_id=pinned)
        if environ.get("HTTP_" + TRACE_HEADER.upper().replace("-", "_")) == "1":
            envelope = {
                "status": response.status,
                "headers": response.headers,
                "body": base64.b64encode(response.body).decode(),
                "trace": trace,
            }
            body = json.dumps(envelope, default=str).encode()
            start_response("200 OK", [("Content-Type", TRACE_TYPE), ("Content-Length", str(len(body)))])
            return [body]
        start_response(
            f"{response.status} {_reason(response.status)}",
            [*response.headers, ("Content-Length", str(len(response.body)))],
        )
        return [response.body]

    def handle(self, request, *, api_id: str, stage: str | None, account_id: str | None):
        trace = {
            "request_id": request.request_id,
            "authorizer": None,
            "event": None,
            "invocation": None,
        }
        account = routes.find_account(api_id, account_id)
        try:
            if account is None:
                raise Refusal(403, {"message": "Forbidden"}, reason=f"there is no API {api_id}")
            if stage is None:
                stage, request.path = routes.split_stage(api_id, account, request.path)
            if len(request.body) > MAX_BODY:
                raise Refusal(413, {"message": "Request Too Long"}, reason="the body is over 10 MB")
            cors = routes.http_api_cors(account, api_id)
            if cors and preflight(request):
                trace["outcome"] = "CORS preflight answered by API Gateway"
                return events.Response(204, cors_headers(cors, request, preflight=True), b""), trace
            route = routes.match(
                account_id=account, api_id=api_id, stage=stage, method=request.method, path=request.path
            )
            trace["route"] = {
                "api_id": api_id,
                "kind": route.kind,
                "stage": route.stage,
                "route_key": route.route_key,
                "authorization": route.authorization,
            }
            response = self._through(route, request, trace)
        except Refusal as refusal:
            trace["authorizer"] = getattr(refusal, "trace", trace["authorizer"])
            trace["outcome"] = refusal.reason
            response = _json_response(refusal.status, refusal.body, refusal.headers)
            cors = routes.http_api_cors(account, api_id) if account else None
        if cors:
            response.headers = strip_cors(response.headers)
            response.headers.extend(cors_headers(cors, request, preflight=False))
        response.headers.append(("x-amzn-RequestId", request.request_id))
        if account and api_id in routes.http_apis(account):
            response.headers.append(("apigw-requestid", request.request_id[:16]))
        return response, trace

    def _through(self, route, request, trace) -> events.Response:
        decision = authorizers.authorize(route, request, run=self._run(route, authorizer=True))
        trace["authorizer"] = decision.trace or None
        identity = dict(decision.identity)
        identity.update(usage.check_api_key(route, request, decision.usage_key))
        kind = route.integration["type"]
        if kind != "AWS_PROXY":
            raise Refusal(501, {"message": NOT_EMULATED.format(kind=kind)}, reason=f"{kind} integration")
        request.headers += [
            ("X-Forwarded-For", request.source_ip),
            ("X-Forwarded-Port", "443"),
            ("X-Forwarded-Proto", "https"),
        ]
        if route.integration["payload_format"] == "2.0":
            event = events.event_v2(route, request, decision.context)
        else:
            event = events.event_v1(route, request, decision.context, identity)
        result = self._run(route)(authorizers.function_arn(route.integration["uri"]), event)
        trace["event"] = event  # only once the function got it (a refused grant never calls it)
        trace["invocation"] = {k: v for k, v in result.to_dict().items() if k != "response"}
        trace["invocation"]["response"] = result.response if result.status == "ok" else None
        return _integration_response(route, result, trace)

    def _run(self, route, *, authorizer: bool = False):
        def run(arn: str, event: dict):
            try:
                function = lambda_backends[route.account_id][route.region].get_function(arn)
            except Exception as error:  # moto raises its own not-found types
                raise Refusal(500, _server_error(route), reason=f"no function {arn}: {error}") from None
            grants.check(function, arn, route, authorizer=authorizer)
            return self.backend.execute(function, event)

        return run


def _integration_response(route, result, trace) -> events.Response:
    if result.status in ("timeout",) and route.kind == "REST":
        raise Refusal(504, {"message": "Endpoint request timed out"}, reason="the function timed out")
    if result.status == "throttled":
        raise Refusal(
            429 if route.kind == "HTTP" else 500,
            {"message": "Too Many Requests"} if route.kind == "HTTP" else _server_error(route),
            reason="the function was throttled",
        )
    # A REST API answers a failed or malformed integration with 502, an HTTP API with 500.
    failed = 502 if route.kind == "REST" else 500
    if result.status != "ok":
        raise Refusal(failed, _server_error(route), reason=f"the function failed ({result.status})")
    try:
        if route.integration["payload_format"] == "2.0":
            return events.response_v2(result.response)
        return events.response_v1(result.response)
    except events.BadResponse as error:
        trace["response_error"] = f"Malformed Lambda proxy response: {error}"
        raise Refusal(failed, _server_error(route), reason=trace["response_error"]) from None


def _server_error(route) -> dict:
    return {"message": "Internal server error" if route.kind == "REST" else "Internal Server Error"}


def _json_response(status: int, body, headers: dict) -> events.Response:
    pairs = [("Content-Type", "application/json"), *headers.items()]
    return events.Response(status, pairs, json.dumps(body).encode())


def _headers(environ, rewrite_host: bool, api_id: str) -> list[tuple[str, str]]:
    found = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            name = key.replace("_", "-").title()
        else:
            continue
        if name.lower() in CONTROL_HEADERS:
            continue
        if name == "Host" and rewrite_host:
            value = f"{api_id}.execute-api.{routes.REGION}.amazonaws.com"
        found.append((name, value))
    return found


def _read(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length else b""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
