"""Walking the OpenAPI body SAM generates for an API (swagger 2.0 or OpenAPI 3), for REST and HTTP
APIs alike: the body itself, its operations, and what each operation's `security` asks of API
Gateway. The REST and HTTP appliers turn what is read here into their own API's calls.
"""

import json
from dataclasses import dataclass, field

OPERATIONS = {"get", "put", "post", "delete", "options", "head", "patch"}
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
INTEGRATION_TYPES = {"aws": "AWS", "aws_proxy": "AWS_PROXY", "http": "HTTP", "http_proxy": "HTTP_PROXY", "mock": "MOCK"}
SCOPED = {"cognito_user_pools": "COGNITO_USER_POOLS", "jwt": "JWT"}  # authorizers whose methods name scopes


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


@dataclass
class Security:
    """An operation's authorisation, in API Gateway's words for REST and HTTP APIs alike."""

    type: str = "NONE"  # NONE | AWS_IAM | CUSTOM | COGNITO_USER_POOLS (REST) | JWT (HTTP)
    authorizer_id: str | None = None
    scopes: list[str] = field(default_factory=list)
    api_key_required: bool = False  # REST APIs only


def method_security(security: list[dict], schemes: dict, authorizers: dict, where: str, *, api_keys: bool) -> Security:
    """What an operation's `security` asks: an authorizer (with scopes, for a Cognito or JWT one),
    AWS_IAM, or (`api_keys`: REST APIs) the x-api-key API key. `authorizers`: scheme -> id."""
    found = Security()
    for entry in security:
        for name, scopes in entry.items():
            if name == "NONE":
                continue
            scheme = scheme_named(name, schemes, where)
            authorizer = scheme.get(AUTHORIZER)
            if authorizer:
                scoped = SCOPED.get(str(authorizer.get("type", "")).lower())
                found.type = scoped or "CUSTOM"
                found.authorizer_id = authorizers[name]
                if scoped and scopes:
                    found.scopes = list(scopes)
            elif str(scheme.get(AUTHTYPE, "")).lower() == "awssigv4":
                found.type = "AWS_IAM"
            elif api_keys and scheme.get("type") == "apiKey" and str(scheme.get("name")).lower() == "x-api-key":
                found.api_key_required = True
            elif api_keys:
                raise ValueError(
                    f"{where}: the security scheme {name} is neither an authorizer, AWS_IAM nor the x-api-key API key"
                )
            else:
                raise ValueError(
                    f"{where}: the security scheme {name} is neither an authorizer nor AWS_IAM (HTTP APIs have no API keys)"
                )
    return found


def integration_type(integration: dict, where: str) -> str:
    """The integration's type as API Gateway names it (`aws_proxy` -> AWS_PROXY)."""
    kind = INTEGRATION_TYPES.get(str(integration.get("type", "")).lower())
    if kind is None:
        raise ValueError(
            f"{where}: integration type {integration.get('type')!r} is not one of {', '.join(INTEGRATION_TYPES)}"
        )
    return kind
