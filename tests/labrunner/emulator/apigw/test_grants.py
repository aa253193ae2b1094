"""API Gateway invokes only functions that granted it: a missing or too narrow permission fails
the request as AWS does, with the reason in the trace (what the request panel shows)."""

import pytest

from courseware.labrunner.client.api import call_api
from courseware.labrunner.client.aws import AccountAws, new_account_id
from tests.apigw_fixtures import REGION, http_api, integration_uri, make_function, rest_api
from tests.labrunner.emulator.apigw.test_lambda_authorizers import TOKEN_AUTHORIZER


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


def allow(aws, function: str, source_arn: str, sid: str = "api") -> None:
    aws.client("lambda").add_permission(
        FunctionName=function,
        StatementId=sid,
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=source_arn,
    )


def test_a_rest_integration_without_permission_is_a_500(aws):
    function = make_function(aws, "echo", grant=False)
    api = rest_api(aws, function, [("GET", "/items/{id}", None, None)])
    refused = call_api(aws, api_id=api, stage="prod", path="/items/7")
    assert refused.status == 500 and refused.json() == {"message": "Internal server error"}
    assert refused.trace["invocation"] is None and refused.event is None  # the function never ran
    assert "Invalid permissions on Lambda function" in refused.trace["outcome"]
    assert "/prod/GET/items/{id}" in refused.trace["outcome"]  # the source ARN API Gateway presented
    allow(aws, "echo", f"arn:aws:execute-api:{REGION}:{aws.account_id}:{api}/*/GET/items/*")
    assert call_api(aws, api_id=api, stage="prod", path="/items/7").status == 200


def test_a_grant_for_another_method_does_not_cover_this_one(aws):
    function = make_function(aws, "echo", grant=False)
    api = rest_api(aws, function, [("GET", "/items", None, None), ("POST", "/items", None, None)])
    allow(aws, "echo", f"arn:aws:execute-api:{REGION}:{aws.account_id}:{api}/*/GET/items")
    assert call_api(aws, api_id=api, stage="prod", path="/items").status == 200
    assert call_api(aws, api_id=api, stage="prod", method="POST", path="/items", body={}).status == 500


def test_an_http_api_without_permission_is_a_500(aws):
    function = make_function(aws, "echo", grant=False)
    api = http_api(aws, function, [("GET /items", None), ("$default", None)])
    refused = call_api(aws, api_id=api, stage="$default", path="/items")
    assert refused.status == 500 and refused.json() == {"message": "Internal Server Error"}
    assert refused.trace["invocation"] is None
    allow(aws, "echo", f"arn:aws:execute-api:{REGION}:{aws.account_id}:{api}/*/$default")
    assert call_api(aws, api_id=api, stage="$default", path="/other").status == 200  # the default route
    assert call_api(aws, api_id=api, stage="$default", path="/items").status == 500  # GET /items: not granted


def test_a_rest_authorizer_without_permission_is_a_configuration_error(aws):
    echo = make_function(aws, "echo")
    token = make_function(aws, "auth", TOKEN_AUTHORIZER, grant=False)
    custom = {"authorizationType": "CUSTOM", "authorizerId": "AUTHORIZER"}
    authorizer = {
        "name": "Tokens",
        "type": "TOKEN",
        "authorizerUri": integration_uri(token),
        "identitySource": "method.request.header.Authorization",
    }
    api = rest_api(aws, echo, [("GET", "/items", custom, None)], authorizer=authorizer)
    refused = call_api(aws, api_id=api, stage="prod", path="/items", headers={"Authorization": "allow"})
    assert refused.status == 500 and refused.json() == {"message": None}
    assert refused.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"
    assert "/authorizers/" in refused.trace["outcome"]
    allow(aws, "auth", f"arn:aws:execute-api:{REGION}:{aws.account_id}:{api}/authorizers/*")
    assert call_api(aws, api_id=api, stage="prod", path="/items", headers={"Authorization": "allow"}).status == 200


def test_an_integration_with_a_role_needs_no_resource_policy(aws):
    function = make_function(aws, "echo", grant=False)
    api = rest_api(aws, function, [("GET", "/items", None, None)])
    gateway = aws.client("apigateway")
    resource = next(r["id"] for r in gateway.get_resources(restApiId=api)["items"] if r["path"] == "/items")
    gateway.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=integration_uri(function),
        credentials=f"arn:aws:iam::{aws.account_id}:role/api",
    )
    assert call_api(aws, api_id=api, stage="prod", path="/items").status == 200
