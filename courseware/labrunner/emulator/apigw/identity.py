"""Authorisation from an identity API Gateway verifies itself: Cognito user pool and JWT
tokens (signature, issuer, audience, expiry, scopes) and IAM (SigV4 plus identity policies)."""

from . import policy, sigv4, tokens
from .events import Request
from .routes import Route
from .verdicts import UNAUTHORIZED, Decision, refuse, route_arn, text


def _bearer(value: str | None) -> str | None:
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip()
    return value


def cognito(route: Route, request: Request) -> Decision:
    auth = route.authorizer
    trace = {"type": "COGNITO_USER_POOLS", "cached": False, "invoked": False, "name": auth.name}
    header = (auth.identity_source or ["method.request.header.Authorization"])[0]
    token = _bearer(request.header(header.rsplit(".", 1)[-1]))
    if not token:
        refuse(401, UNAUTHORIZED, trace, "unauthorized", "no token in the identity source")
    claims, last_error = None, "the token was not issued by this API's user pools"
    for arn in auth.provider_arns:
        region, pool_id = arn.split(":")[3], arn.rsplit("/", 1)[-1]
        issuer = tokens.user_pool_issuer(region, pool_id)
        jwks = tokens.jwks_for_issuer(issuer, account_id=route.account_id)
        if jwks is None:
            continue
        try:
            claims = tokens.verify(token, issuer=issuer, audiences=None, jwks=jwks)
            break
        except tokens.TokenError as error:
            last_error = error.reason
    if claims is None:
        refuse(401, UNAUTHORIZED, trace, "unauthorized", last_error)
    if route.scopes:
        granted = set(tokens.scopes_of(claims))
        if claims.get("token_use") != "access" or not granted & set(route.scopes):
            refuse(
                401,
                UNAUTHORIZED,
                trace,
                "unauthorized",
                f"the method needs an access token with one of the scopes {route.scopes}",
            )
    trace.update(outcome="allow", message=f"a valid {claims.get('token_use')} token", claims=claims)
    return Decision(context={"claims": {k: _claim(v) for k, v in claims.items()}}, trace=trace)


def _claim(value) -> str:
    if isinstance(value, list):
        return "[" + " ".join(str(v) for v in value) + "]"
    return text(value)


def jwt(route: Route, request: Request) -> Decision:
    auth = route.authorizer
    trace = {"type": "JWT", "cached": False, "invoked": False, "name": auth.name}
    source = (auth.identity_source or ["$request.header.Authorization"])[0]
    token = _bearer(request.header(source.rsplit(".", 1)[-1]))
    if not token:
        refuse(401, UNAUTHORIZED, trace, "unauthorized", "no token", {"www-authenticate": "Bearer"})
    jwks = tokens.jwks_for_issuer(auth.issuer, account_id=route.account_id)
    try:
        if jwks is None:
            raise tokens.TokenError("the issuer's keys cannot be fetched from the lab")
        claims = tokens.verify(token, issuer=auth.issuer, audiences=auth.audiences or None, jwks=jwks)
    except tokens.TokenError as error:
        challenge = f'Bearer scope="" error="invalid_token" error_description="{error.reason}"'
        refuse(401, UNAUTHORIZED, trace, "unauthorized", error.reason, {"www-authenticate": challenge})
    scopes = tokens.scopes_of(claims)
    if route.scopes and not set(scopes) & set(route.scopes):
        wanted = " ".join(route.scopes)
        challenge = (
            f'Bearer scope="{wanted}" error="insufficient_scope" error_description="expected scopes: [{wanted}]"'
        )
        refuse(
            403,
            {"message": "Forbidden"},
            trace,
            "deny",
            f"the token lacks the scopes {wanted}",
            {"www-authenticate": challenge},
        )
    trace.update(outcome="allow", message="a valid token", claims=claims)
    context = {"jwt": {"claims": {k: _claim(v) for k, v in claims.items()}, "scopes": scopes or None}}
    return Decision(context=context, trace=trace)


def iam(route: Route, request: Request) -> Decision:
    trace = {"type": "AWS_IAM", "cached": False, "invoked": False}
    try:
        caller = sigv4.verify_request(
            method=request.method,
            path=request.raw_path or request.path,
            query_string=request.query,
            headers=request.headers,
            body=request.body,
            account_id=route.account_id,
            region=route.region,
        )
    except sigv4.SignatureError as error:
        refuse(error.status, {"message": error.message}, trace, "unauthorized", error.message)
    arn = route_arn(route)
    verdict = policy.evaluate(caller.policies, action="execute-api:Invoke", resource=arn)
    trace["policy"] = verdict
    if verdict != "Allow":
        message = f"User: {caller.arn} is not authorized to perform: execute-api:Invoke on resource: {arn}"
        if verdict == "ExplicitDeny":
            message += " with an explicit deny"
        refuse(403, {"Message": message}, trace, "deny", message)
    trace.update(outcome="allow", message=f"signed by {caller.arn}", principal=caller.arn)
    if route.kind == "HTTP":
        iam = {
            "accessKey": caller.access_key,
            "accountId": caller.account_id,
            "callerId": caller.caller_id,
            "principalOrgId": None,
            "userArn": caller.arn,
            "userId": caller.user_id,
            "cognitoIdentity": None,
        }
        return Decision(context={"iam": iam}, trace=trace)
    identity = {
        "accessKey": caller.access_key,
        "accountId": caller.account_id,
        "caller": caller.caller_id,
        "user": caller.user_id,
        "userArn": caller.arn,
    }
    return Decision(identity=identity, trace=trace)
