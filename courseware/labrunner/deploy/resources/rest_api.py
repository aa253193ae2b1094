"""REST APIs (`AWS::ApiGateway::RestApi`), stored in moto as API Gateway's OpenAPI import would.

moto's CloudFormation ignores a RestApi's `Body`, and its own OpenAPI import drops authorizers,
security and `x-amazon-apigateway-any-method`. So the body SAM generates is walked (`.openapi`)
and turned into the calls API Gateway's import makes: resources, methods, integrations,
authorizers, request validators and gateway responses. The stages, keys and plans around an API
are `.rest_stages`'s; HTTP APIs are `.http_api`'s.

Every applier takes already-resolved properties and returns the physical id (what `Ref` gives).
"""

import json

from ...client.aws import AccountAws
from .naming import tags_of
from .openapi import (
    AUTHORIZER,
    AUTHTYPE,
    INTEGRATION,
    body_of,
    integration_type,
    method_security,
    operations,
    security_of,
)

REST_AUTHORIZERS = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}
REST_DEFAULT_TTL = 300  # API Gateway's default for a REST authorizer with no TTL
REST_DEFAULT_TIMEOUT = 29000  # API Gateway's default (and maximum) for a REST integration
CALLER_CREDENTIALS = "arn:aws:iam::*:user/*"  # SAM's AWS_IAM: invoke with the caller's identity
PARAMETER_PLACES = {"path": "path", "query": "querystring", "header": "header"}
VALIDATOR = "x-amazon-apigateway-request-validator"


def rest_api(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    body = body_of(logical_id, properties) or {}
    info = body.get("info") or {}
    endpoint = body.get("x-amazon-apigateway-endpoint-configuration") or {}
    args = {"name": str(properties.get("Name") or info.get("title") or logical_id)}
    optional = {
        "description": properties.get("Description", info.get("description")),
        "apiKeySource": properties.get("ApiKeySourceType") or body.get("x-amazon-apigateway-api-key-source"),
        "policy": properties.get("Policy") or body.get("x-amazon-apigateway-policy"),
        "minimumCompressionSize": properties.get("MinimumCompressionSize")
        or body.get("x-amazon-apigateway-minimum-compression-size"),
        "disableExecuteApiEndpoint": properties.get(
            "DisableExecuteApiEndpoint", endpoint.get("disableExecuteApiEndpoint")
        ),
        "tags": tags_of(properties) or None,
    }
    args |= {key: value for key, value in optional.items() if value is not None}
    if isinstance(args.get("policy"), dict):
        args["policy"] = json.dumps(args["policy"])
    if "minimumCompressionSize" in args:
        args["minimumCompressionSize"] = int(args["minimumCompressionSize"])
    types = (properties.get("EndpointConfiguration") or {}).get("Types")
    if types:
        args["endpointConfiguration"] = {"types": list(types)}
    client = aws.client("apigateway")
    api_id = client.create_rest_api(**args)["id"]
    try:
        media = list(body.get("x-amazon-apigateway-binary-media-types") or [])
        media += [kind.replace("~1", "/") for kind in properties.get("BinaryMediaTypes") or []]
        for kind in dict.fromkeys(media):
            operation = {"op": "add", "path": "/binaryMediaTypes/" + kind.replace("/", "~1")}
            client.update_rest_api(restApiId=api_id, patchOperations=[operation | {"value": kind}])
        import_rest_body(client, api_id, body)
    except Exception:
        client.delete_rest_api(restApiId=api_id)
        raise
    return api_id


def import_rest_body(client, api_id: str, body: dict) -> None:
    schemes = body.get("securityDefinitions") or (body.get("components") or {}).get("securitySchemes") or {}
    authorizers = rest_authorizers(client, api_id, schemes)
    validators = rest_validators(client, api_id, body)
    paths = body.get("paths") or {}
    resources = rest_resources(client, api_id, paths)
    for path, item in paths.items():
        shared = (item.get("parameters") or []) if isinstance(item, dict) else []
        for method, operation in operations(path, item):
            where = f"{method} {path}"
            args = {"restApiId": api_id, "resourceId": resources[path], "httpMethod": method}
            args |= rest_auth(method_security(security_of(operation, body), schemes, authorizers, where, api_keys=True))
            args |= method_extras(operation, shared, validators, body.get(VALIDATOR), where)
            client.put_method(**args)
            target = {key: args[key] for key in ("restApiId", "resourceId", "httpMethod")}
            for code, response in (operation.get("responses") or {}).items():
                if str(code).isdigit():
                    headers = (response or {}).get("headers") or {}
                    client.put_method_response(
                        **target,
                        statusCode=str(code),
                        responseParameters={f"method.response.header.{h}": False for h in headers},
                    )
            if INTEGRATION in operation:
                rest_integration(client, target, operation[INTEGRATION], where)
    for kind, response in (body.get("x-amazon-apigateway-gateway-responses") or {}).items():
        args = {"restApiId": api_id, "responseType": kind}
        for key in ("statusCode", "responseParameters", "responseTemplates"):
            if key in response:
                args[key] = str(response[key]) if key == "statusCode" else response[key]
        client.put_gateway_response(**args)


def rest_auth(security) -> dict:
    """put_method's authorization arguments for an operation's security (`openapi.Security`)."""
    args: dict = {"authorizationType": security.type, "apiKeyRequired": security.api_key_required}
    if security.authorizer_id:
        args["authorizerId"] = security.authorizer_id
    if security.scopes:
        args["authorizationScopes"] = security.scopes
    return args


def method_extras(operation: dict, shared: list, validators: dict, default_validator, where: str) -> dict:
    """put_method's other arguments: request parameters, operation name, request validator."""
    args = {}
    parameters = request_parameters(shared + list(operation.get("parameters") or []))
    if parameters:
        args["requestParameters"] = parameters
    if operation.get("operationId"):
        args["operationName"] = operation["operationId"]
    validator = operation.get(VALIDATOR, default_validator)
    if validator:
        if validator not in validators:
            raise ValueError(f"{where} uses the request validator {validator}, which is not defined")
        args["requestValidatorId"] = validators[validator]
    return args


def rest_validators(client, api_id: str, body: dict) -> dict[str, str]:
    return {
        name: client.create_request_validator(
            restApiId=api_id,
            name=name,
            validateRequestBody=bool(settings.get("validateRequestBody", False)),
            validateRequestParameters=bool(settings.get("validateRequestParameters", False)),
        )["id"]
        for name, settings in (body.get("x-amazon-apigateway-request-validators") or {}).items()
    }


def rest_authorizers(client, api_id: str, schemes: dict) -> dict[str, str]:
    ids = {}
    for name, scheme in schemes.items():
        authorizer = scheme.get(AUTHORIZER)
        if not authorizer:
            continue
        kind = REST_AUTHORIZERS.get(str(authorizer.get("type", "")).lower())
        if kind is None:
            raise ValueError(
                f"authorizer {name}: type {authorizer.get('type')!r} is not one of token, request, cognito_user_pools"
            )
        ttl = authorizer.get("authorizerResultTtlInSeconds", REST_DEFAULT_TTL)
        args = {"restApiId": api_id, "name": name, "type": kind, "authorizerResultTtlInSeconds": int(ttl)}
        identity = authorizer.get("identitySource")
        if identity is None and kind != "REQUEST" and scheme.get("in") == "header":
            identity = f"method.request.header.{scheme.get('name') or 'Authorization'}"
        optional = {
            "identitySource": identity,
            "authType": scheme.get(AUTHTYPE),
            "authorizerUri": authorizer.get("authorizerUri"),
            "authorizerCredentials": authorizer.get("authorizerCredentials"),
            "providerARNs": authorizer.get("providerARNs"),
        }
        args |= {key: value for key, value in optional.items() if value}
        if kind == "COGNITO_USER_POOLS" and not args.get("providerARNs"):
            raise ValueError(f"authorizer {name} names no user pool (providerARNs)")
        if kind != "COGNITO_USER_POOLS" and not args.get("authorizerUri"):
            raise ValueError(f"authorizer {name} names no function (authorizerUri)")
        made = client.create_authorizer(**args)
        expression = authorizer.get("identityValidationExpression")
        if expression and made.get("identityValidationExpression") != expression:
            client.update_authorizer(
                restApiId=api_id,
                authorizerId=made["id"],
                patchOperations=[{"op": "replace", "path": "/identityValidationExpression", "value": expression}],
            )
        ids[name] = made["id"]
    return ids


def rest_resources(client, api_id: str, paths: dict) -> dict[str, str]:
    """A resource for each path segment, as API Gateway's import makes them: path -> id."""
    items = client.get_resources(restApiId=api_id, limit=500)["items"]
    ids = {"/": next(item["id"] for item in items if item["path"] == "/")}
    for path in paths:
        if not str(path).startswith("/"):
            raise ValueError(f"path {path!r} must start with /")
        current = ""
        for part in [part for part in path.split("/") if part]:
            parent, current = ids[current or "/"], f"{current}/{part}"
            if current not in ids:
                made = client.create_resource(restApiId=api_id, parentId=parent, pathPart=part)
                ids[current] = made["id"]
        ids[path] = ids[current or "/"]
    return ids


def request_parameters(parameters: list) -> dict[str, bool]:
    found = {}
    for parameter in parameters:
        if isinstance(parameter, dict) and parameter.get("in") in PARAMETER_PLACES:
            place = PARAMETER_PLACES[parameter["in"]]
            found[f"method.request.{place}.{parameter['name']}"] = bool(parameter.get("required"))
    return found


def rest_integration(client, target: dict, integration: dict, where: str) -> None:
    kind = integration_type(integration, where)
    args = target | {"type": kind, "passthroughBehavior": "WHEN_NO_MATCH"}
    if kind != "MOCK":
        args["timeoutInMillis"] = int(integration.get("timeoutInMillis", REST_DEFAULT_TIMEOUT))
    renamed = {
        "uri": "uri",
        "httpMethod": "integrationHttpMethod",
        "credentials": "credentials",
        "requestParameters": "requestParameters",
        "requestTemplates": "requestTemplates",
        "passthroughBehavior": "passthroughBehavior",
        "contentHandling": "contentHandling",
        "cacheNamespace": "cacheNamespace",
        "cacheKeyParameters": "cacheKeyParameters",
        "connectionType": "connectionType",
        "connectionId": "connectionId",
        "tlsConfig": "tlsConfig",
    }
    for key, name in renamed.items():
        if key in integration:
            args[name] = integration[key]
    if args.get("credentials") == CALLER_CREDENTIALS:
        del args["credentials"]  # moto refuses the wildcard; it means "no role of its own"
    for key in ("passthroughBehavior", "contentHandling", "connectionType"):
        if key in args:
            args[key] = str(args[key]).upper()
    if "tlsConfig" in args:
        args["tlsConfig"] = {"insecureSkipVerification": bool(args["tlsConfig"].get("insecureSkipVerification"))}
    client.put_integration(**args)
    for pattern, response in (integration.get("responses") or {}).items():
        answer = target | {"statusCode": str(response.get("statusCode", "200"))}
        if pattern != "default":
            answer["selectionPattern"] = pattern
        for key in ("responseParameters", "responseTemplates", "contentHandling"):
            if key in response:
                answer[key] = response[key]
        client.put_integration_response(**answer)


def rest_attribute(aws: AccountAws, resource: dict, attribute: str) -> str | None:
    kind, physical = resource["type"], resource["id"]
    if kind == "AWS::ApiGateway::RestApi":
        if attribute == "RootResourceId":
            return aws.client("apigateway").get_rest_api(restApiId=physical)["rootResourceId"]
        return physical if attribute == "RestApiId" else None
    known = {
        "AWS::ApiGateway::ApiKey": "APIKeyId",
        "AWS::ApiGateway::UsagePlan": "Id",
        "AWS::ApiGateway::Deployment": "DeploymentId",
    }
    return physical if known.get(kind) == attribute else None
