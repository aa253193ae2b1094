"""The one way into the emulator, for learner code and for the platform alike.

Both listeners (the host port the platform calls, and each account's socket that learner code
calls) serve this WSGI application. For every request it:

1. normalises the request as an HTTP server must before anything reads it: HTTP/1.0 or 1.1 only,
   one Host, absolute-form targets reduced to their path, no body both chunked and sized;
2. pins the account: on an account's socket, whatever the code sent, the account is the socket's
   (the header moto reads is overwritten, every spelling of it dropped) and the platform's own
   headers are removed; on the host port the platform's client says which account it acts for;
3. answers the platform's health probe, moto's control plane only to a host caller holding the
   control token (derived from the site's secret key; learner code never sees it), and the lab
   clock only to a caller holding the clock token (derived from that, and good for nothing else);
4. sends API Gateway invoke URLs to the front door, and everything else to the one AWS service
   the request is for (`routing`), or refuses it in AWS's error shape;
5. on an account's socket, keeps the account within its request limits (`limits`);
6. runs the request for its account (`tenancy`), so moto cannot reach another account's state.
"""

import hmac
import io
import logging
import time

from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY
from werkzeug.exceptions import HTTPException

from ..client.aws import ACCOUNT_HEADER, CONTROL_HEADER, clock_token
from . import clock_api, errors
from .limits import AccountLimits, Gates, size_text
from .routing import Router
from .tenancy import ACCOUNT_RE, acting_as

log = logging.getLogger(__name__)
ACCOUNT_KEY = "HTTP_" + ACCOUNT_HEADER.upper().replace("-", "_")
CONTROL_KEY = "HTTP_" + CONTROL_HEADER.upper().replace("-", "_")
SOCKET_ACCOUNT = "courseware.account"  # set by the account socket, never from a header
HEALTH_PATH = "/_courseware/health"  # the site's /healthz and `manage.py doctor` ask here
CONTROL_PREFIXES = ("/moto-api", "/favicon.ico", "/latest/")
OFFERED = (
    "Lambda, S3, SQS, SNS, DynamoDB (and Streams), CloudWatch and CloudWatch Logs, "
    "EventBridge and EventBridge Scheduler, Step Functions, STS, IAM, Cognito, "
    "API Gateway, CloudFormation, Systems Manager, Secrets Manager, KMS, X-Ray and Kinesis"
)


class Refused(Exception):
    def __init__(self, service: str, code: str, message: str, status: int):
        super().__init__(message)
        self.response = errors.render(service, code, message, status)


class Ingress:
    def __init__(self, backend, *, front_door, control_token: str, limits: AccountLimits):
        self.backend, self.front_door = backend, front_door
        self.control_token = control_token
        self.clock_token = clock_token(control_token)
        self.limits = limits
        self.gates = Gates(limits)
        self.router = Router()

    def __call__(self, environ, start_response):
        account = environ.get(SOCKET_ACCOUNT)
        try:
            _normalise(environ)
            if account is not None:
                _pin(environ, account)
                return self._limited(environ, start_response, account)
            return self._host(environ, start_response)
        except Refused as refused:
            return _answer(start_response, *refused.response)

    # The platform, on the host port -------------------------------------------------------
    def _host(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ["REQUEST_METHOD"] == "GET":
            return self.backend.health(start_response)
        token = environ.pop(CONTROL_KEY, "")
        if token and path.startswith(CONTROL_PREFIXES):
            if not hmac.compare_digest(token, self.control_token):
                raise Refused("", "AccessDeniedException", "Bad control token.", 403)
            return self.router.dispatcher(environ, start_response)  # moto's own, as moto routes it
        pinned = environ.get(ACCOUNT_KEY) or None
        if pinned is not None and not ACCOUNT_RE.match(pinned):
            raise Refused("", "BadRequest", f"{ACCOUNT_HEADER} names one 12-digit account.", 400)
        if path == clock_api.CLOCK_PATH:
            if not hmac.compare_digest(token or "-", self.clock_token):
                raise Refused("", "AccessDeniedException", "The lab clock is the platform's: bad control token.", 403)
            return clock_api.serve(environ, start_response, pinned)
        return self._route(environ, start_response, pinned)

    # Learner code, on its account's socket ------------------------------------------------
    def _limited(self, environ, start_response, account: str):
        gate = self.gates.for_account(account)
        refusal = gate.enter()
        if refusal:
            time.sleep(self.limits.throttle_delay_s)  # a refusal costs the refuser, not the class
            service = self.router.classify(environ).service or "sts"
            code, status = errors.throttle_code(service)
            raise Refused(service, code, refusal, status)
        _bound_body(environ, self.limits.request_bytes, self.router)
        status, headers, body = _collect(self._route, environ, account)
        if len(body) > self.limits.response_bytes:
            service = self.router.classify(environ).service
            raise Refused(
                service,
                "InternalFailure",
                f"The response ({size_text(len(body))}) is over the lab limit of "
                f"{size_text(self.limits.response_bytes)}.",
                500,
            )
        start_response(status, headers)
        return [body]

    # Both ---------------------------------------------------------------------------------
    def _route(self, environ, start_response, account: str | None):
        if self.front_door.is_api_request(environ):
            with acting_as(account, "execute-api"):
                return self.front_door(environ, start_response)
        target = self.router.classify(environ)
        if target.kind == "unsigned":
            raise Refused("apigateway", "MissingAuthenticationTokenException", "Missing Authentication Token", 403)
        if target.kind == "not-offered":
            raise Refused(
                target.service,
                "UnrecognizedClientException",
                f"The labs do not emulate the {target.service!r} service. The lab emulator offers {OFFERED}.",
                400,
            )
        app = self.router.app(target.backend)
        try:  # a path the service does not have is AWS's unknown operation, not Flask's page
            app.url_map.bind_to_environ(environ).match()
        except HTTPException as miss:
            raise Refused(
                target.service,
                "UnknownOperationException",
                f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')} is not an "
                f"operation of the {target.service} API.",
                miss.code or 404,
            ) from None
        with acting_as(account, target.service):
            try:
                return list(app(environ, start_response))
            except Exception:  # moto's own failure: AWS's shape, never the emulator's pages
                log.exception("%s failed on %s %s", target.backend, environ["REQUEST_METHOD"], environ.get("PATH_INFO"))
                raise Refused(
                    target.service,
                    "InternalFailure",
                    "The emulated service failed on this request.",
                    500,
                ) from None


def _normalise(environ) -> None:
    if environ.get("SERVER_PROTOCOL") not in ("HTTP/1.0", "HTTP/1.1"):
        raise Refused("", "BadRequest", "Only HTTP/1.0 and HTTP/1.1 are served.", 400)
    host = environ.get("HTTP_HOST")
    if host is not None and ("," in host or not host.strip()):
        raise Refused("", "BadRequest", "A request has exactly one Host header.", 400)
    if host is None and environ["SERVER_PROTOCOL"] == "HTTP/1.1":
        raise Refused("", "BadRequest", "An HTTP/1.1 request has a Host header.", 400)
    raw = environ.get("RAW_URI", "")
    if raw and not raw.startswith("/"):
        scheme, _, rest = raw.partition("://")
        if scheme.lower() not in ("http", "https") or not rest:
            raise Refused("", "BadRequest", "The request target is not a path.", 400)
        target = "/" + rest.partition("/")[2]  # absolute-form: the path and query only
        environ["RAW_URI"] = environ["REQUEST_URI"] = target
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in environ.get("PATH_INFO", "") + raw):
        raise Refused("", "BadRequest", "The request target has control characters.", 400)
    encoding = environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if encoding and (encoding != "chunked" or environ.get("CONTENT_LENGTH")):
        raise Refused("", "BadRequest", "Send a body with Content-Length or chunked, not both.", 400)


def _pin(environ, account: str) -> None:
    # moto's server keeps the original spelling of headers with underscores (for S3 metadata);
    # an `x_moto_account_id` spelling must not stand in for the header moto reads.
    preserved = environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}
    for key in [k for k in (*environ, *preserved) if k.startswith("HTTP_X_COURSEWARE_")]:
        environ.pop(key, None)
        preserved.pop(key, None)
    preserved.pop(ACCOUNT_KEY, None)
    environ[ACCOUNT_KEY] = account


def _bound_body(environ, limit: int, router) -> None:
    """Refuse a body over the limit before anyone reads it; a chunked one is read up to it."""
    length = environ.get("CONTENT_LENGTH") or ""
    if length and (not length.isdigit() or int(length) > limit):
        _too_large(environ, limit, router)
    if environ.get("wsgi.input_terminated"):
        body = environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            _too_large(environ, limit, router)
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        environ.pop("wsgi.input_terminated")
        environ.pop("HTTP_TRANSFER_ENCODING", None)


def _too_large(environ, limit: int, router) -> None:
    service = router.classify(environ).service
    code = "RequestEntityTooLargeException" if service == "lambda" else "EntityTooLarge"
    raise Refused(service, code, f"The request body is over the lab limit of {size_text(limit)} per request.", 413)


def _collect(app, environ, account):
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    chunks = app(environ, start_response, account)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
    return captured["status"], [*headers, ("Content-Length", str(len(body)))], body


def _answer(start_response, status: int, headers: list, body: bytes):
    phrase = {
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Payload Too Large",
        429: "Too Many Requests",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }.get(status, "Error")
    # The body of a refused request may be unread; werkzeug closes every connection after its
    # response, so it is never parsed as a next request (pipelined requests are never served).
    start_response(f"{status} {phrase}", [*headers, ("Content-Length", str(len(body)))])
    return [body]
