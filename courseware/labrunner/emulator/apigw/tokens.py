"""JSON Web Tokens, checked as Cognito user pool (REST) and JWT (HTTP API) authorizers check them.

moto signs every cognito-idp token with one RSA key pair shipped in the package, whatever the pool
or account, so the public half is the JWKS of every user pool in the lab backend. No other issuer
can be reached (there is no internet), so only user pools that exist in this process have keys.

The checks are the ones API Gateway documents for JWT authorizers: an RSA signature by the key
named in `kid`, `exp` after now, `nbf` and `iat` not after now, `iss` equal to the configured
issuer, and `aud` (or `client_id` when there is no `aud`) among the configured audiences. A
failure carries a short `reason`, the kind of text HTTP APIs put in `www-authenticate`'s
`error_description`; where AWS documents the text ("the token does not have a valid audience"),
it is used as is.
"""

import copy
import json
import re
import time
from functools import cache, lru_cache

from joserfc import jwk, jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from moto.cognitoidp.models import cognitoidp_backends
from moto.utilities.utils import load_resource

ALGORITHMS = ("RS256", "RS384", "RS512")  # "only RSA-based algorithms are supported"
USER_POOL_ISSUER_RE = re.compile(r"https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/([\w-]+)")


class TokenError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@cache
def _cognito_jwks() -> dict:
    return load_resource("cognitoidp/resources/jwks-public.json")  # gzipped; load_resource knows


def cognito_jwks() -> dict:
    """The public JWKS matching the key moto signs every cognito-idp token with."""
    return copy.deepcopy(_cognito_jwks())  # a copy: callers may change theirs, not the next one's


def user_pool_issuer(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def jwks_for_issuer(issuer: str, *, account_id: str) -> dict | None:
    """The JWKS behind `issuer`, if it is a user pool of `account_id` in this process."""
    match = USER_POOL_ISSUER_RE.fullmatch(issuer)
    if not match:
        return None
    region, pool_id = match.groups()
    # dict.get, not []: moto's backend dicts create an account or region on first subscript,
    # and a lookup for a token must not create anything.
    regions = cognitoidp_backends.get(account_id)
    backend = regions.get(region) if regions is not None else None
    if backend is None or pool_id not in backend.user_pools:
        return None
    return cognito_jwks()


def verify(
    token: str,
    *,
    issuer: str,
    audiences: list[str] | None,
    jwks: dict,
    token_use: str | None = None,
    now: float | None = None,
) -> dict:
    """The token's claims, if it passes every check; otherwise TokenError.

    `audiences=None` skips the audience check (REST Cognito authorizers have none); an empty
    list accepts no audience. The token comes without its "Bearer " prefix.
    """
    header, claims = _decode(token)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise TokenError(f"the token signing algorithm {alg} is not supported")
    kid = header.get("kid")
    if not kid:
        raise TokenError("the token has no kid header")
    if kid not in {key.get("kid") for key in jwks.get("keys", [])}:
        raise TokenError("the token kid is not in the issuer's jwks")
    try:
        jwt.decode(token, _key_set(json.dumps(jwks, sort_keys=True)), algorithms=[alg])
    except BadSignatureError:
        raise TokenError("the token signature is invalid") from None
    except JoseError:
        raise TokenError("the token is not a JWT") from None

    now = time.time() if now is None else now
    _check_times(claims, now)
    if claims.get("iss") != issuer:
        raise TokenError("the token issuer is not accepted")
    if audiences is not None and not _audience_ok(claims, audiences):
        raise TokenError("the token does not have a valid audience")
    if token_use is not None and claims.get("token_use") != token_use:
        raise TokenError(f"the token is not an {token_use} token")
    return claims


def scopes_of(claims: dict) -> list[str]:
    """`scope` (space-separated, as Cognito writes it) and `scp` (a list, as some IdPs do)."""
    scopes = []
    scope = claims.get("scope")
    if isinstance(scope, str):
        scopes.extend(scope.split())
    scp = claims.get("scp")
    if isinstance(scp, str):
        scp = scp.split()
    if isinstance(scp, list):
        scopes.extend(item for item in scp if isinstance(item, str))
    return list(dict.fromkeys(scopes))


def _decode(token) -> tuple[dict, dict]:
    if not isinstance(token, str):
        raise TokenError("the token is not a JWT")
    try:
        compact = jws.extract_compact(token.encode())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise TokenError("the token is not a JWT") from None
    if not isinstance(claims, dict):
        raise TokenError("the token is not a JWT")
    return compact.headers(), claims


@lru_cache(maxsize=16)
def _key_set(jwks_json: str) -> jwk.KeySet:
    return jwk.KeySet.import_key_set(json.loads(jwks_json))


def _check_times(claims: dict, now: float) -> None:
    for name in ("exp", "nbf", "iat"):
        value = claims.get(name)
        if name in claims and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise TokenError(f"the token {name} claim is not a number")
    if "exp" not in claims:
        raise TokenError("the token has no exp claim")
    if now >= claims["exp"]:
        raise TokenError("the token has expired")
    if claims.get("nbf", now) > now:
        raise TokenError("the token is not valid yet")
    if claims.get("iat", now) > now:
        raise TokenError("the token was issued in the future")


def _audience_ok(claims: dict, audiences: list[str]) -> bool:
    # API Gateway reads client_id only when there is no aud (Cognito access tokens have none).
    if "aud" in claims:
        aud = claims["aud"]
        presented = aud if isinstance(aud, list) else [aud]
    else:
        presented = [claims.get("client_id")]
    return any(isinstance(item, str) and item in audiences for item in presented)
