"""Calling a learner's API from the platform (request panel, grader), as a client on the internet
would: through the front door's execute-api URL, optionally signed with SigV4.

The platform asks the front door for its trace (route, authorizer, the event the function
received, the invocation); on LocalStack, which has no such trace, only the response comes back.
"""

import base64
import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from .aws import ACCOUNT_HEADER, AccountAws

TRACE_HEADER = "x-courseware-trace"
TRACE_TYPE = "application/vnd.courseware.api-trace+json"
URL_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass
class ApiResponse:
    status: int
    headers: dict  # lowercase names; repeated headers joined with ", " (set-cookie kept apart)
    body: bytes
    trace: dict = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def event(self) -> dict | None:
        """The event the integration function received (None if it was not called)."""
        return self.trace.get("event")

    @property
    def authorizer(self) -> dict | None:
        return self.trace.get("authorizer")

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "headers": self.headers,
            "body": self.text,
            "cookies": self.cookies,
            "trace": self.trace,
        }


def api_host(aws: AccountAws, api_id: str) -> str:
    if aws.kind == "localstack":
        return f"{api_id}.execute-api.localhost.localstack.cloud"
    return f"{api_id}.execute-api.{aws.region}.amazonaws.com"


def request_path(stage: str, path: str) -> str:
    path = "/" + path.lstrip("/")
    return path if stage == "$default" else f"/{stage}{path}"


def call_api(
    aws: AccountAws,
    *,
    api_id: str,
    stage: str,
    method: str = "GET",
    path: str = "/",
    headers: dict | None = None,
    query=None,
    body=None,
    sign: dict | None = None,
    timeout: float = 60,
) -> ApiResponse:
    method = method.upper()
    # As a browser would: characters a URL cannot carry are percent-encoded, the rest kept.
    target = quote(request_path(stage, path.split("?", 1)[0]), safe=URL_SAFE)
    raw_query = quote(path.split("?", 1)[1], safe=URL_SAFE + "?") if "?" in path else ""
    if query:
        extra = query if isinstance(query, str) else urlencode(query, doseq=True)
        raw_query = f"{raw_query}&{extra}" if raw_query else extra
    if raw_query:
        target += "?" + raw_query
    sent = {str(k): str(v) for k, v in (headers or {}).items()}
    if isinstance(body, dict | list):
        body = json.dumps(body)
        if not any(k.lower() == "content-type" for k in sent):
            sent["Content-Type"] = "application/json"
    data = body.encode() if isinstance(body, str) else (body or b"")
    host = api_host(aws, api_id)
    sent["Host"] = host
    if sign:
        sent = signed_headers(aws, method, f"https://{host}{target}", sent, data, sign)
    if aws.kind == "moto":
        sent[ACCOUNT_HEADER] = aws.account_id
    sent[TRACE_HEADER] = "1"
    endpoint = urlsplit(aws.endpoint)
    connection = http.client.HTTPConnection(endpoint.hostname, endpoint.port, timeout=timeout)
    try:
        connection.request(method, target, body=data or None, headers=sent)
        response = connection.getresponse()
        payload = response.read()
        raw_headers = response.getheaders()
    finally:
        connection.close()
    if response.getheader("content-type", "").startswith(TRACE_TYPE):
        envelope = json.loads(payload)
        raw_headers = [tuple(pair) for pair in envelope["headers"]]
        return _response(envelope["status"], raw_headers, base64.b64decode(envelope["body"]), envelope["trace"])
    return _response(response.status, raw_headers, payload, {})


def _response(status, raw_headers, body, trace) -> ApiResponse:
    headers, cookies = {}, []
    for name, value in raw_headers:
        key = name.lower()
        if key == "set-cookie":
            cookies.append(value)
        elif key not in ("content-length", "connection", "date", "server"):
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return ApiResponse(status, headers, body, trace, cookies)


def signed_headers(aws: AccountAws, method, url, headers, data: bytes, credentials: dict) -> dict:
    request = AWSRequest(method=method, url=url, data=data, headers=dict(headers))
    creds = Credentials(credentials["access_key"], credentials["secret_key"], credentials.get("session_token"))
    SigV4Auth(creds, "execute-api", aws.region).add_auth(request)
    return dict(request.headers.items())
