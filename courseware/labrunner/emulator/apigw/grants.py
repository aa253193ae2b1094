"""API Gateway invokes a function only where the function's resource policy lets it.

On AWS an integration or a Lambda authorizer without `AWS::Lambda::Permission` (SAM generates
one per event and authorizer) fails at request time: a REST API answers 500 "Internal server
error" (an authorizer: 500 with `message: null` and `AuthorizerConfigurationException`), an HTTP
API 500 "Internal Server Error", and the reason ("Invalid permissions on Lambda function") is in
the execution log. Here the reason is in the front door's trace, which the lab's request panel
shows. An integration or authorizer with credentials (an IAM role) is invoked with that role,
as on AWS, and needs no resource policy.

The source ARN API Gateway presents is the method's: `arn:aws:execute-api:REGION:ACCOUNT:
API/STAGE/METHOD/PATH` with PATH the resource or route template (`$default` for an HTTP API's
default route); an authorizer's is `arn:aws:execute-api:REGION:ACCOUNT:API/authorizers/ID`.
"""

from ..lambda_policy import split_name
from ..permissions import may_invoke, why_not
from .routes import Refusal, Route

PRINCIPAL = "apigateway.amazonaws.com"


def source_arn(route: Route) -> str:
    prefix = f"arn:aws:execute-api:{route.region}:{route.account_id}:{route.api_id}/{route.stage}"
    if route.route_key == "$default":
        return f"{prefix}/$default"
    method, _, path = route.route_key.partition(" ")
    return f"{prefix}/{method}{path or '/'}"


def authorizer_source_arn(route: Route) -> str:
    return f"arn:aws:execute-api:{route.region}:{route.account_id}:{route.api_id}/authorizers/{route.authorizer.id}"


def check(function, arn: str, route: Route, *, authorizer: bool) -> None:
    """Refuse (as API Gateway answers) unless `function` may be invoked for this route."""
    credentials = route.authorizer.credentials if authorizer else route.integration.get("credentials")
    if credentials:
        return
    _, qualifier = split_name(arn)
    source = authorizer_source_arn(route) if authorizer else source_arn(route)
    if may_invoke(
        function, principal=PRINCIPAL, source_arn=source, source_account=route.account_id, qualifier=qualifier
    ):
        return
    reason = (
        f"Execution failed due to configuration error: Invalid permissions on Lambda function "
        f"({why_not(function, principal=PRINCIPAL, qualifier=qualifier)} with source ARN {source})"
    )
    if route.kind == "HTTP":
        raise Refusal(500, {"message": "Internal Server Error"}, reason=reason)
    if authorizer:
        headers = {"x-amzn-ErrorType": "AuthorizerConfigurationException"}
        raise Refusal(500, {"message": None}, headers, reason=reason)
    raise Refusal(
        500, {"message": "Internal server error"}, {"x-amzn-ErrorType": "InternalServerErrorException"}, reason=reason
    )
