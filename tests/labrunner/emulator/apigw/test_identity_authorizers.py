"""Cognito user pool, JWT and IAM authorisation through the front door, outcome by outcome."""

import pytest
from moto.cognitoidp.models import cognitoidp_backends

from courseware.labrunner.client import callers
from courseware.labrunner.client.api import call_api
from courseware.labrunner.client.aws import AccountAws, new_account_id
from tests.apigw_fixtures import http_api, make_function, rest_api

USER = "ada@example.com"


@pytest.fixture(scope="module")
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


@pytest.fixture(scope="module")
def pool(aws):
    idp = aws.client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName="users", UsernameAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    tokens = callers.user_pool_tokens(aws, pool_id=pool_id, client_id=client_id, username=USER)
    other = idp.create_user_pool(PoolName="elsewhere", UsernameAttributes=["email"])["UserPool"]["Id"]
    other_client = idp.create_user_pool_client(
        UserPoolId=other, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    elsewhere = callers.user_pool_tokens(aws, pool_id=other, client_id=other_client, username=USER)
    return {
        "id": pool_id,
        "client": client_id,
        "tokens": tokens,
        "other_tokens": elsewhere,
        "arn": f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}",
    }


def minted(aws, pool_id: str, client_id: str, *, use="access", expires_in=3600, **claims) -> str:
    """A token signed by the emulator's cognito-idp key, with chosen claims or expiry."""
    user_pool = cognitoidp_backends[aws.account_id]["us-east-1"].user_pools[pool_id]
    username = next(iter(user_pool.users))
    return user_pool.create_jwt(client_id, username, use, expires_in=expires_in, extra_data=claims)[0]


@pytest.fixture(scope="module")
def echo(aws):
    return make_function(aws, "echo")


@pytest.fixture(scope="module")
def cognito_api(aws, echo, pool):
    cognito = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "AUTHORIZER"}
    scoped = cognito | {"authorizationScopes": ["aws.cognito.signin.user.admin"]}
    return rest_api(
        aws,
        echo,
        [
            ("GET", "/profile", cognito, None),
            ("GET", "/settings", scoped, None),
            ("GET", "/orders", cognito | {"authorizationScopes": ["orders/read"]}, None),
        ],
        authorizer={
            "name": "Users",
            "type": "COGNITO_USER_POOLS",
            "providerARNs": [pool["arn"]],
            "identitySource": "method.request.header.Authorization",
        },
    )


def get(aws, api, path, token=None, stage="prod"):
    headers = {"Authorization": token} if token else {}
    return call_api(aws, api_id=api, stage=stage, path=path, headers=headers)


def test_cognito_id_token_reaches_the_function_with_its_claims(aws, cognito_api, pool):
    response = get(aws, cognito_api, "/profile", pool["tokens"]["id"])
    assert response.status == 200
    claims = response.event["requestContext"]["authorizer"]["claims"]
    assert claims["email"] == USER and claims["token_use"] == "id"
    assert claims["aud"] == pool["client"]
    assert response.authorizer == response.authorizer | {
        "type": "COGNITO_USER_POOLS",
        "outcome": "allow",
    }


@pytest.mark.parametrize("case", ["missing", "garbage", "expired", "other-pool", "tampered"])
def test_cognito_refuses_bad_tokens_with_401(aws, cognito_api, pool, case):
    token = {
        "missing": None,
        "garbage": "not-a-jwt",
        "expired": minted(aws, pool["id"], pool["client"], use="id", expires_in=-60),
        "other-pool": pool["other_tokens"]["id"],
        "tampered": pool["tokens"]["id"][:-4] + ("AAAA" if not pool["tokens"]["id"].endswith("AAAA") else "BBBB"),
    }[case]
    response = get(aws, cognito_api, "/profile", token)
    assert (response.status, response.json()) == (401, {"message": "Unauthorized"})
    assert response.event is None and response.authorizer["outcome"] == "unauthorized"
    if case == "expired":
        assert "expired" in response.authorizer["message"]


def test_cognito_scopes_need_an_access_token_with_the_scope(aws, cognito_api, pool):
    assert get(aws, cognito_api, "/settings", pool["tokens"]["access"]).status == 200
    id_token = get(aws, cognito_api, "/settings", pool["tokens"]["id"])
    assert id_token.status == 401 and "access token" in id_token.authorizer["message"]
    wrong_scope = get(aws, cognito_api, "/orders", pool["tokens"]["access"])
    assert wrong_scope.status == 401
    right_scope = minted(aws, pool["id"], pool["client"], scope="orders/read orders/write")
    assert get(aws, cognito_api, "/orders", right_scope).status == 200


@pytest.fixture(scope="module")
def jwt_api(aws, echo, pool):
    v2 = aws.client("apigatewayv2")
    api = http_api(aws, echo, [])
    authorizer = v2.create_authorizer(
        ApiId=api,
        Name="Jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={
            "Issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool['id']}",
            "Audience": [pool["client"]],
        },
    )["AuthorizerId"]
    target = "integrations/" + v2.get_integrations(ApiId=api)["Items"][0]["IntegrationId"]
    for key, scopes in [("GET /me", []), ("GET /orders", ["orders/read"])]:
        v2.create_route(
            ApiId=api,
            RouteKey=key,
            Target=target,
            AuthorizationType="JWT",
            AuthorizerId=authorizer,
            AuthorizationScopes=scopes,
        )
    return api


def test_jwt_authorizer_allows_bearer_tokens_with_claims_and_scopes(aws, jwt_api, pool):
    response = get(aws, jwt_api, "/me", f"Bearer {pool['tokens']['access']}", stage="$default")
    assert response.status == 200
    jwt = response.event["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["client_id"] == pool["client"]
    assert jwt["scopes"] == ["aws.cognito.signin.user.admin"]


@pytest.mark.parametrize(
    "case, status",
    [
        ("missing", 401),
        ("garbage", 401),
        ("expired", 401),
        ("wrong-audience", 401),
        ("wrong-scope", 403),
    ],
)
def test_jwt_authorizer_refusals(aws, jwt_api, pool, case, status):
    token = {
        "missing": None,
        "garbage": "Bearer abc.def.ghi",
        "expired": "Bearer " + minted(aws, pool["id"], pool["client"], expires_in=-5),
        "wrong-audience": "Bearer " + minted(aws, pool["id"], "some-other-client"),
        "wrong-scope": f"Bearer {pool['tokens']['access']}",
    }[case]
    path = "/orders" if case == "wrong-scope" else "/me"
    response = get(aws, jwt_api, path, token, stage="$default")
    assert response.status == status and response.event is None
    if status == 403:
        assert response.json() == {"message": "Forbidden"}
        assert 'error="insufficient_scope"' in response.headers["www-authenticate"]
    else:
        assert response.json() == {"message": "Unauthorized"}
    right = minted(aws, pool["id"], pool["client"], scope="orders/read")
    assert get(aws, jwt_api, "/orders", f"Bearer {right}", stage="$default").status == 200


@pytest.fixture(scope="module")
def iam_api(aws, echo):
    return rest_api(
        aws,
        echo,
        [
            ("GET", "/admin/stats", {"authorizationType": "AWS_IAM"}, None),
            ("GET", "/admin/secret", {"authorizationType": "AWS_IAM"}, None),
        ],
    )


def invoke_policy(aws, api, resource_path: str, effect="Allow") -> dict:
    arn = f"arn:aws:execute-api:us-east-1:{aws.account_id}:{api}/prod/GET{resource_path}"
    return {"Version": "2012-10-17", "Statement": [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": arn}]}


def test_iam_signed_requests_by_allowed_users_reach_the_function(aws, iam_api):
    allowed = callers.iam_credentials(aws, "analyst", policy=invoke_policy(aws, iam_api, "/admin/*"))
    response = call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats", sign=allowed)
    assert response.status == 200
    identity = response.event["requestContext"]["identity"]
    assert identity["userArn"] == allowed["arn"]
    assert identity["accessKey"] == allowed["access_key"] and identity["accountId"] == aws.account_id


def test_iam_refusals(aws, iam_api):
    unsigned = call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats")
    assert (unsigned.status, unsigned.json()) == (403, {"message": "Missing Authentication Token"})
    nobody = callers.iam_credentials(aws, "intern")
    refused = call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats", sign=nobody)
    assert refused.status == 403 and "is not authorized to perform: execute-api:Invoke" in refused.text
    narrow = callers.iam_credentials(aws, "narrow", policy=invoke_policy(aws, iam_api, "/admin/stats"))
    assert call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats", sign=narrow).status == 200
    assert call_api(aws, api_id=iam_api, stage="prod", path="/admin/secret", sign=narrow).status == 403
    forged = dict(narrow, secret_key="x" * 40)
    bad = call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats", sign=forged)
    assert bad.status == 403 and "signature we calculated does not match" in bad.text
    unknown = dict(narrow, access_key="AKIAUNKNOWNKEY000000")
    assert (
        "security token included in the request is invalid"
        in call_api(aws, api_id=iam_api, stage="prod", path="/admin/stats", sign=unknown).text
    )
