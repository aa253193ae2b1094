"""The request panel: a learner's HTTP request to their own API, with the credentials it needs.

The form's fields are checked here (a clear message for each mistake); the run then fetches
any credentials (a user pool token for a user signed up on the spot, or SigV4 keys of an IAM
user with or without permission), sends the request through the emulated API Gateway and
keeps the request, the response and the trace (what the authorizer decided, the event).
"""

import re

from .client import callers
from .client.api import api_host, call_api, request_path
from .client.aws import AccountAws

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
AUTH_CHOICES = {
    "none": "No credentials (only the headers below)",
    "id-token": "Cognito user pool: ID token",
    "access-token": "Cognito user pool: access token",
    "iam-allowed": "IAM: signed by a user allowed to invoke this API",
    "iam-denied": "IAM: signed by a user with no permissions",
}
HEADER_RE = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$")
MAX_BODY = 256 * 1024
MAX_HEADERS = 50
# Headers the platform itself sets on the panel's request (the Host of the API, the account it
# acts for, the framing); a learner's value would change where the request goes.
PLATFORM_HEADERS = {
    "host",
    "x-moto-account-id",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
}
PANEL_USER = "learner@example.com"


class ApiRequestInvalid(ValueError):
    pass


def parse_api_request(data) -> dict:
    method = (data.get("method") or "GET").upper()
    if method not in METHODS:
        raise ApiRequestInvalid(f"choose a method: {', '.join(METHODS)}")
    path = (data.get("path") or "/").strip()
    if not path.startswith("/") or len(path) > 2048 or any(c in path for c in "\r\n\t "):
        raise ApiRequestInvalid("the path starts with / and has no spaces, e.g. /items/42?limit=2")
    headers = {}
    for number, line in enumerate((data.get("headers") or "").splitlines(), 1):
        if not line.strip():
            continue
        match = HEADER_RE.match(line.strip())
        if not match:
            raise ApiRequestInvalid(f"header line {number}: write Name: value, not {line.strip()!r}")
        name = match[1].lower()
        if (
            name in PLATFORM_HEADERS
            or name.replace("_", "-") in PLATFORM_HEADERS
            or (name.replace("_", "-").startswith("x-courseware-"))
        ):
            raise ApiRequestInvalid(f"header line {number}: {match[1]} is a header the platform sets for you")
        headers[match[1]] = match[2]
    if len(headers) > MAX_HEADERS:
        raise ApiRequestInvalid(f"at most {MAX_HEADERS} headers")
    body = (data.get("body") or "").replace("\r\n", "\n")
    if len(body.encode()) > MAX_BODY:
        raise ApiRequestInvalid("the body is larger than 256 KB")
    auth = data.get("auth") or "none"
    if auth not in AUTH_CHOICES:
        raise ApiRequestInvalid("choose how to authenticate the request")
    return {
        "api": (data.get("api") or "").strip() or None,
        "method": method,
        "path": path,
        "headers": headers,
        "body": body,
        "auth": auth,
    }


def send_api_request(aws: AccountAws, resources: dict, request: dict) -> dict:
    """Run the panel's request against the deployed resources; CallerError if the template
    has no API (or no user pool for a token)."""
    logical_id, api_id, kind = callers.find_api(resources, request.get("api"))
    stage = callers.default_stage(aws, api_id, kind, resources)
    headers, sign, credentials = dict(request["headers"]), None, {}
    auth = request["auth"]
    if auth in ("id-token", "access-token"):
        pool = _only(resources, "AWS::Cognito::UserPool", "user pool")
        client = _only(resources, "AWS::Cognito::UserPoolClient", "user pool client")
        tokens = callers.user_pool_tokens(aws, pool_id=pool, client_id=client, username=PANEL_USER)
        token = tokens["id" if auth == "id-token" else "access"]
        headers["Authorization"] = f"Bearer {token}" if kind == "HTTP" else token
        credentials = {"user": PANEL_USER, "token": token}
    elif auth.startswith("iam-"):
        arn = f"arn:aws:execute-api:{aws.region}:{aws.account_id}:{api_id}/*"
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": arn}],
        }
        name = "lab-api-caller" if auth == "iam-allowed" else "lab-no-permissions"
        sign = callers.iam_credentials(aws, name, policy=policy if auth == "iam-allowed" else None)
        credentials = {"user": sign["arn"], "access_key": sign["access_key"]}
    response = call_api(
        aws,
        api_id=api_id,
        stage=stage,
        method=request["method"],
        path=request["path"],
        headers=headers,
        body=request["body"] or None,
        sign=sign,
    )
    url = f"https://{api_host(aws, api_id)}{request_path(stage, request['path'])}"
    return {
        "api": logical_id,
        "api_id": api_id,
        "kind": kind,
        "stage": stage,
        "url": url,
        "request": {"method": request["method"], "headers": headers, "body": request["body"]},
        "credentials": credentials,
        "response": response.to_dict(),
    }


def _only(resources: dict, kind: str, what: str) -> str:
    found = [v["id"] for v in resources.values() if v.get("type") == kind]
    if not found:
        raise callers.CallerError(f"Your template has no {what} ({kind}) to get a token from.")
    return found[0]
