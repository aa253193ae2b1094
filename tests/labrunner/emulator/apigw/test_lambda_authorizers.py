"""Lambda authorizers and API keys: each outcome as API Gateway reports it."""

import pytest

from courseware.labrunner.client.api import call_api
from courseware.labrunner.client.aws import AccountAws, new_account_id
from tests.apigw_fixtures import http_api, integration_uri, make_function, rest_api

TOKEN_AUTHORIZER = """
def policy(effect, resource):
    return {"Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}

def handler(event, context):
    headers = event.get("headers") or {}
    token = event.get("authorizationToken") or headers.get("X-User") or headers.get("x-user")
    everything = event["methodArn"].split("/")[0] + "/*"
    if token in ("allow", "alice"):
        return {"principalId": "user-1", "policyDocument": policy("Allow", everything),
                "context": {"role": "reader", "level": 3, "admin": False}}
    if token == "exact":  # the caching trap: only the first method's ARN is allowed
        return {"principalId": "user-2", "policyDocument": policy("Allow", event["methodArn"])}
    if token == "deny":
        return {"principalId": "user-3", "policyDocument": policy("Deny", everything)}
    if token == "other-api":
        return {"principalId": "user-4", "policyDocument": policy("Allow", "arn:aws:execute-api:*:*:nope/*")}
    if token == "malformed":
        return {"principalId": "user-5"}
    if token == "nested":
        return {"principalId": "u", "policyDocument": policy("Allow", everything), "context": {"a": {"b": 1}}}
    if token == "crash":
        raise RuntimeError("database down")
    raise Exception("Unauthorized")
"""

SIMPLE_AUTHORIZER = """
def handler(event, context):
    assert event["version"] == "2.0" and event["type"] == "REQUEST"
    key = event["headers"].get("x-key")
    return {"isAuthorized": key == "open", "context": {"who": "me", "source": event["identitySource"]}}
"""


@pytest.fixture(scope="module")
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


@pytest.fixture(scope="module")
def functions(aws):
    return {
        "echo": make_function(aws, "echo"),
        "token": make_function(aws, "auth", TOKEN_AUTHORIZER),
        "simple": make_function(aws, "simple", SIMPLE_AUTHORIZER),
    }


def token_api(aws, functions, *, ttl=300, kind="TOKEN", source="method.request.header.Authorization"):
    custom = {"authorizationType": "CUSTOM", "authorizerId": "AUTHORIZER"}
    return rest_api(
        aws,
        functions["echo"],
        [("GET", "/items", custom, None), ("GET", "/items/{id}", custom, None)],
        authorizer={
            "name": "Tokens",
            "type": kind,
            "authorizerUri": integration_uri(functions["token"]),
            "identitySource": source,
            "authorizerResultTtlInSeconds": ttl,
        },
    )


def get(aws, api, path="/items", **headers):
    return call_api(aws, api_id=api, stage="prod", path=path, headers=headers)


def test_token_authorizer_allows_with_its_context(aws, functions):
    api = token_api(aws, functions)
    response = get(aws, api, Authorization="allow")
    assert response.status == 200
    authorizer = response.event["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-1"
    assert (authorizer["role"], authorizer["level"], authorizer["admin"]) == (
        "reader",
        "3",
        "false",
    )
    assert response.authorizer["outcome"] == "allow" and response.authorizer["invoked"]
    assert response.authorizer["event"] == {
        "type": "TOKEN",
        "authorizationToken": "allow",
        "methodArn": f"arn:aws:execute-api:us-east-1:{aws.account_id}:{api}/prod/GET/items",
    }


@pytest.mark.parametrize(
    "headers, status, body, outcome",
    [
        ({}, 401, {"message": "Unauthorized"}, "unauthorized"),
        ({"Authorization": "who-knows"}, 401, {"message": "Unauthorized"}, "unauthorized"),
        (
            {"Authorization": "deny"},
            403,
            {"Message": "User is not authorized to access this resource with an explicit deny"},
            "deny",
        ),
        ({"Authorization": "other-api"}, 403, {"Message": "User is not authorized to access this resource"}, "deny"),
        ({"Authorization": "malformed"}, 500, {"message": None}, "error"),
        ({"Authorization": "nested"}, 500, {"message": None}, "error"),
        ({"Authorization": "crash"}, 500, {"message": None}, "error"),
    ],
)
def test_token_authorizer_refusals(aws, functions, headers, status, body, outcome):
    api = token_api(aws, functions)
    response = get(aws, api, **headers)
    assert (response.status, response.json()) == (status, body)
    assert response.event is None  # the integration never ran
    assert response.authorizer["outcome"] == outcome
    if status == 500:
        assert response.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"


def test_cached_policies_are_reused_across_methods_and_re_evaluated(aws, functions):
    api = token_api(aws, functions, ttl=300)
    first = get(aws, api, "/items", Authorization="allow")
    second = get(aws, api, "/items/9", Authorization="allow")
    assert (first.status, second.status) == (200, 200)
    assert first.authorizer["invoked"] and not first.authorizer["cached"]
    assert second.authorizer["cached"] and not second.authorizer["invoked"]
    trap = get(aws, api, "/items", Authorization="exact")
    trapped = get(aws, api, "/items/9", Authorization="exact")
    assert trap.status == 200
    assert trapped.status == 403 and trapped.authorizer["cached"]  # the cached policy names /items only
    refused = get(aws, api, "/items", Authorization="deny")
    assert get(aws, api, "/items", Authorization="deny").authorizer["cached"] and refused.status == 403


def test_ttl_zero_calls_the_authorizer_every_time(aws, functions):
    api = token_api(aws, functions, ttl=0)
    assert get(aws, api, Authorization="exact").authorizer["invoked"]
    again = get(aws, api, "/items/9", Authorization="exact")
    assert again.status == 200 and again.authorizer["invoked"] and not again.authorizer["cached"]


def test_request_authorizer_reads_its_identity_sources(aws, functions):
    api = token_api(aws, functions, kind="REQUEST", source="method.request.header.X-User")
    missing = get(aws, api)
    assert missing.status == 401 and not missing.authorizer["invoked"]
    allowed = get(aws, api, **{"X-User": "alice"})
    assert allowed.status == 200
    event = allowed.authorizer["event"]
    assert event["type"] == "REQUEST" and event["httpMethod"] == "GET" and event["resource"] == "/items"
    assert event["methodArn"].endswith(f"{api}/prod/GET/items")


def test_http_api_simple_responses(aws, functions):
    v2 = aws.client("apigatewayv2")
    api = http_api(aws, functions["echo"], [])
    authorizer = v2.create_authorizer(
        ApiId=api,
        Name="Simple",
        AuthorizerType="REQUEST",
        AuthorizerUri=integration_uri(functions["simple"]),
        IdentitySource=["$request.header.x-key"],
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        AuthorizerResultTtlInSeconds=0,
    )["AuthorizerId"]
    target = v2.get_integrations(ApiId=api)["Items"][0]["IntegrationId"]
    v2.create_route(
        ApiId=api,
        RouteKey="GET /secret",
        Target=f"integrations/{target}",
        AuthorizationType="CUSTOM",
        AuthorizerId=authorizer,
    )
    allowed = call_api(aws, api_id=api, stage="$default", path="/secret", headers={"x-key": "open"})
    assert allowed.status == 200
    assert allowed.event["requestContext"]["authorizer"] == {"lambda": {"who": "me", "source": ["open"]}}
    refused = call_api(aws, api_id=api, stage="$default", path="/secret", headers={"x-key": "shut"})
    assert (refused.status, refused.json()) == (403, {"message": "Forbidden"})
    missing = call_api(aws, api_id=api, stage="$default", path="/secret")
    assert (missing.status, missing.json()) == (401, {"message": "Unauthorized"})


def test_api_keys_and_usage_plans(aws, functions):
    gateway = aws.client("apigateway")
    api = rest_api(aws, functions["echo"], [("GET", "/items", {"apiKeyRequired": True}, None)])
    key = gateway.create_api_key(name="partner", enabled=True, value="partner-key-0123456789")
    spare = gateway.create_api_key(name="no-plan", enabled=True, value="lonely-key-0123456789")
    plan = gateway.create_usage_plan(
        name="basic", apiStages=[{"apiId": api, "stage": "prod"}], quota={"limit": 3, "period": "DAY"}
    )
    gateway.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    assert get(aws, api).status == 403
    assert get(aws, api, **{"x-api-key": spare["value"]}).status == 403
    assert get(aws, api, **{"x-api-key": "made-up"}).status == 403
    ok = get(aws, api, **{"x-api-key": key["value"]})
    assert ok.status == 200
    assert ok.event["requestContext"]["identity"]["apiKey"] == key["value"]
    assert ok.event["requestContext"]["identity"]["apiKeyId"] == key["id"]
    assert [get(aws, api, **{"x-api-key": key["value"]}).status for _ in range(3)] == [
        200,
        200,
        429,
    ]
    over = get(aws, api, **{"x-api-key": key["value"]})
    assert over.json() == {"message": "Limit Exceeded"}
