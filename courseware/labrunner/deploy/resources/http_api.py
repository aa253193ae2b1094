"""HTTP APIs (`AWS::ApiGatewayV2::Api` and `::Stage`), stored in moto as API Gateway would.

moto's CloudFormation has no `AWS::ApiGatewayV2::*` and its `import_api` drops authorizers and
security, so the OpenAPI 3 body SAM generates for an `AWS::Serverless::HttpApi` is walked here:
one integration per distinct `x-amazon-apigateway-integration`, a route per operation
(`METHOD /path`, `ANY /path`, `$default`), JWT and Lambda (REQUEST) authorizers, CORS.
"""

import json

from ...client.aws import AccountAws
from .naming import tags_of
from .openapi import AUTHORIZER, INTEGRATION, body_of, integration_type, method_security, operations, security_of

HTTP_DEFAULT_TTL = 0  # an HTTP API Lambda authorizer caches nothing unless told to
HTTP_DEFAULT_TIMEOUT = 30000  # API Gateway's default (and maximum) for an HTTP API integration
CORS_KEYS = {
    key.lower(): key
    for key in ("AllowOrigins", "AllowMethods", "AllowHeaders", "ExposeHeaders", "MaxAge", "AllowCredentials")
}


def http_api(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    body = body_of(logical_id, properties)
    protocol = str(properties.get("ProtocolType", "HTTP")).upper()
    if protocol != "HTTP":
        raise ValueError(f"{protocol} APIs are not emulated here, only HTTP APIs")
    for quick in ("Target", "RouteKey", "CredentialsArn"):
        if quick in properties:
            raise ValueError(
                f"{quick} (quick create) is not emulated here: use a Body, or "
                "AWS::Serverless::HttpApi with the functions' HttpApi events"
            )
    body = body or {}
    info = body.get("info") or {}
    endpoint = body.get("x-amazon-apigateway-endpoint-configuration") or {}
    tags = {
        str(tag["name"]): str(tag["x-amazon-apigateway-tag-value"])
        for tag in body.get("tags") or []
        if "x-amazon-apigateway-tag-value" in tag
    }
    tags |= tags_of(properties)
    args = {"Name": str(properties.get("Name") or info.get("title") or logical_id), "ProtocolType": "HTTP"}
    optional = {
        "Description": properties.get("Description", info.get("description")),
        "Version": properties.get("Version", info.get("version")),
        "CorsConfiguration": cors(properties.get("CorsConfiguration") or body.get("x-amazon-apigateway-cors")),
        "DisableExecuteApiEndpoint": properties.get(
            "DisableExecuteApiEndpoint", endpoint.get("disableExecuteApiEndpoint")
        ),
        "Tags": tags or None,
    }
    args |= {key: value for key, value in optional.items() if value is not None}
    if "Version" in args:
        args["Version"] = str(args["Version"])
    client = aws.client("apigatewayv2")
    api_id = client.create_api(**args)["ApiId"]
    try:
        import_http_body(client, api_id, body)
    except Exception:
        client.delete_api(ApiId=api_id)
        raise
    return api_id


def cors(configuration: dict | None) -> dict | None:
    """x-amazon-apigateway-cors (allowOrigins, ...) as the API's CorsConfiguration keys."""
    if not configuration:
        return None
    found = {}
    for key, value in configuration.items():
        name = CORS_KEYS.get(str(key).lower())
        if name is None:
            raise ValueError(f"CORS setting {key} is not one of {', '.join(CORS_KEYS.values())}")
        if name == "MaxAge":
            value = int(value)
        elif name == "AllowCredentials":
            value = value is True or str(value).lower() == "true"
        else:
            value = [str(item) for item in (value if isinstance(value, list) else [value])]
        found[name] = value
    return found


def identity_list(value) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part) for part in value or []]


def http_authorizers(client, api_id: str, schemes: dict) -> dict[str, str]:
    ids = {}
    for name, scheme in schemes.items():
        authorizer = scheme.get(AUTHORIZER)
        if not authorizer:
            continue
        kind = str(authorizer.get("type", "")).lower()
        args = {"ApiId": api_id, "Name": name}
        if kind == "jwt":
            jwt = authorizer.get("jwtConfiguration") or {}
            args |= {
                "AuthorizerType": "JWT",
                "IdentitySource": identity_list(authorizer.get("identitySource", "$request.header.Authorization")),
                "JwtConfiguration": {
                    "Issuer": str(jwt.get("issuer") or ""),
                    "Audience": [str(item) for item in jwt.get("audience") or []],
                },
            }
        elif kind == "request":
            ttl = authorizer.get("authorizerResultTtlInSeconds", HTTP_DEFAULT_TTL)
            args |= {
                "AuthorizerType": "REQUEST",
                "AuthorizerUri": authorizer["authorizerUri"],
                "AuthorizerResultTtlInSeconds": int(ttl),
                "IdentitySource": identity_list(authorizer.get("identitySource")),
            }
            optional = {
                "AuthorizerPayloadFormatVersion": authorizer.get("authorizerPayloadFormatVersion"),
                "EnableSimpleResponses": authorizer.get("enableSimpleResponses"),
                "AuthorizerCredentialsArn": authorizer.get("authorizerCredentials"),
            }
            args |= {key: value for key, value in optional.items() if value is not None}
        else:
            raise ValueError(f"authorizer {name}: type {authorizer.get('type')!r} is not jwt or request")
        ids[name] = client.create_authorizer(**args)["AuthorizerId"]
    return ids


def http_auth(security) -> dict:
    """create_route's authorization arguments for an operation's security (`openapi.Security`)."""
    args: dict = {"AuthorizationType": security.type}
    if security.authorizer_id:
        args["AuthorizerId"] = security.authorizer_id
    if security.scopes:
        args["AuthorizationScopes"] = security.scopes
    return args


def http_integration(integration: dict, where: str) -> dict:
    kind = integration_type(integration, where)
    default_version = "2.0" if kind == "AWS_PROXY" else "1.0"
    args = {
        "IntegrationType": kind,
        "PayloadFormatVersion": str(integration.get("payloadFormatVersion", default_version)),
        "TimeoutInMillis": int(integration.get("timeoutInMillis", HTTP_DEFAULT_TIMEOUT)),
        "ConnectionType": str(integration.get("connectionType", "INTERNET")).upper(),
    }
    renamed = {
        "uri": "IntegrationUri",
        "httpMethod": "IntegrationMethod",
        "credentials": "CredentialsArn",
        "connectionId": "ConnectionId",
        "integrationSubtype": "IntegrationSubtype",
        "description": "Description",
        "requestParameters": "RequestParameters",
        "responseParameters": "ResponseParameters",
    }
    for key, name in renamed.items():
        if key in integration:
            args[name] = integration[key]
    if "tlsConfig" in integration:
        args["TlsConfig"] = {"ServerNameToVerify": integration["tlsConfig"]["serverNameToVerify"]}
    if kind == "MOCK":
        args.pop("TimeoutInMillis")
    return args


def import_http_body(client, api_id: str, body: dict) -> None:
    schemes = (body.get("components") or {}).get("securitySchemes") or {}
    authorizers = http_authorizers(client, api_id, schemes)
    integrations: dict[str, str] = {}
    for path, item in (body.get("paths") or {}).items():
        for method, operation in operations(path, item):
            where = f"{method} {path}"
            default = path == "$default" or operation.get("isDefaultRoute")
            args = {"ApiId": api_id, "RouteKey": "$default" if default else f"{method} {path}"}
            args |= http_auth(
                method_security(security_of(operation, body), schemes, authorizers, where, api_keys=False)
            )
            if operation.get("operationId"):
                args["OperationName"] = operation["operationId"]
            integration = operation.get(INTEGRATION)
            if integration is not None:
                key = json.dumps(integration, sort_keys=True, default=str)
                if key not in integrations:
                    made = client.create_integration(ApiId=api_id, **http_integration(integration, where))
                    integrations[key] = made["IntegrationId"]
                args["Target"] = f"integrations/{integrations[key]}"
            client.create_route(**args)


def http_stage(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    name = properties["StageName"]
    args = {"ApiId": properties["ApiId"], "StageName": name}
    for key in (
        "AutoDeploy",
        "Description",
        "DefaultRouteSettings",
        "RouteSettings",
        "AccessLogSettings",
        "ClientCertificateId",
        "DeploymentId",
    ):
        if properties.get(key) is not None:
            args[key] = properties[key]
    if properties.get("StageVariables"):
        args["StageVariables"] = {k: str(v) for k, v in properties["StageVariables"].items()}
    if tags_of(properties):
        args["Tags"] = tags_of(properties)
    aws.client("apigatewayv2").create_stage(**args)
    return name


def http_attribute(aws: AccountAws, resource: dict, attribute: str) -> str | None:
    if resource["type"] != "AWS::ApiGatewayV2::Api":
        return None
    if attribute == "ApiEndpoint":
        return aws.client("apigatewayv2").get_api(ApiId=resource["id"])["ApiEndpoint"]
    return resource["id"] if attribute == "ApiId" else None
