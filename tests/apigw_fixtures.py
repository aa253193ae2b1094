"""Building APIs in an emulated account through API Gateway's own APIs, for front door tests."""

import io
import zipfile

from courseware.labrunner.deploy.function import execution_role

REGION = "us-east-1"

# Echoes what it received; the query string picks other (good and bad) proxy responses.
ECHO = """
import base64, json

def handler(event, context):
    query = event.get("queryStringParameters") or {}
    mode = query.get("mode", "echo")
    if mode == "bare":
        return {"hello": "world"}
    if mode == "string":
        return "just text"
    if mode == "cookies":
        return {"statusCode": 200, "cookies": ["a=1; Path=/", "b=2"], "body": "ok"}
    if mode == "binary":
        return {"statusCode": 200, "headers": {"content-type": "image/png"},
                "body": base64.b64encode(b"\\x89PNG").decode(), "isBase64Encoded": True}
    if mode == "multi":
        return {"statusCode": 201, "multiValueHeaders": {"x-tag": ["one", "two"]}, "body": "made"}
    if mode == "bad":
        return {"statusCode": 200, "body": {"not": "a string"}}
    if mode == "crash":
        raise ValueError("boom")
    if mode == "teapot":
        return {"statusCode": 418, "headers": {"x-from": "function"}, "body": "short and stout"}
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps(event)}
"""


def zipped(source: str) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("handler.py", source)
    return archive.getvalue()


def make_function(aws, name: str, source: str = ECHO, *, grant: bool = True) -> str:
    """A function; with `grant`, any API of the account may invoke it (as an integration or an
    authorizer), as AddPermission with `SourceArn: arn:aws:execute-api:REGION:ACCOUNT:*` allows."""
    arn = aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Handler="handler.handler",
        Timeout=10,
        Role=execution_role(aws),
        Code={"ZipFile": zipped(source)},
    )["FunctionArn"]
    if grant:
        aws.client("lambda").add_permission(
            FunctionName=name,
            StatementId="apis-of-this-account",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{REGION}:{aws.account_id}:*",
        )
    return arn


def integration_uri(function_arn: str) -> str:
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations"


def rest_api(
    aws, function_arn: str, methods: list[tuple], *, stage="prod", binary=None, authorizer: dict | None = None
) -> str:
    """methods: (HTTP method, path, extra put_method arguments or None, integration type).
    `authorizer`: create_authorizer arguments; "AUTHORIZER" in a method's extra names it."""
    gateway = aws.client("apigateway")
    api_id = gateway.create_rest_api(name="lab", binaryMediaTypes=binary or [])["id"]
    made = gateway.create_authorizer(restApiId=api_id, **authorizer)["id"] if authorizer else None
    methods = [(m, p, {k: made if v == "AUTHORIZER" else v for k, v in (e or {}).items()}, t) for m, p, e, t in methods]
    ids = {"/": gateway.get_resources(restApiId=api_id)["items"][0]["id"]}
    for method, path, extra, kind in methods:
        parent = "/"
        for part in [p for p in path.strip("/").split("/") if p]:
            here = parent.rstrip("/") + "/" + part
            if here not in ids:
                ids[here] = gateway.create_resource(restApiId=api_id, parentId=ids[parent], pathPart=part)["id"]
            parent = here
        gateway.put_method(
            restApiId=api_id,
            resourceId=ids[parent],
            httpMethod=method,
            **({"authorizationType": "NONE"} | (extra or {})),
        )
        gateway.put_integration(
            restApiId=api_id,
            resourceId=ids[parent],
            httpMethod=method,
            type=kind or "AWS_PROXY",
            integrationHttpMethod="POST",
            uri=integration_uri(function_arn),
        )
    gateway.create_deployment(restApiId=api_id, stageName=stage)
    return api_id


def http_api(aws, function_arn: str, routes: list[tuple], *, cors=None, payload="2.0") -> str:
    """routes: (route key, extra create_route arguments or None)."""
    v2 = aws.client("apigatewayv2")
    api_id = v2.create_api(Name="lab", ProtocolType="HTTP", **({"CorsConfiguration": cors} if cors else {}))["ApiId"]
    integration = v2.create_integration(
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=function_arn,
        PayloadFormatVersion=payload,
    )["IntegrationId"]
    for key, extra in routes:
        v2.create_route(ApiId=api_id, RouteKey=key, Target=f"integrations/{integration}", **(extra or {}))
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id
