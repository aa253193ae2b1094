import time
from types import SimpleNamespace

import boto3
import pytest
from joserfc import jwk, jwt
from moto import mock_aws
from moto.cognitoidp.models import cognitoidp_backends
from moto.utilities.utils import load_resource

from courseware.labrunner.emulator.apigw import tokens
from courseware.labrunner.emulator.apigw.tokens import TokenError, verify

ACCOUNT = "123456789012"
REGION = "us-east-1"
PASSWORD = "Secret-pass-1"


def make_pool(idp, name):
    pool_id = idp.create_user_pool(PoolName=name)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="ada", TemporaryPassword="Temp-pass-1")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="ada", Password=PASSWORD, Permanent=True)
    signed_in = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ada", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    model = cognitoidp_backends[ACCOUNT][REGION].user_pools[pool_id]
    return SimpleNamespace(
        id=pool_id,
        client_id=client_id,
        issuer=tokens.user_pool_issuer(REGION, pool_id),
        id_token=signed_in["IdToken"],
        access_token=signed_in["AccessToken"],
        mint=lambda use="id", **kwargs: model.create_jwt(client_id, "ada", use, **kwargs)[0],
    )


@pytest.fixture(scope="module")
def idp():
    with mock_aws():
        yield boto3.client("cognito-idp", region_name=REGION)


@pytest.fixture(scope="module")
def pool(idp):  # tests only read it: one pool (and one sign-in) for the module
    return make_pool(idp, "learners")


def check(token, pool, **kwargs):
    options = {"issuer": pool.issuer, "audiences": [pool.client_id], "jwks": tokens.cognito_jwks()}
    return verify(token, **{**options, **kwargs})


def refusal(token, pool, **kwargs) -> str:
    with pytest.raises(TokenError) as caught:
        check(token, pool, **kwargs)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def forge(claims, *, key=None, header=None):
    """A token signed with moto's own key unless `key` says otherwise."""
    key = key or jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode(header or {"kid": "dummy", "alg": "RS256"}, claims, key)


def claims_of(pool, **changes):
    now = int(time.time())
    claims = {"iss": pool.issuer, "aud": pool.client_id, "token_use": "id", "sub": "ada", "iat": now, "exp": now + 600}
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


# -- keys and issuers --------------------------------------------------------------------------
def test_cognito_jwks_is_the_public_half_of_motos_signing_key():
    keys = tokens.cognito_jwks()["keys"]
    assert [(key["kid"], key["kty"], key["alg"]) for key in keys] == [("dummy", "RSA", "RS256")]
    assert "d" not in keys[0]  # no private exponent


def test_cognito_jwks_hands_out_copies():
    tokens.cognito_jwks()["keys"].clear()
    assert len(tokens.cognito_jwks()["keys"]) == 1


def test_user_pool_issuer():
    assert tokens.user_pool_issuer("eu-west-1", "eu-west-1_AbC") == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    )


def test_jwks_for_an_existing_pool(pool):
    assert tokens.jwks_for_issuer(pool.issuer, account_id=ACCOUNT) == tokens.cognito_jwks()


@pytest.mark.parametrize(
    "issuer",
    [
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_missing",
        "https://cognito-idp.eu-west-1.amazonaws.com/{pool}",  # the pool lives in us-east-1
        "https://cognito-idp.us-east-1.amazonaws.com/{pool}/",
        "https://login.example.com/{pool}",
        "",
    ],
)
def test_no_jwks_for_unknown_issuers(pool, issuer):
    assert tokens.jwks_for_issuer(issuer.format(pool=pool.id), account_id=ACCOUNT) is None


def test_no_jwks_for_another_accounts_pool_and_nothing_is_created(pool):
    assert tokens.jwks_for_issuer(pool.issuer, account_id="987650000001") is None
    assert "987650000001" not in cognitoidp_backends


# -- verify: tokens that pass ------------------------------------------------------------------
def test_an_id_token_from_sign_in_passes(pool):
    claims = check(pool.id_token, pool, token_use="id")
    assert claims["token_use"] == "id"
    assert claims["aud"] == pool.client_id
    assert claims["cognito:username"] == "ada"


def test_an_access_token_passes_on_its_client_id(pool):
    claims = check(pool.access_token, pool, token_use="access")
    assert "aud" not in claims
    assert claims["client_id"] == pool.client_id


def test_no_audiences_skips_the_audience_check(pool):
    assert check(pool.mint(), pool, audiences=None)["sub"]
    assert refusal(pool.mint(), pool, audiences=[]) == "the token does not have a valid audience"


def test_an_audience_list_in_the_token_passes_if_any_entry_is_accepted(pool):
    token = forge(claims_of(pool, aud=["other", pool.client_id]))
    assert check(token, pool)["aud"] == ["other", pool.client_id]


# -- verify: tokens that are refused -----------------------------------------------------------
def test_an_expired_token(pool):
    assert refusal(pool.mint(expires_in=-60), pool) == "the token has expired"


def test_expiry_is_measured_against_now(pool):
    token = pool.mint(expires_in=60)
    exp = check(token, pool)["exp"]
    assert check(token, pool, now=exp - 1)
    assert refusal(token, pool, now=exp) == "the token has expired"


def test_a_token_from_another_pool_has_the_wrong_issuer(idp, pool):
    other = make_pool(idp, "others")
    reason = refusal(other.id_token, pool, audiences=[other.client_id])
    assert reason == "the token issuer is not accepted"


def test_a_token_for_another_client_has_the_wrong_audience(pool):
    assert refusal(pool.id_token, pool, audiences=["someone-else"]) == ("the token does not have a valid audience")
    assert refusal(pool.access_token, pool, audiences=["someone-else"]) == ("the token does not have a valid audience")


def test_aud_wins_over_client_id(pool):
    token = forge(claims_of(pool, aud="someone-else", client_id=pool.client_id))
    assert refusal(token, pool) == "the token does not have a valid audience"


def test_an_access_token_is_not_an_id_token(pool):
    assert refusal(pool.access_token, pool, token_use="id") == "the token is not an id token"
    assert refusal(pool.id_token, pool, token_use="access") == "the token is not an access token"


def test_a_token_signed_by_another_key(pool):
    stranger = jwk.RSAKey.generate_key(2048)
    assert refusal(forge(claims_of(pool), key=stranger), pool) == "the token signature is invalid"


def test_a_token_with_a_changed_payload(pool):
    header, _, signature = pool.id_token.split(".")
    _, payload, _ = forge(claims_of(pool, sub="mallory")).split(".")
    assert check(pool.id_token, pool)  # the original passes...
    tampered = f"{header}.{payload}.{signature}"
    assert refusal(tampered, pool) == "the token signature is invalid"  # ...a mix does not


def test_a_kid_the_issuer_does_not_have(pool):
    token = forge(claims_of(pool), header={"kid": "other", "alg": "RS256"})
    assert refusal(token, pool) == "the token kid is not in the issuer's jwks"
    token = forge(claims_of(pool), header={"alg": "RS256"})
    assert refusal(token, pool) == "the token has no kid header"


def test_only_rsa_signatures(pool):
    token = forge(claims_of(pool), key=jwk.OctKey.generate_key(256), header={"alg": "HS256", "kid": "dummy"})
    assert refusal(token, pool) == "the token signing algorithm HS256 is not supported"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "a.b.c",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "eyJhbGciOiJSUzI1NiJ9.WzFd.c2ln",
    ],
)
def test_text_that_is_not_a_jwt(pool, text):
    assert refusal(text, pool) == "the token is not a JWT"


def test_a_bearer_prefix_is_not_part_of_a_token(pool):
    assert check(pool.id_token, pool)
    assert refusal(f"Bearer {pool.id_token}", pool) == "the token is not a JWT"


def test_a_token_that_is_not_text(pool):
    assert refusal(pool.id_token.encode(), pool) == "the token is not a JWT"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"exp": None}, "the token has no exp claim"),
        ({"exp": "tomorrow"}, "the token exp claim is not a number"),
        ({"nbf": "in 10 minutes"}, "the token is not valid yet"),
        ({"iat": "in 10 minutes"}, "the token was issued in the future"),
        ({"iss": None}, "the token issuer is not accepted"),
        ({"aud": None}, "the token does not have a valid audience"),
    ],
)
def test_claims_that_fail(pool, changes, reason):
    # times are taken when the test runs, not when the suite was collected (a long run outlives them)
    changes = {k: int(time.time()) + 600 if v == "in 10 minutes" else v for k, v in changes.items()}
    assert refusal(forge(claims_of(pool, **changes)), pool) == reason


def test_a_token_valid_from_now_passes(pool):
    now = time.time()
    assert check(forge(claims_of(pool, nbf=int(now), iat=int(now))), pool, now=int(now))


# -- scopes ------------------------------------------------------------------------------------
def test_scopes_of_a_cognito_access_token(pool):
    assert tokens.scopes_of(check(pool.access_token, pool)) == ["aws.cognito.signin.user.admin"]


@pytest.mark.parametrize(
    ("claims", "scopes"),
    [
        ({}, []),
        ({"scope": "orders/read  orders/write"}, ["orders/read", "orders/write"]),
        ({"scp": ["orders/read", "admin"]}, ["orders/read", "admin"]),
        ({"scp": "orders/read admin"}, ["orders/read", "admin"]),
        ({"scope": "a b", "scp": ["b", "c"]}, ["a", "b", "c"]),
        ({"scope": 7, "scp": None}, []),
    ],
)
def test_scopes_of(claims, scopes):
    assert tokens.scopes_of(claims) == scopes
