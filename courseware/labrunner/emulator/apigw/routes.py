"""Finding the API, stage and route a request is for, in the definitions moto stores.

REST APIs (v1) match a resource tree of path parts (`items`, `{id}`, `{proxy+}`) and a method (or
`ANY`); HTTP APIs (v2) match route keys (`GET /items/{id}`, `ANY /{proxy+}`, `$default`). Both
prefer the most specific match: a literal segment beats a `{param}`, which beats a greedy
`{proxy+}`, and a named method beats `ANY`. A miss answers as API Gateway does: a REST API says
403 "Missing Authentication Token", an HTTP API 404 "Not Found".
"""

from dataclasses import dataclass, field
from urllib.parse import unquote

from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends

REGION = "us-east-1"
DEFAULT_STAGE = "$default"


class Refusal(Exception):
    """API Gateway answers itself, without calling the integration."""

    def __init__(self, status: int, body: dict, headers: dict | None = None, *, reason: str = ""):
        super().__init__(reason or str(body))
        self.status, self.body, self.headers = status, body, headers or {}
        self.reason = reason


def missing_token() -> Refusal:
    return Refusal(403, {"message": "Missing Authentication Token"}, reason="no such route")


@dataclass
class Authorizer:
    id: str
    name: str
    type: str  # TOKEN | REQUEST | COGNITO_USER_POOLS | JWT
    uri: str = ""
    identity_source: list[str] = field(default_factory=list)
    validation: str = ""  # a TOKEN authorizer's identityValidationExpression
    ttl: int = 300
    provider_arns: list[str] = field(default_factory=list)
    payload_format: str = "1.0"  # an HTTP API Lambda authorizer's event format
    simple_responses: bool = False
    issuer: str = ""
    audiences: list[str] = field(default_factory=list)
    credentials: str = ""  # a role API Gateway invokes the function with, instead of its resource policy


@dataclass
class Route:
    kind: str  # REST | HTTP
    account_id: str
    region: str
    api_id: str
    stage: str
    stage_variables: dict
    method: str  # the request's method
    path: str  # the request's path after the stage, e.g. /items/42
    resource_path: str  # the matched template, e.g. /items/{id}
    route_key: str  # GET /items/{id}, ANY /{proxy+} or $default
    path_parameters: dict
    integration: dict  # type, uri, payload_format, timeout_ms
    authorization: str  # NONE | CUSTOM | COGNITO_USER_POOLS | AWS_IAM | JWT
    authorizer: Authorizer | None = None
    scopes: list[str] = field(default_factory=list)
    api_key_required: bool = False
    api_key_source: str = "HEADER"
    binary_media_types: list[str] = field(default_factory=list)
    cors: dict | None = None
    resource_id: str = ""

    @property
    def domain(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"


def find_account(api_id: str, account_id: str | None) -> str | None:
    """The account that owns `api_id`: the pinned one, or (unpinned callers) whichever has it."""
    accounts = [account_id] if account_id else list(apigateway_backends) + list(apigatewayv2_backends)
    for account in accounts:
        if api_id in _v1_apis(account) or api_id in _v2_apis(account):
            return account
    return None


def _v1_apis(account_id: str) -> dict:
    regions = apigateway_backends.get(account_id) or {}
    return regions[REGION].apis if REGION in regions else {}


def _v2_apis(account_id: str) -> dict:
    regions = apigatewayv2_backends.get(account_id) or {}
    return regions[REGION].apis if REGION in regions else {}


def http_apis(account_id: str) -> dict:
    """The account's HTTP APIs by id (REST APIs answer without an apigw-requestid header)."""
    return _v2_apis(account_id)


def http_api_cors(account_id: str, api_id: str) -> dict | None:
    api = _v2_apis(account_id).get(api_id)
    return _cors(api.cors_configuration) if api is not None else None


def split_stage(api_id: str, account_id: str, path: str) -> tuple[str, str]:
    """(stage, rest of the path) for an execute-api URL: REST APIs always name the stage; an HTTP
    API's `$default` stage has no prefix, unless the first segment names another stage."""
    first, _, rest = path.lstrip("/").partition("/")
    api = _v2_apis(account_id).get(api_id)
    if api is not None and first not in api.stages and DEFAULT_STAGE in api.stages:
        return DEFAULT_STAGE, path
    return first, "/" + rest


def match(*, account_id: str, api_id: str, stage: str, method: str, path: str) -> Route:
    if api_id in _v1_apis(account_id):
        return _match_rest(_v1_apis(account_id)[api_id], account_id, stage, method, path)
    if api_id in _v2_apis(account_id):
        return _match_http(_v2_apis(account_id)[api_id], account_id, stage, method, path)
    raise Refusal(403, {"message": "Forbidden"}, reason=f"no API {api_id} in this account")


def template_score(template: str, path: str) -> tuple | None:
    """How specifically `template` (e.g. /items/{id}) matches `path`, with the parameters; None
    if it does not. Higher scores are more specific."""
    parts = [p for p in template.strip("/").split("/") if p] if template != "/" else []
    segments = [s for s in path.strip("/").split("/")] if path.strip("/") else []
    score, params = [], {}
    for index, part in enumerate(parts):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments) or index != len(parts) - 1:
                return None
            params[part[1:-2]] = unquote("/".join(segments[index:]))
            score.append(0)
            return (len(parts), tuple(score)), params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not segments[index]:
                return None
            params[part[1:-1]] = unquote(segments[index])
            score.append(1)
        elif part != segments[index]:
            return None
        else:
            score.append(2)
    if len(parts) != len(segments):
        return None
    return (len(parts) + 1000, tuple(score)), params  # a full, non-greedy match ranks first


def _match_rest(api, account_id: str, stage: str, method: str, path: str) -> Route:
    if stage not in api.stages:
        raise Refusal(403, {"message": "Forbidden"}, reason=f"no stage {stage!r}")
    best = None
    for resource in api.resources.values():
        found = template_score(resource.get_path(), path)
        if found and (best is None or found[0] > best[0]):
            best = (found[0], found[1], resource)
    if best is None:
        raise missing_token()
    _, params, resource = best
    method_model = resource.resource_methods.get(method) or resource.resource_methods.get("ANY")
    if method_model is None:
        raise missing_token()
    integration = method_model.method_integration
    authorizer = None
    if method_model.authorizer_id and method_model.authorizer_id in api.authorizers:
        authorizer = _rest_authorizer(api.authorizers[method_model.authorizer_id])
    return Route(
        kind="REST",
        account_id=account_id,
        region=REGION,
        api_id=api.id,
        stage=stage,
        stage_variables=dict(api.stages[stage].variables or {}),
        method=method,
        path=path,
        resource_path=resource.get_path(),
        route_key=f"{method_model.http_method} {resource.get_path()}",
        path_parameters=params,
        resource_id=resource.id,
        integration={
            "type": integration.integration_type if integration else "NONE",
            "uri": (integration.uri or "") if integration else "",
            "payload_format": "1.0",
            "timeout_ms": int(integration.timeout_in_millis or 29000) if integration else 29000,
            "credentials": (integration.credentials or "") if integration else "",
        },
        authorization=(method_model.authorization_type or "NONE").upper(),
        authorizer=authorizer,
        scopes=list(method_model.authorization_scopes or []),
        api_key_required=bool(method_model.api_key_required),
        api_key_source=api.api_key_source or "HEADER",
        binary_media_types=list(api.binaryMediaTypes or []),
    )


def _rest_authorizer(model) -> Authorizer:
    ttl = model.authorizer_result_ttl
    return Authorizer(
        id=model.id,
        name=model.name,
        type=(model.type or "").upper(),
        uri=model.authorizer_uri or "",
        identity_source=[s.strip() for s in (model.identity_source or "").split(",") if s.strip()],
        validation=model.identity_validation_expression or "",
        ttl=300 if ttl is None else int(ttl),
        provider_arns=list(model.provider_arns or []),
        credentials=model.authorizer_credentials or "",
    )


def _match_http(api, account_id: str, stage: str, method: str, path: str) -> Route:
    if stage not in api.stages:
        raise Refusal(404, {"message": "Not Found"}, reason=f"no stage {stage!r}")
    best, default = None, None
    for route in api.routes.values():
        if route.route_key == "$default":
            default = route
            continue
        route_method, _, template = route.route_key.partition(" ")
        if route_method not in (method, "ANY"):
            continue
        found = template_score(template, path)
        if found:
            rank = (found[0], route_method != "ANY")
            if best is None or rank > best[0]:
                best = (rank, found[1], route, template)
    if best is not None:
        _, params, route, template = best
    elif default is not None:
        params, route, template = {}, default, ""
    else:
        raise Refusal(404, {"message": "Not Found"}, reason="no route matches")
    integration = api.integrations.get((route.target or "").removeprefix("integrations/"))
    authorizer = None
    if route.authorizer_id and route.authorizer_id in api.authorizers:
        authorizer = _http_authorizer(api.authorizers[route.authorizer_id])
    stage_model = api.stages[stage]
    return Route(
        kind="HTTP",
        account_id=account_id,
        region=REGION,
        api_id=api.api_id,
        stage=stage,
        stage_variables=dict(stage_model.stage_variables or {}),
        method=method,
        path=path,
        resource_path=template,
        route_key=route.route_key,
        path_parameters=params,
        integration={
            "type": integration.integration_type if integration else "NONE",
            "uri": (integration.integration_uri or "") if integration else "",
            "payload_format": (integration.payload_format_version or "2.0") if integration else "2.0",
            "timeout_ms": int(integration.timeout_in_millis or 30000) if integration else 30000,
            "credentials": (integration.credentials_arn or "") if integration else "",
        },
        authorization=(route.authorization_type or "NONE").upper(),
        authorizer=authorizer,
        scopes=list(route.authorization_scopes or []),
        cors=_cors(api.cors_configuration),
    )


def _http_authorizer(model) -> Authorizer:
    jwt = {k[:1].lower() + k[1:]: v for k, v in (model.jwt_config or {}).items()}
    sources = model.identity_source or []
    ttl = model.auth_result_ttl
    return Authorizer(
        id=model.id,
        name=model.name,
        type=(model.authorizer_type or "").upper(),
        uri=model.authorizer_uri or "",
        identity_source=[sources] if isinstance(sources, str) else list(sources),
        ttl=0 if ttl in (None, "") else int(ttl),
        payload_format=model.auth_payload_format_version or "2.0",
        simple_responses=str(model.enable_simple_response).lower() == "true",
        issuer=jwt.get("issuer", ""),
        audiences=list(jwt.get("audience") or []),
        credentials=model.auth_creds_arn or "",
    )


def _cors(config) -> dict | None:
    if not config:
        return None
    return {k[:1].lower() + k[1:]: v for k, v in config.items()}
