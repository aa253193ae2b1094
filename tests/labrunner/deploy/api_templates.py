"""SAM templates with APIs and Cognito, shared by the deploy tests, and helpers that read back
what a deploy stored through the same API Gateway calls a front door or a grader makes."""

from courseware.labrunner.deploy import deploy

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


class Spec:
    slug, deploy, handler, function = "api-test", "sam", "handler.handler", "Main"


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


def line_of(template: str, text: str) -> int:
    return next(n for n, line in enumerate(template.splitlines(), 1) if text in line)
