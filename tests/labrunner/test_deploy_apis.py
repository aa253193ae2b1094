"""SAM templates with APIs and Cognito: what is stored in the emulated account, through the same
API Gateway and Cognito calls a front door or a grader reads back, after one deploy and after
two; and the template line a failure points at."""

import json

import pytest

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy import DeployError, deploy

HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"
FUNCTION = """\
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
"""
HTTP_TEMPLATE = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  UserPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: lab-users
      UsernameAttributes: [email]
      AutoVerifiedAttributes: [email]
  UserPoolClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref UserPool
      ClientName: lab-client
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      GenerateSecret: false
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: ['https://example.com']
        AllowMethods: [GET, POST]
        AllowHeaders: [authorization, content-type]
        ExposeHeaders: [x-request-id]
        MaxAge: 600
        AllowCredentials: true
      Auth:
        DefaultAuthorizer: Jwt
        EnableIamAuthorizer: true
        Authorizers:
          Jwt:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: !Sub https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{UserPool}}
              audience: [!Ref UserPoolClient]
          Lambda:
            FunctionArn: !GetAtt AuthFn.Arn
            FunctionInvokeRole: !GetAtt AuthRole.Arn
            EnableSimpleResponses: true
            AuthorizerPayloadFormatVersion: '2.0'
            Identity:
              Headers: [Authorization]
              ReauthorizeEvery: 0
  AuthRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: []}}
  AuthFn:
{FUNCTION}  Main:
{FUNCTION}      Events:
        List:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /items
            Method: GET
            Auth:
              Authorizer: Jwt
              AuthorizationScopes: [items/read]
        Get:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /items/{{id}}
            Method: ANY
            Auth:
              Authorizer: Lambda
        Open:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /open
            Method: post
            Auth:
              Authorizer: NONE
        Iam:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /iam
            Method: get
            Auth:
              Authorizer: AWS_IAM
  Other:
{FUNCTION}      Events:
        Hello:
          Type: HttpApi
          Properties:
            Path: /hello
            Method: get
            TimeoutInMillis: 5000
        Everything:
          Type: HttpApi
"""
REST_TEMPLATE = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  UserPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: lab-users
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Variables:
        mode: test
      BinaryMediaTypes: ['image~1png']
      Auth:
        UsagePlan:
          CreateUsagePlan: PER_API
          Description: lab plan
          Quota: {{Limit: 100, Period: DAY}}
          Throttle: {{BurstLimit: 5, RateLimit: 2}}
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFn.Arn
            FunctionPayloadType: TOKEN
            Identity:
              Header: Authorization
              ValidationExpression: '^Bearer .+$'
              ReauthorizeEvery: 30
          DefaultTtl:
            FunctionArn: !GetAtt AuthFn.Arn
          RequestAuth:
            FunctionArn: !GetAtt AuthFn.Arn
            FunctionPayloadType: REQUEST
            Identity:
              Headers: [X-Token]
              QueryStrings: [q]
              ReauthorizeEvery: 0
          CognitoAuthorizer:
            UserPoolArn: !GetAtt UserPool.Arn
            AuthorizationScopes: [items/read]
  AuthFn:
{FUNCTION}  Main:
{FUNCTION}      Events:
        List:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /items
            Method: GET
            Auth:
              Authorizer: CognitoAuthorizer
              AuthorizationScopes: [items/write]
        Read:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /reports
            Method: GET
            Auth:
              Authorizer: CognitoAuthorizer
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /items/{{id}}
            Method: ANY
            Auth:
              Authorizer: TokenAuth
              ApiKeyRequired: true
        Search:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /search
            Method: post
            Auth:
              Authorizer: RequestAuth
        Plain:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /plain
            Method: get
            Auth:
              Authorizer: DefaultTtl
        Iam:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /iam
            Method: get
            Auth:
              Authorizer: AWS_IAM
        Files:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /files/{{proxy+}}
            Method: any
  Other:
{FUNCTION}      Events:
        Hello:
          Type: Api
          Properties:
            Path: /hello
            Method: get
"""


class Spec:
    slug, deploy, handler, function = "api-test", "sam", "handler.handler", "Main"


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


def deploy_template(aws, template):
    files = {"handler.py": HANDLER, "template.yaml": template}
    return deploy(aws=aws, spec=Spec, files=files, config={})


def invocation_uri(aws, function_name):
    arn = f"arn:aws:lambda:us-east-1:{aws.account_id}:function:{function_name}"
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"


def http_routes(aws, api_id):
    return {r["RouteKey"]: r for r in aws.client("apigatewayv2").get_routes(ApiId=api_id)["Items"]}


def rest_methods(aws, api_id):
    """'METHOD /path' -> get_method, for every method of every resource."""
    client, found = aws.client("apigateway"), {}
    for resource in client.get_resources(restApiId=api_id, limit=500)["items"]:
        for method in resource.get("resourceMethods") or {}:
            found[f"{method} {resource['path']}"] = client.get_method(
                restApiId=api_id, resourceId=resource["id"], httpMethod=method
            )
    return found


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


COGNITO_IN_STACK = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Env:
    Type: String
    Default: dev
Resources:
  UserPool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub "${{AWS::StackName}}-${{Env}}-users"
      Policies:
        PasswordPolicy:
          MinimumLength: '8'
          RequireSymbols: 'false'
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref UserPool
      GenerateSecret: true
  Main:
{FUNCTION}      Environment:
        Variables:
          POOL_ID: !Ref UserPool
          CLIENT_ID: !Ref Client
          ISSUER: !GetAtt UserPool.ProviderURL
          POOL_ARN: !Sub "${{UserPool.Arn}}"
      Policies:
        - Statement:
            - Effect: Allow
              Action: cognito-idp:AdminCreateUser
              Resource: !GetAtt UserPool.Arn
      Events:
        Signup:
          Type: Api
          Properties:
            Path: /signup
            Method: post
Outputs:
  ApiUrl:
    Value: !Sub "https://${{ServerlessRestApi}}.execute-api.${{AWS::Region}}.amazonaws.com/Prod/"
"""


def test_a_user_pool_is_made_before_the_stack_so_functions_can_use_its_ids(aws):
    deployment = deploy_template(aws, COGNITO_IN_STACK)
    pool_id = deployment.resources["UserPool"]["id"]
    client_id = deployment.resources["Client"]["id"]
    function = aws.client("lambda").get_function_configuration(FunctionName=deployment.function_name)
    assert function["Environment"]["Variables"] == {
        "POOL_ID": pool_id,
        "CLIENT_ID": client_id,
        "ISSUER": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
        "POOL_ARN": f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}",
    }
    cognito = aws.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "lab-dev-users"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    client = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert client["UserPoolClient"]["ClientSecret"]
    iam, role = aws.client("iam"), deployment.resources["MainRole"]["id"]
    documents = [  # moto keeps the stack's inline policies as written, not as JSON
        str(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"])
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ]
    pool_arn = f"arn:aws:cognito-idp:us-east-1:{aws.account_id}:userpool/{pool_id}"
    assert any("AdminCreateUser" in text and pool_arn in text for text in documents)
    # The output naming the REST API (made after the stack) is left out; the stack is whole.
    stack = aws.client("cloudformation").describe_stacks(StackName="lab")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE" and not stack.get("Outputs")


def test_a_bad_attribute_of_a_user_pool_a_function_uses_is_reported_at_its_line(aws):
    template = COGNITO_IN_STACK.replace("UserPool.ProviderURL", "UserPool.ProviderUrl")
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.line == line_of(template, "UserPool.ProviderUrl"), str(caught.value)
    assert "the lab emulator knows Arn, ProviderName, ProviderURL" in caught.value.message
    assert aws.client("cognito-idp").list_user_pools(MaxResults=10)["UserPools"] == []


def test_an_unsupported_api_resource_is_refused_at_its_line(aws):
    template = COGNITO_IN_STACK.replace("Outputs:", "  Domain:\n    Type: AWS::ApiGateway::DomainName\nOutputs:")
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.line == template.splitlines().index("  Domain:") + 1
    assert "AWS::ApiGateway::DomainName is not available" in caught.value.message


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


def line_of(template: str, text: str) -> int:
    return next(n for n, line in enumerate(template.splitlines(), 1) if text in line)


AUTH_FUNCTION = "  AuthFn:\n" + FUNCTION
NEEDS_API = AUTH_FUNCTION + "      Environment:\n        Variables:\n          URL: !GetAtt Api.ApiEndpoint\n"


@pytest.mark.parametrize(
    ("change", "at", "words", "checked_first"),
    [
        (("/${UserPool}", "/${UserPol}"), "${UserPol}", "refers to UserPol, which is not in", True),
        (
            ("[!Ref UserPoolClient]", "[!GetAtt UserPoolClient.Nope]"),
            "UserPoolClient.Nope",
            "Fn::GetAtt UserPoolClient.Nope: the lab emulator knows ClientId",
            False,
        ),
        ((AUTH_FUNCTION, NEEDS_API), "URL: !GetAtt", "which the lab emulator creates after", True),
    ],
)
def test_a_bad_reference_is_reported_at_its_line_and_nothing_is_half_applied(aws, change, at, words, checked_first):
    template = HTTP_TEMPLATE.replace(*change)
    assert template != HTTP_TEMPLATE
    earlier = deploy_template(aws, REST_TEMPLATE)
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.file == "template.yaml"
    assert caught.value.line == line_of(template, at), str(caught.value)
    assert words in caught.value.message
    apigw, cognito = aws.client("apigateway"), aws.client("cognito-idp")
    assert aws.client("apigatewayv2").get_apis()["Items"] == []
    rest_apis = {api["id"] for api in apigw.get_rest_apis()["items"]}
    pools = [pool["Id"] for pool in cognito.list_user_pools(MaxResults=10)["UserPools"]]
    if checked_first:  # found before anything changed: the earlier deploy is still whole
        assert rest_apis == {earlier.resources[k]["id"] for k in ("Api", "ServerlessRestApi")}
        assert pools == [earlier.resources["UserPool"]["id"]]
        assert len(apigw.get_usage_plans()["items"]) == 1
    else:  # found while applying: what the failed deploy had made is gone, and nothing else
        assert rest_apis == set() and pools == []
        assert apigw.get_usage_plans()["items"] == [] and apigw.get_api_keys()["items"] == []
