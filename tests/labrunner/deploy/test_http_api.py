"""An HTTP API (API Gateway v2) from a SAM template: routes, integrations, JWT and Lambda
authorizers, as stored in the emulated account after one deploy and after two."""

import json

from tests.labrunner.deploy.api_templates import HTTP_TEMPLATE, deploy_template, http_routes, invocation_uri


def test_an_http_api_with_cognito_jwt_and_lambda_authorizers_is_stored(aws):
    deployment = deploy_template(aws, HTTP_TEMPLATE)
    resources = deployment.resources
    pool_id, client_id = resources["UserPool"]["id"], resources["UserPoolClient"]["id"]
    api_id, implicit_id = resources["Api"]["id"], resources["ServerlessHttpApi"]["id"]
    assert resources["UserPool"]["type"] == "AWS::Cognito::UserPool"
    assert resources["Api"]["type"] == "AWS::ApiGatewayV2::Api"
    assert resources["ApiApiGatewayDefaultStage"] == {"type": "AWS::ApiGatewayV2::Stage", "id": "$default"}
    v2 = aws.client("apigatewayv2")
    api = v2.get_api(ApiId=api_id)
    assert api["ProtocolType"] == "HTTP" and api["Name"] == "lab"
    assert api["ApiEndpoint"] == f"https://{api_id}.execute-api.us-east-1.amazonaws.com"
    assert api["CorsConfiguration"] == {
        "AllowOrigins": ["https://example.com"],
        "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["authorization", "content-type"],
        "ExposeHeaders": ["x-request-id"],
        "MaxAge": 600,
        "AllowCredentials": True,
    }

    routes = http_routes(aws, api_id)
    assert set(routes) == {"GET /items", "ANY /items/{id}", "POST /open", "GET /iam"}
    assert routes["GET /items"]["AuthorizationType"] == "JWT"
    assert routes["GET /items"]["AuthorizationScopes"] == ["items/read"]
    assert routes["ANY /items/{id}"]["AuthorizationType"] == "CUSTOM"
    assert routes["POST /open"]["AuthorizationType"] == "NONE"
    assert routes["GET /iam"]["AuthorizationType"] == "AWS_IAM"
    assert "AuthorizerId" not in routes["POST /open"] and "AuthorizerId" not in routes["GET /iam"]

    jwt = v2.get_authorizer(ApiId=api_id, AuthorizerId=routes["GET /items"]["AuthorizerId"])
    assert jwt["Name"] == "Jwt" and jwt["AuthorizerType"] == "JWT"
    assert jwt["IdentitySource"] == ["$request.header.Authorization"]
    assert jwt["JwtConfiguration"] == {
        "Issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
        "Audience": [client_id],
    }
    custom = v2.get_authorizer(ApiId=api_id, AuthorizerId=routes["ANY /items/{id}"]["AuthorizerId"])
    role = aws.client("iam").get_role(RoleName=resources["AuthRole"]["id"])["Role"]["Arn"]
    assert {
        key: custom.get(key)
        for key in (
            "Name",
            "AuthorizerType",
            "AuthorizerUri",
            "AuthorizerPayloadFormatVersion",
            "EnableSimpleResponses",
            "AuthorizerResultTtlInSeconds",
            "IdentitySource",
            "AuthorizerCredentialsArn",
        )
    } == {
        "Name": "Lambda",
        "AuthorizerType": "REQUEST",
        "AuthorizerUri": invocation_uri(aws, resources["AuthFn"]["id"]),
        "AuthorizerPayloadFormatVersion": "2.0",
        "EnableSimpleResponses": True,
        "AuthorizerResultTtlInSeconds": 0,
        "IdentitySource": ["$request.header.Authorization"],
        "AuthorizerCredentialsArn": role,
    }

    integrations = v2.get_integrations(ApiId=api_id)["Items"]
    assert len(integrations) == 1  # one per distinct x-amazon-apigateway-integration
    integration = integrations[0]
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["IntegrationUri"] == invocation_uri(aws, deployment.function_name)
    assert integration["PayloadFormatVersion"] == "2.0"  # SAM's default for HTTP APIs
    assert integration["IntegrationMethod"] == "POST" and integration["TimeoutInMillis"] == 30000
    assert {route["Target"] for route in routes.values()} == {f"integrations/{integration['IntegrationId']}"}
    [stage] = v2.get_stages(ApiId=api_id)["Items"]
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True

    implicit = http_routes(aws, implicit_id)  # events with no ApiId: SAM's ServerlessHttpApi
    assert set(implicit) == {"$default", "GET /hello"}
    [hello_target] = {route["Target"] for route in implicit.values()} - {implicit["$default"]["Target"]}
    hello = v2.get_integration(ApiId=implicit_id, IntegrationId=hello_target.split("/")[1])
    assert hello["TimeoutInMillis"] == 5000
    assert hello["IntegrationUri"] == invocation_uri(aws, resources["Other"]["id"])

    # The permissions SAM adds name the API, so they are applied after it.
    policy = json.loads(aws.client("lambda").get_policy(FunctionName=deployment.function_name)["Policy"])
    sources = {s["Condition"]["ArnLike"]["AWS:SourceArn"] for s in policy["Statement"]}
    assert f"arn:aws:execute-api:us-east-1:{aws.account_id}:{api_id}/*/GET/items" in sources

    cognito = aws.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "lab-users" and pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert client["UserPoolClient"]["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

    again = deploy_template(aws, HTTP_TEMPLATE)
    assert len(v2.get_apis()["Items"]) == 2  # Api and ServerlessHttpApi, nothing left over
    assert [p["Id"] for p in cognito.list_user_pools(MaxResults=10)["UserPools"]] == [again.resources["UserPool"]["id"]]
    new_api = again.resources["Api"]["id"]
    assert len(http_routes(aws, new_api)) == 4 and len(v2.get_stages(ApiId=new_api)["Items"]) == 1
    assert len(v2.get_integrations(ApiId=new_api)["Items"]) == 1
