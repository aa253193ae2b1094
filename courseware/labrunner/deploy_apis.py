"""API Gateway resources of a SAM template, stored in moto as API Gateway would store them.

moto's CloudFormation ignores an `AWS::ApiGateway::RestApi`'s `Body`, and its own OpenAPI import
drops authorizers, security and `x-amazon-apigateway-any-method`. So the OpenAPI body SAM
generates (swagger 2.0, or OpenAPI 3) is walked here and turned into the calls API Gateway's
import makes: resources, methods, integrations and authorizers. Then the deployments, stages, API
keys and usage plans CloudFormation would create. HTTP APIs are in `.deploy_httpapi`.

Every applier takes already-resolved properties and returns the physical id (what `Ref` gives).
"""

import json
import secrets
import string

from botocore.exceptions import ClientError

from .client.aws import AccountAws

STACK = "lab"
OPERATIONS = {"get", "put", "post", "delete", "options", "head", "patch"}
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
INTEGRATION_TYPES = {"aws": "AWS", "aws_proxy": "AWS_PROXY", "http": "HTTP", "http_proxy": "HTTP_PROXY", "mock": "MOCK"}
REST_AUTHORIZERS = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}
REST_DEFAULT_TTL = 300  # API Gateway's default for a REST authorizer with no TTL
REST_DEFAULT_TIMEOUT = 29000  # API Gateway's default (and maximum) for a REST integration
CALLER_CREDENTIALS = "arn:aws:iam::*:user/*"  # SAM's AWS_IAM: invoke with the caller's identity
PARAMETER_PLACES = {"path": "path", "query": "querystring", "header": "header"}
METHOD_SETTINGS = {
    "ThrottlingBurstLimit": "throttling/burstLimit",
    "ThrottlingRateLimit": "throttling/rateLimit",
    "LoggingLevel": "logging/loglevel",
    "DataTraceEnabled": "logging/dataTrace",
    "MetricsEnabled": "metrics/enabled",
    "CachingEnabled": "caching/enabled",
    "CacheTtlInSeconds": "caching/ttlInSeconds",
    "CacheDataEncrypted": "caching/dataEncrypted",
}


def generated_name(logical_id: str) -> str:
    """A physical name as CloudFormation makes one up: stack-logicalid-RANDOM."""
    suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    return f"{STACK}-{logical_id}-{suffix}"


def tags_of(properties: dict) -> dict[str, str]:
    tags = properties.get("Tags") or {}
    if isinstance(tags, list):  # [{Key, Value}] on AWS::ApiGateway::*
        return {str(tag["Key"]): str(tag["Value"]) for tag in tags}
    return {str(key): str(value) for key, value in tags.items()}


def text(value) -> str:
    """A boolean or number as a patch operation's value."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def body_of(logical_id: str, properties: dict) -> dict | None:
    for unsupported in ("BodyS3Location", "CloneFrom"):
        if unsupported in properties:
            raise ValueError(
                f"{unsupported} is not emulated here: define the API inline "
                "(DefinitionBody, or let SAM generate it from the functions' events)"
            )
    body = properties.get("Body")
    if isinstance(body, str):
        body = json.loads(body)
    if body is not None and not isinstance(body, dict):
        raise ValueError("Body must be an OpenAPI document")
    return body


def operations(path: str, item: dict):
    """(METHOD, operation) for each operation of a path; the any-method extension is ANY."""
    if not isinstance(item, dict):
        raise ValueError(f"path {path} must be a mapping of operations")
    for key, operation in item.items():
        if key == ANY_METHOD:
            yield "ANY", operation
        elif key.lower() in OPERATIONS:
            yield key.upper(), operation


def security_of(operation: dict, body: dict) -> list[dict]:
    security = operation["security"] if "security" in operation else body.get("security")
    return list(security or [])


def scheme_named(name: str, schemes: dict, where: str) -> dict:
    if name not in schemes:
        raise ValueError(f"{where} uses the security scheme {name}, which is not defined")
    return schemes[name]


# REST APIs (AWS::ApiGateway::RestApi) -----------------------------------------------------


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
    validators = {
        name: client.create_request_validator(
            restApiId=api_id,
            name=name,
            validateRequestBody=bool(settings.get("validateRequestBody", False)),
            validateRequestParameters=bool(settings.get("validateRequestParameters", False)),
        )["id"]
        for name, settings in (body.get("x-amazon-apigateway-request-validators") or {}).items()
    }
    default_validator = body.get("x-amazon-apigateway-request-validator")
    paths = body.get("paths") or {}
    resources = rest_resources(client, api_id, paths)
    for path, item in paths.items():
        shared = (item.get("parameters") or []) if isinstance(item, dict) else []
        for method, operation in operations(path, item):
            where = f"{method} {path}"
            args = {"restApiId": api_id, "resourceId": resources[path], "httpMethod": method}
            args |= rest_auth(security_of(operation, body), schemes, authorizers, where)
            parameters = request_parameters(shared + list(operation.get("parameters") or []))
            if parameters:
                args["requestParameters"] = parameters
            if operation.get("operationId"):
                args["operationName"] = operation["operationId"]
            validator = operation.get("x-amazon-apigateway-request-validator", default_validator)
            if validator:
                if validator not in validators:
                    raise ValueError(f"{where} uses the request validator {validator}, which is not defined")
                args["requestValidatorId"] = validators[validator]
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


def rest_auth(security: list[dict], schemes: dict, authorizers: dict, where: str) -> dict:
    """put_method's authorization arguments for an operation's `security`."""
    args: dict = {"authorizationType": "NONE", "apiKeyRequired": False}
    for entry in security:
        for name, scopes in entry.items():
            if name == "NONE":
                continue
            scheme = scheme_named(name, schemes, where)
            authorizer = scheme.get(AUTHORIZER)
            if authorizer:
                cognito = str(authorizer.get("type", "")).lower() == "cognito_user_pools"
                args["authorizationType"] = "COGNITO_USER_POOLS" if cognito else "CUSTOM"
                args["authorizerId"] = authorizers[name]
                if cognito and scopes:
                    args["authorizationScopes"] = list(scopes)
            elif str(scheme.get(AUTHTYPE, "")).lower() == "awssigv4":
                args["authorizationType"] = "AWS_IAM"
            elif scheme.get("type") == "apiKey" and str(scheme.get("name")).lower() == "x-api-key":
                args["apiKeyRequired"] = True
            else:
                raise ValueError(
                    f"{where}: the security scheme {name} is neither an authorizer, AWS_IAM nor the x-api-key API key"
                )
    return args


def request_parameters(parameters: list) -> dict[str, bool]:
    found = {}
    for parameter in parameters:
        if isinstance(parameter, dict) and parameter.get("in") in PARAMETER_PLACES:
            place = PARAMETER_PLACES[parameter["in"]]
            found[f"method.request.{place}.{parameter['name']}"] = bool(parameter.get("required"))
    return found


def rest_integration(client, target: dict, integration: dict, where: str) -> None:
    kind = INTEGRATION_TYPES.get(str(integration.get("type", "")).lower())
    if kind is None:
        raise ValueError(
            f"{where}: integration type {integration.get('type')!r} is not one of {', '.join(INTEGRATION_TYPES)}"
        )
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


def available(listing, **arguments) -> bool:
    """Whether the emulator has this service at all (LocalStack's free edition has no API Gateway
    v2 or Cognito): if it does not, an earlier deploy cannot have left anything there."""
    try:
        listing(**arguments)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = str(error.response.get("Error", {}).get("Code", ""))
        if status in (404, 501) or "NotImplemented" in code or "InternalFailure" in code:
            return False
        raise
    return True


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


def remove_rest_apis(aws: AccountAws) -> None:
    """Every REST API, usage plan and API key in the (lab's own) account."""
    rest = aws.client("apigateway")
    if not available(rest.get_rest_apis, limit=1):
        return
    for plan in rest.get_usage_plans(limit=500)["items"]:
        rest.delete_usage_plan(usagePlanId=plan["id"])
    for key in rest.get_api_keys(limit=500)["items"]:
        rest.delete_api_key(apiKey=key["id"])
    for api in rest.get_rest_apis(limit=500)["items"]:
        rest.delete_rest_api(restApiId=api["id"])
