"""A REST API from a SAM template or a hand-written definition: resources, methods, integrations,
authorizers, validators, stages, API keys and usage plans, as stored in the emulated account."""

from tests.labrunner.deploy.api_templates import FUNCTION, REST_TEMPLATE, deploy_template, invocation_uri, rest_methods


def test_a_rest_api_with_authorizers_api_keys_and_a_usage_plan_is_stored(aws):
    deployment = deploy_template(aws, REST_TEMPLATE)
    resources = deployment.resources
    api_id, pool_id = resources["Api"]["id"], resources["UserPool"]["id"]
    assert resources["ApiProdStage"] == {"type": "AWS::ApiGateway::Stage", "id": "Prod"}
    client = aws.client("apigateway")
    api = client.get_rest_api(restApiId=api_id)
    assert api["name"] == "lab" and api["binaryMediaTypes"] == ["image/png"]
    assert api["apiKeySource"] == "HEADER"

    authorizers = {a["name"]: a for a in client.get_authorizers(restApiId=api_id)["items"]}
    lambda_uri = invocation_uri(aws, resources["AuthFn"]["id"])
    assert {
        key: authorizers["TokenAuth"].get(key)
        for key in (
            "type",
            "authorizerUri",
            "identitySource",
            "identityValidationExpression",
            "authorizerResultTtlInSeconds",
        )
    } == {
        "type": "TOKEN",
        "authorizerUri": lambda_uri,
        "identitySource": "method.request.header.Authorization",
        "identityValidationExpression": "^Bearer .+$",
        "authorizerResultTtlInSeconds": 30,
    }
    # No ReauthorizeEvery: SAM emits no TTL, and API Gateway's default is 300 seconds.
    assert authorizers["DefaultTtl"]["authorizerResultTtlInSeconds"] == 300
    assert authorizers["DefaultTtl"]["identitySource"] == "method.request.header.Authorization"
    assert authorizers["RequestAuth"]["type"] == "REQUEST"
    assert authorizers["RequestAuth"]["authorizerResultTtlInSeconds"] == 0
    assert authorizers["RequestAuth"]["identitySource"] == (
        "method.request.header.X-Token, method.request.querystring.q"
    )
    cognito = authorizers["CognitoAuthorizer"]
    assert cognito["type"] == "COGNITO_USER_POOLS"
    assert cognito["providerARNs"] == [f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}"]
    assert cognito["identitySource"] == "method.request.header.Authorization"

    methods = rest_methods(aws, api_id)
    assert set(methods) == {
        "GET /items",
        "GET /reports",
        "ANY /items/{id}",
        "POST /search",
        "GET /plain",
        "GET /iam",
        "ANY /files/{proxy+}",
    }
    assert methods["GET /items"]["authorizationType"] == "COGNITO_USER_POOLS"
    assert methods["GET /items"]["authorizerId"] == cognito["id"]
    assert methods["GET /items"]["authorizationScopes"] == ["items/write"]  # the event's own
    assert methods["GET /reports"]["authorizationScopes"] == ["items/read"]  # the authorizer's
    assert methods["ANY /items/{id}"]["authorizationType"] == "CUSTOM"
    assert methods["ANY /items/{id}"]["authorizerId"] == authorizers["TokenAuth"]["id"]
    assert methods["ANY /items/{id}"]["apiKeyRequired"] is True
    assert methods["POST /search"]["authorizerId"] == authorizers["RequestAuth"]["id"]
    assert methods["GET /iam"]["authorizationType"] == "AWS_IAM"
    assert methods["ANY /files/{proxy+}"]["authorizationType"] == "NONE"
    assert not any(m["apiKeyRequired"] for key, m in methods.items() if key != "ANY /items/{id}")
    for method in methods.values():
        integration = method["methodIntegration"]
        assert integration["type"] == "AWS_PROXY" and integration["httpMethod"] == "POST"
        assert integration["uri"] == invocation_uri(aws, deployment.function_name)
        assert integration["timeoutInMillis"] == 29000

    stages = {s["stageName"]: s for s in client.get_stages(restApiId=api_id)["item"]}
    assert set(stages) == {"Prod", "Stage"}  # SAM's swagger deployment makes "Stage" too
    assert stages["Prod"]["variables"] == {"mode": "test"}

    [plan] = client.get_usage_plans()["items"]
    assert plan["id"] == resources["ApiUsagePlan"]["id"]
    assert plan["apiStages"] == [{"apiId": api_id, "stage": "Prod"}]
    assert plan["throttle"] == {"burstLimit": 5, "rateLimit": 2.0}
    assert plan["quota"] == {"limit": 100, "period": "DAY"}
    [key] = client.get_api_keys()["items"]
    assert key["id"] == resources["ApiApiKey"]["id"] and key["enabled"] is True
    assert [k["id"] for k in client.get_usage_plan_keys(usagePlanId=plan["id"])["items"]] == [key["id"]]

    implicit = resources["ServerlessRestApi"]["id"]
    assert set(rest_methods(aws, implicit)) == {"GET /hello"}
    assert "Prod" in {s["stageName"] for s in client.get_stages(restApiId=implicit)["item"]}

    again = deploy_template(aws, REST_TEMPLATE)
    assert len(client.get_rest_apis()["items"]) == 2
    assert [p["id"] for p in client.get_usage_plans()["items"]] == [again.resources["ApiUsagePlan"]["id"]]
    assert len(client.get_api_keys()["items"]) == 1
    assert len(rest_methods(aws, again.resources["Api"]["id"])) == 7
    assert len(client.get_authorizers(restApiId=again.resources["Api"]["id"])["items"]) == 4


HAND_WRITTEN = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Main:
{FUNCTION}  Pets:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      MethodSettings:
        - ResourcePath: '/*'
          HttpMethod: '*'
          ThrottlingBurstLimit: 10
          ThrottlingRateLimit: 5
      DefinitionBody:
        swagger: '2.0'
        info: {{title: pets}}
        x-amazon-apigateway-api-key-source: AUTHORIZER
        x-amazon-apigateway-request-validators:
          params: {{validateRequestParameters: true, validateRequestBody: false}}
        x-amazon-apigateway-gateway-responses:
          UNAUTHORIZED:
            statusCode: 401
            responseTemplates: {{application/json: '{{"message": "no"}}'}}
        paths:
          /pets/{{petId}}:
            get:
              x-amazon-apigateway-request-validator: params
              parameters:
                - {{name: petId, in: path, required: true, type: string}}
                - {{name: verbose, in: query, required: false, type: string}}
              responses:
                '200': {{description: ok, headers: {{X-Trace: {{type: string}}}}}}
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: https://example.com/pets/{{petId}}
                requestParameters:
                  integration.request.path.petId: method.request.path.petId
          /mock:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {{application/json: '{{"statusCode": 200}}'}}
                responses:
                  default:
                    statusCode: '200'
                    responseTemplates: {{application/json: '{{"ok": true}}'}}
          /:
            post:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Main.Arn}}/invocations
                timeoutInMillis: 10000
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties:
      Name: learner-key
      Enabled: true
      Value: abcdefghijklmnopqrstuvwxyz
      StageKeys:
        - RestApiId: !Ref Pets
          StageName: !Ref Pets.Stage
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      UsagePlanName: basic
      ApiStages:
        - ApiId: !Ref Pets
          Stage: !Ref Pets.Stage
          Throttle:
            /pets/{{petId}}/GET: {{BurstLimit: 2, RateLimit: 1}}
      Throttle: {{BurstLimit: 20, RateLimit: 10}}
      Quota: {{Limit: 1000, Period: MONTH, Offset: 2}}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties:
      KeyId: !Ref Key
      KeyType: API_KEY
      UsagePlanId: !Ref Plan
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: dev
      StageVariables: {{colour: blue}}
      CorsConfiguration: true
Outputs:
  Root:
    Value: !GetAtt Pets.RootResourceId
"""


def test_a_hand_written_definition_keys_plans_and_settings_are_stored_as_they_are(aws):
    deployment = deploy_template(aws, HAND_WRITTEN)
    resources = deployment.resources
    api_id = resources["Pets"]["id"]
    client = aws.client("apigateway")
    api = client.get_rest_api(restApiId=api_id)
    assert api["name"] == "pets" and api["apiKeySource"] == "AUTHORIZER"
    methods = rest_methods(aws, api_id)
    assert set(methods) == {"GET /pets/{petId}", "GET /mock", "POST /"}
    pet = methods["GET /pets/{petId}"]
    assert pet["requestParameters"] == {"method.request.path.petId": True, "method.request.querystring.verbose": False}
    assert pet["methodResponses"]["200"]["responseParameters"] == {"method.response.header.X-Trace": False}
    [validator] = client.get_request_validators(restApiId=api_id)["items"]
    assert pet["requestValidatorId"] == validator["id"] and validator["name"] == "params"
    assert validator["validateRequestParameters"] is True
    # Non-proxy integrations are kept as they are, for the front door to refuse clearly.
    assert pet["methodIntegration"]["type"] == "HTTP_PROXY"
    assert pet["methodIntegration"]["uri"] == "https://example.com/pets/{petId}"
    assert pet["methodIntegration"]["requestParameters"] == {
        "integration.request.path.petId": "method.request.path.petId"
    }
    mock = methods["GET /mock"]["methodIntegration"]
    assert mock["type"] == "MOCK" and mock["requestTemplates"] == {"application/json": '{"statusCode": 200}'}
    assert mock["integrationResponses"]["200"]["responseTemplates"] == {"application/json": '{"ok": true}'}
    root = methods["POST /"]["methodIntegration"]
    assert root["uri"] == invocation_uri(aws, deployment.function_name)
    assert root["timeoutInMillis"] == 10000
    unauthorized = client.get_gateway_response(restApiId=api_id, responseType="UNAUTHORIZED")
    assert unauthorized["statusCode"] == "401"

    stage = client.get_stage(restApiId=api_id, stageName="v1")
    assert stage["methodSettings"]["*/*"]["throttlingBurstLimit"] == 10
    assert stage["methodSettings"]["*/*"]["throttlingRateLimit"] == 5.0
    key = client.get_api_key(apiKey=resources["Key"]["id"], includeValue=True)
    assert key["name"] == "learner-key" and key["value"] == "abcdefghijklmnopqrstuvwxyz"
    assert key["enabled"] is True
    plan = client.get_usage_plan(usagePlanId=resources["Plan"]["id"])
    assert plan["name"] == "basic"
    assert plan["apiStages"] == [
        {
            "apiId": api_id,
            "stage": "v1",
            "throttle": {"/pets/{petId}/GET": {"burstLimit": 2, "rateLimit": 1.0}},
        }
    ]
    assert plan["throttle"] == {"burstLimit": 20, "rateLimit": 10.0}
    assert plan["quota"] == {"limit": 1000, "offset": 2, "period": "MONTH"}
    assert resources["PlanKey"] == {"type": "AWS::ApiGateway::UsagePlanKey", "id": key["id"]}

    v2 = aws.client("apigatewayv2")
    http_id = resources["Http"]["id"]
    assert v2.get_api(ApiId=http_id)["CorsConfiguration"] == {"AllowOrigins": ["*"]}
    stage = v2.get_stage(ApiId=http_id, StageName="dev")
    assert stage["StageVariables"] == {"colour": "blue"} and stage["AutoDeploy"] is True
