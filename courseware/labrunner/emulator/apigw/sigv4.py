"""AWS Signature Version 4, checked as API Gateway checks it for AWS_IAM methods.

The signature is rebuilt from the request as received (the path still percent-encoded, the raw
query string, the header list) and the secret key moto holds for the access key: an IAM user's
active key, or the key of a session from `sts:AssumeRole`, which also needs its session token.
Failures carry the status and message API Gateway returns; a signature mismatch shows the
canonical request and string to sign, as AWS does, which is what a learner needs to find the bug.

Both forms are accepted: the `Authorization` header and a presigned query string (`X-Amz-*`).
Whose key it is, and what that caller may do, is `.credentials`'s to say.
"""

import hashlib
import hmac
import posixpath
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote_plus

from .credentials import Caller, Found, find_credentials

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
MAX_SKEW = 5 * 60
MAX_EXPIRES = 7 * 24 * 3600
MISSING_TOKEN = "Missing Authentication Token"
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)
QUERY_PARAMS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders")


class SignatureError(Exception):
    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class _Auth:
    credential: str
    signed_headers: list[str]
    signature: str
    date: str  # as X-Amz-Date writes it, also when the request sent a Date header
    token: str | None
    expires: int = MAX_SKEW


def verify_request(
    *,
    method: str,
    path: str,
    query_string: str,
    headers: list[tuple[str, str]],
    body: bytes,
    account_id: str,
    region: str,
    service: str = "execute-api",
    now: float | None = None,
) -> Caller:
    """The caller who signed this request, or SignatureError. `path` is as sent, still encoded."""
    now = time.time() if now is None else now
    fields: dict[str, list[str]] = {}
    for name, value in headers:
        fields.setdefault(name.strip().lower(), []).append(value)
    query = [_query_pair(pair) for pair in query_string.split("&") if pair]
    authorization = ",".join(fields.get("authorization", [])).strip()
    if authorization:
        auth = _from_header(authorization, fields)
    elif any(key in QUERY_PARAMS for key, _ in query):
        auth = _from_query(query)
        query = [(key, value) for key, value in query if key != "X-Amz-Signature"]
    else:
        raise SignatureError(MISSING_TOKEN)
    scope = _scope(auth, region, service)
    _check_time(auth, now)
    found = _signer(account_id, scope[0], auth, now)
    encoded = sorted((quote(key, safe="-_.~"), quote(value, safe="-_.~")) for key, value in query)
    payload = fields.get("x-amz-content-sha256")
    canonical = "\n".join(
        [
            method.upper(),
            quote(_normalize_path(path), safe="/~"),  # the path arrives encoded: this is the second
            "&".join(f"{key}={value}" for key, value in encoded),
            "".join(f"{name}:{_header_value(fields.get(name, []))}\n" for name in auth.signed_headers),
            ";".join(auth.signed_headers),
            ",".join(payload) if payload else hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = "\n".join(
        [ALGORITHM, auth.date, "/".join(scope[1:]), hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{found.secret}".encode()
    for part in scope[1:]:
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, auth.signature):
        raise SignatureError(
            f"{MISMATCH}\n\nThe Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n"
        )
    return found.caller


def _scope(auth: _Auth, region: str, service: str) -> list[str]:
    """The credential's parts (key, day, region, service, terminator), each checked as AWS does."""
    parts = auth.credential.split("/")
    if len(parts) != 5:
        raise SignatureError(
            f"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{auth.credential}'"
        )
    _, day, scope_region, scope_service, terminator = parts
    if day != auth.date[:8]:
        raise SignatureError(
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{day}' != '{auth.date[:8]}', from '{auth.date}'."
        )
    if scope_region != region:
        raise SignatureError(f"Credential should be scoped to a valid region, not '{scope_region}'. ")
    if scope_service != service:
        raise SignatureError(f"Credential should be scoped to correct service: '{service}'. ")
    if terminator != "aws4_request":
        raise SignatureError(
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
        )
    if "host" not in auth.signed_headers and ":authority" not in auth.signed_headers:
        raise SignatureError("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    return parts


def _signer(account_id: str, access_key: str, auth: _Auth, now: float) -> Found:
    """The key's holder in this account, with a session's token matching and unexpired."""
    found = find_credentials(account_id, access_key)
    if found is None or (found.token is None) != (auth.token is None):
        raise SignatureError(INVALID_TOKEN)
    if found.token is not None and not hmac.compare_digest(found.token, auth.token):
        raise SignatureError(INVALID_TOKEN)
    if found.expires is not None and now >= found.expires:
        raise SignatureError(EXPIRED_TOKEN)
    return found


def _from_header(value: str, fields: dict[str, list[str]]) -> _Auth:
    algorithm, _, rest = value.partition(" ")
    params = {}
    for part in (part.strip() for part in rest.split(",")):
        if not part:
            continue
        name, equals, content = part.partition("=")
        if not equals:
            raise SignatureError(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'."
            )
        params[name.strip()] = content.strip()
    amz_date = fields.get("x-amz-date", [""])[0].strip()
    date = amz_date or fields.get("date", [""])[0].strip()
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if name not in params
    ]
    if not date:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if missing:
        raise SignatureError(" ".join(missing) + f" Authorization={value}")
    if algorithm != ALGORITHM:
        raise SignatureError(f"Unsupported AWS 'algorithm': '{algorithm}'.")
    token = fields.get("x-amz-security-token")
    return _Auth(
        credential=params["Credential"],
        signed_headers=_signed(params["SignedHeaders"]),
        signature=params["Signature"],
        date=_amz_date(date, http_date=not amz_date),
        token=",".join(token) if token else None,
    )


def _from_query(query: list[tuple[str, str]]) -> _Auth:
    params = dict(query)
    missing = [name for name in QUERY_PARAMS if not params.get(name)]
    if missing:
        raise SignatureError(
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters."
        )
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise SignatureError(f"Unsupported AWS 'algorithm': '{params['X-Amz-Algorithm']}'.")
    expires = params.get("X-Amz-Expires", str(MAX_SKEW))
    if not expires.isdigit():
        raise SignatureError("X-Amz-Expires must be non-negative")
    if int(expires) > MAX_EXPIRES:
        raise SignatureError(f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES}")
    return _Auth(
        credential=params["X-Amz-Credential"],
        signed_headers=_signed(params["X-Amz-SignedHeaders"]),
        signature=params["X-Amz-Signature"],
        date=_amz_date(params["X-Amz-Date"], http_date=False),
        token=params.get("X-Amz-Security-Token"),
        expires=int(expires),
    )


def _query_pair(pair: str) -> tuple[str, str]:
    # Decoded, then encoded again the SigV4 way; "+" is a space, as botocore itself sends one.
    key, _, value = pair.partition("=")
    return unquote_plus(key), unquote_plus(value)


def _signed(value: str) -> list[str]:
    return sorted({name.strip().lower() for name in value.split(";") if name.strip()})


def _amz_date(value: str, *, http_date: bool) -> str:
    try:
        if http_date:
            moment = parsedate_to_datetime(value)
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
            return moment.astimezone(UTC).strftime(AMZ_DATE)
        datetime.strptime(value, AMZ_DATE)
        return value
    except (TypeError, ValueError):
        raise SignatureError(
            f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
        ) from None


def _check_time(auth: _Auth, now: float) -> None:
    signed_at = datetime.strptime(auth.date, AMZ_DATE).replace(tzinfo=UTC).timestamp()
    if signed_at < now - auth.expires:
        window = "5 min." if auth.expires == MAX_SKEW else f"{auth.expires} sec."
        raise SignatureError(
            f"Signature expired: {auth.date} is now earlier than {_fmt(now - auth.expires)} ({_fmt(now)} - {window})"
        )
    if signed_at > now + MAX_SKEW:
        raise SignatureError(
            f"Signature not yet current: {auth.date} is still later than {_fmt(now + MAX_SKEW)} ({_fmt(now)} + 5 min.)"
        )


def _fmt(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime(AMZ_DATE)


def _header_value(values: list[str]) -> str:
    return ",".join(" ".join(value.split()) for value in values)


def _normalize_path(path: str) -> str:
    """Dot segments resolved and empty ones dropped, as AWS signs it (`/a//b/../c/` is `/a/c/`)."""
    normalized = posixpath.normpath("/" + path.lstrip("/"))
    return normalized + "/" if path.endswith("/") and normalized != "/" else normalized
