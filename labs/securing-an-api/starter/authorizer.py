"""TOKEN authorizer for the reports API: who is calling, and what may they call?

API Gateway sends {"type": "TOKEN", "authorizationToken": "<Authorization header>",
"methodArn": "arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH"} and caches the
answer for ReauthorizeEvery seconds, keyed on the token alone.
"""

# A lab-sized identity store. In production: verify a signed token (a JWT) or look it up in a
# database, and keep secrets out of the code.
TOKENS = {
    "reader-token": {"principal": "reader", "name": "Rita Reader", "role": "reader"},
    "admin-token": {"principal": "admin", "name": "Ada Admin", "role": "admin"},
    "guest-token": {"principal": "guest", "name": "Gus Guest", "role": "guest"},
}


def policy(effect: str, resources: list[str]) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resources}],
    }


def handler(event, context):
    header = event.get("authorizationToken") or ""
    scheme, _, token = header.partition(" ")
    user = TOKENS.get(token) if scheme.lower() == "bearer" else None
    # TODO (step 2): an unknown token must be refused with 401, and a guest may call nothing
    # (403). Right now everyone gets in, even without a valid token.
    # TODO (step 3): return the caller's role and name in a "context" for the reports function.
    # TODO (step 4): this policy allows only the method being called, but API Gateway caches it
    # and reuses it for the next requests with the same token.
    return {
        "principalId": user["principal"] if user else "anonymous",
        "policyDocument": policy("Allow", [event["methodArn"]]),
    }
