"""Checks for Securing an API three ways. Each gets `lab` (a LabContext bound to a fresh account).

Requests go through the emulated API Gateway front door (`lab.request`) to the REST API `Api`,
stage prod, so the authorizers run exactly as they would for a client: the Lambda TOKEN
authorizer and its cache, the Cognito user pool authorizer, and IAM with SigV4.
"""

import uuid

from courseware.labrunner.grading import Fail, check

STAGE = "prod"
PASSWORD = "Reports-Lab-2026!"  # meets Cognito's default password policy, and any lab-sized one


def get(lab, path: str, *, token: str | None = None, sign=None):
    """GET path on the prod stage, with an Authorization header when a token is given."""
    headers = {"Authorization": token} if token is not None else None
    return lab.request("GET", path, api="Api", stage=STAGE, headers=headers, sign=sign)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def protected_by(response, kind: str, route: str, setting: str) -> dict:
    """The authorizer that handled the request; fail when the route is not protected by `kind`."""
    info = response.authorizer or {}
    if info.get("type") == kind:
        return info
    if not info:
        raise Fail(
            f"{route} answered {response.status} without any authorizer running: the route is "
            f"missing or open. (A REST API answers 403 Missing Authentication Token for a path "
            f"it does not have.) Add it to ReportsFunction's Events with {setting}."
        )
    raise Fail(f"{route} is protected by a {info.get('type')} authorizer; use {setting}.")


def body_of(response) -> dict:
    data = response.json()
    return data if isinstance(data, dict) else {}


def not_called(response, what: str) -> None:
    if response.event is not None:
        raise Fail(f"ReportsFunction ran for {what}: the request should stop at API Gateway.")


def authorizer_failed(response) -> str:
    """A hint when API Gateway answered 500 because the Lambda authorizer failed."""
    info = response.authorizer or {}
    if info.get("outcome") != "error":
        return ""
    return (
        " API Gateway answers 500 when the authorizer raises anything but "
        'Exception("Unauthorized"), crashes, or returns something that is not a policy '
        f"({info.get('message') or 'no detail'})."
    )


@check(
    points=1,
    hints=[
        "Call `GET /reports` with no credentials and look at the trace: did an authorizer run, "
        "and did your function?",
        "Attach the Lambda TOKEN authorizer to the route; with no token API Gateway answers 401 "
        "itself. Read [Lambda authorizers](lessons/api-gateway-security#lambda-authorizers).",
    ],
)
def reports_need_a_token(lab):
    """GET /reports without a token is a 401, and the function never runs"""
    response = get(lab, "/reports")
    protected_by(response, "TOKEN", "GET /reports", "Auth: {Authorizer: TokenAuthorizer}")
    if response.status != 401:
        raise Fail(f"Without an Authorization header GET /reports answered {response.status}.")
    not_called(response, "a request without a token")
    return "401 Unauthorized: with no token, API Gateway does not even call the authorizer."


@check(
    points=1,
    hints=[
        "What should your authorizer do with a token it has never heard of: deny it, or refuse "
        "it?",
        "Raise an exception with the message `Unauthorized` for an unknown token. Read [401 or "
        "403](lessons/api-gateway-security#401-or-403).",
    ],
)
def unknown_token_is_rejected(lab):
    """An unknown token is a 401"""
    response = get(lab, "/reports", token=f"Bearer {unique('stolen')}")
    if response.status == 200:
        raise Fail(
            "An unknown token got in (200). For a token that is not in TOKENS, raise "
            'Exception("Unauthorized"): API Gateway turns exactly that into a 401.'
        )
    if response.status != 401:
        raise Fail(
            f"An unknown token got {response.status}; expected 401.{authorizer_failed(response)}"
        )
    not_called(response, "an unknown token")
    return "401 for an unknown token."


@check(
    points=1,
    hints=[
        "The guest is known but may not read reports. Which answer says \"known, but not allowed\"?",
        "Return a policy with an explicit `Deny` for the method ARN. Read [401 or "
        "403](lessons/api-gateway-security#401-or-403).",
    ],
)
def guest_is_denied(lab):
    """A known token without rights gets a 403 from an explicit Deny"""
    response = get(lab, "/reports", token="Bearer guest-token")
    if response.status == 401:
        raise Fail(
            "guest-token got 401, which says 'I don't know who you are'. The guest is known but "
            "may call nothing: return a policy with Effect Deny (API Gateway answers 403)."
        )
    if response.status != 403:
        raise Fail(f"guest-token got {response.status}; expected 403.{authorizer_failed(response)}")
    not_called(response, "a denied token")
    if "explicit deny" not in response.text:
        raise Fail(
            "The 403 should come from an explicit Deny (the message says 'with an explicit "
            f"deny'); got {response.text[:160]!r}."
        )
    return "403: User is not authorized to access this resource with an explicit deny."


@check(
    points=2,
    hints=[
        "Call with the reader token and look at the event your function received: what did the "
        "authorizer pass along?",
        "Return `context` values in the authorizer's response and read them in "
        "`requestContext.authorizer`. Read [worked example: a token authorizer in "
        "Python](lessons/api-gateway-security#worked-example-a-token-authorizer-in-python).",
    ],
)
def reader_gets_reports_with_context(lab):
    """The reader token lists reports, and the function sees the authorizer's context"""
    response = get(lab, "/reports", token="Bearer reader-token")
    if response.status != 200:
        raise Fail(
            f"reader-token got {response.status} on GET /reports; expected 200.{authorizer_failed(response)}"
        )
    seen = (response.event or {}).get("requestContext", {}).get("authorizer") or {}
    if seen.get("principalId") != "reader":
        raise Fail(
            f"requestContext.authorizer.principalId should be 'reader'; got {seen.get('principalId')!r}."
        )
    if seen.get("role") != "reader":
        raise Fail(
            'The function cannot tell the caller\'s role: return a "context" with '
            '{"role": "reader", ...} from the authorizer; it arrives in '
            'event["requestContext"]["authorizer"].'
        )
    body = body_of(response)
    if body.get("role") != "reader" or body.get("user") != "reader":
        raise Fail(f"GET /reports should report user 'reader' and role 'reader'; got {body}.")
    return "200; principalId and role reached the function through requestContext.authorizer."


@check(
    points=2,
    hints=[
        "Call two different report routes with the same token, one after the other. What does the"
        " second one get, and did your authorizer run again?",
        "A cached policy is reused for every method; allow a wildcard of the report resources, "
        "not only the method ARN you were called for. Read [result caching and its "
        "pitfalls](lessons/api-gateway-security#result-caching-and-its-pitfalls).",
    ],
)
def cached_policy_covers_every_report_route(lab):
    """A cached policy still allows the next report route for the same token"""
    first = get(lab, "/reports", token="Bearer reader-token")
    if first.status != 200:
        raise Fail(f"reader-token got {first.status} on GET /reports; expected 200.")
    second = get(lab, "/reports/q1-sales", token="Bearer reader-token")
    info = second.authorizer or {}
    if not info.get("cached"):
        raise Fail(
            "The authorizer ran again for the second request: its answer was not cached. Keep "
            "ReauthorizeEvery: 60 and make the policy safe to cache instead."
        )
    if second.status != 200:
        raise Fail(
            f"GET /reports/q1-sales got {second.status}: API Gateway reused the policy cached "
            "for GET /reports, and that policy allows only the first request's methodArn. Allow "
            "every method the caller may call (…/prod/GET/reports and …/prod/GET/reports/*)."
        )
    if body_of(second).get("id") != "q1-sales":
        raise Fail("GET /reports/q1-sales should return the report q1-sales.")
    return "The second request was served from the cache and allowed."


@check(
    points=1,
    hints=[
        "Which authorizer protects `/profile`, and does it check where a token came from?",
        "Attach the Cognito user pool authorizer to the route. Read [Cognito user pool "
        "authorizers](lessons/api-gateway-security#cognito-user-pool-authorizers).",
    ],
)
def profile_refuses_missing_and_invalid_tokens(lab):
    """GET /profile is a 401 without a token or with one the user pool did not issue"""
    for label, token in (("no token", None), ("a made-up token", "not-a-jwt"),
                         ("the Lambda authorizer's token", "Bearer reader-token")):  # fmt: skip
        response = get(lab, "/profile", token=token)
        protected_by(
            response, "COGNITO_USER_POOLS", "GET /profile", "Auth: {Authorizer: CognitoAuthorizer}"
        )
        if response.status != 401:
            raise Fail(f"GET /profile with {label} answered {response.status}; expected 401.")
        not_called(response, f"GET /profile with {label}")
    return "401 without a token, with a made-up one and with a token from another scheme."


@check(
    points=2,
    hints=[
        "Call `/profile` with the token helper and look for the claims in the event your function"
        " received.",
        "The ID token's claims are in `requestContext.authorizer.claims`. Read [Cognito user pool"
        " authorizers](lessons/api-gateway-security#cognito-user-pool-authorizers).",
    ],
)
def profile_returns_the_callers_email(lab):
    """A signed-in user's ID token opens GET /profile, which returns their email"""
    email = f"{unique('ada')}@example.com"
    try:
        tokens = lab.user_pool_tokens(username=email, password=PASSWORD)
    except Exception as error:
        if isinstance(error, Fail):
            raise
        raise Fail(
            f"Could not sign a user in to UserPool through UserPoolClient ({error}). The pool "
            "uses email as the username; the client allows ALLOW_USER_PASSWORD_AUTH and has no "
            "secret."
        ) from None
    response = get(lab, "/profile", token=tokens["id"])
    protected_by(
        response, "COGNITO_USER_POOLS", "GET /profile", "Auth: {Authorizer: CognitoAuthorizer}"
    )
    if response.status != 200:
        raise Fail(f"GET /profile with a valid ID token answered {response.status}; expected 200.")
    context = (response.event or {}).get("requestContext", {})
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims.get("email") != email:
        raise Fail("The event should carry the token's claims in requestContext.authorizer.claims.")
    if body_of(response).get("email") != email:
        raise Fail(
            f'GET /profile should return {{"email": "{email}", ...}} from '
            "requestContext.authorizer.claims; got " + response.text[:160]
        )
    return "200 with the email from the ID token's claims."


@check(
    points=1,
    hints=[
        "Which kind of authorisation asks the caller to sign each request?",
        "Set the route's authorizer to `AWS_IAM`. Read [IAM authorization and "
        "SigV4](lessons/api-gateway-security#iam-authorization-and-sigv4).",
    ],
)
def admin_stats_requires_a_signature(lab):
    """GET /admin/stats without a SigV4 signature is a 403"""
    response = get(lab, "/admin/stats")
    protected_by(response, "AWS_IAM", "GET /admin/stats", "Auth: {Authorizer: AWS_IAM}")
    if response.status != 403:
        raise Fail(f"An unsigned GET /admin/stats answered {response.status}; expected 403.")
    not_called(response, "an unsigned request")
    return "403 Missing Authentication Token."


@check(
    points=1,
    hints=[
        "A valid signature says who the caller is. What says whether they may call this route?",
        "With `AWS_IAM`, the caller's own policy must allow `execute-api:Invoke` on the method "
        "ARN. Read [IAM authorization and "
        "SigV4](lessons/api-gateway-security#iam-authorization-and-sigv4).",
    ],
)
def admin_stats_refuses_a_user_without_permission(lab):
    """A signed request from an IAM user whose policy does not allow the method is a 403"""
    nobody = lab.iam_credentials(unique("no-permission"))
    response = get(lab, "/admin/stats", sign=nobody)
    protected_by(response, "AWS_IAM", "GET /admin/stats", "Auth: {Authorizer: AWS_IAM}")
    if response.status != 403:
        raise Fail(
            f"A correctly signed request from a user with no policy answered {response.status}; "
            "expected 403: a valid signature proves who the caller is, not that they may call."
        )
    not_called(response, "a user without permission")
    return "403: the signature was valid, the user's policy did not allow execute-api:Invoke."


@check(
    points=1,
    hints=[
        "Call as a permitted IAM user and look at the event: where is the caller's identity?",
        "Return the caller's ARN from `requestContext.identity.userArn`. Read [IAM authorization "
        "and SigV4](lessons/api-gateway-security#iam-authorization-and-sigv4).",
    ],
)
def admin_stats_allows_a_permitted_user(lab):
    """A user allowed execute-api:Invoke on the method gets the stats with their own ARN"""
    method_arn = (
        f"arn:aws:execute-api:{lab.aws.region}:{lab.account_id}:{lab.api_id('Api')}/"
        f"{STAGE}/GET/admin/stats"
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": method_arn}],
    }
    analyst = lab.iam_credentials(unique("stats-analyst"), policy=policy)
    response = get(lab, "/admin/stats", sign=analyst)
    info = protected_by(response, "AWS_IAM", "GET /admin/stats", "Auth: {Authorizer: AWS_IAM}")
    if response.status != 200:
        hint = ""
        if info.get("outcome") == "allow":
            hint = (
                " IAM allowed the request, so the integration failed: by default SAM invokes the "
                "function with the caller's credentials, which only allow execute-api:Invoke. "
                "Add InvokeRole: NONE to the event's Auth."
            )
        raise Fail(f"An allowed, signed GET /admin/stats answered {response.status}.{hint}")
    identity = (response.event or {}).get("requestContext", {}).get("identity") or {}
    if identity.get("userArn") != analyst["arn"]:
        raise Fail("requestContext.identity.userArn should be the signing user's ARN.")
    if body_of(response).get("caller") != analyst["arn"]:
        raise Fail(
            f'GET /admin/stats should return {{"caller": "{analyst["arn"]}", ...}} from '
            "requestContext.identity.userArn; got " + response.text[:160]
        )
    return f"200 for {analyst['arn']}."


@check(
    points=1, hidden=True,
    hints=[
        "Not every known caller should see every report.",
        "Let the authorizer's context say who the caller is, and filter in the function. Read "
        "[Lambda authorizers](lessons/api-gateway-security#lambda-authorizers).",
    ],
)
def confidential_reports_for_admins_only(lab):
    admin = get(lab, "/reports", token="Bearer admin-token")
    admin_ids = {report.get("id") for report in body_of(admin).get("reports") or []}
    if admin.status != 200 or "salaries" not in admin_ids:
        raise Fail("admin-token should list every report, salaries included.")
    reader = get(lab, "/reports", token="Bearer reader-token")
    reader_ids = {report.get("id") for report in body_of(reader).get("reports") or []}
    if reader.status != 200 or "salaries" in reader_ids or "q1-sales" not in reader_ids:
        raise Fail("reader-token should list the reports that are not confidential, only.")
    secret = get(lab, "/reports/salaries", token="Bearer reader-token")
    if secret.status == 200:
        raise Fail("reader-token should not be able to read the confidential report salaries.")
