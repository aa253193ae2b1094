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

# What each role may call, as METHOD/PATH patterns under the stage. Built from the caller's
# rights, not from the request at hand: API Gateway reuses the cached policy for every method of
# the API that this token calls during the TTL.
RIGHTS = {
    "reader": ["GET/reports", "GET/reports/*"],
    "admin": ["*"],  # every method and path of the stage
    "guest": [],  # known, but allowed nothing: an explicit Deny
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
    if user is None:
        print("unknown token: 401")
        raise Exception("Unauthorized")  # exactly this message: API Gateway answers 401

    # arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/reports/q1-sales
    #  -> arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod
    api_arn, stage = event["methodArn"].split("/")[:2]
    stage_arn = f"{api_arn}/{stage}"
    rights = RIGHTS.get(user["role"], [])
    if rights:
        document = policy("Allow", [f"{stage_arn}/{right}" for right in rights])
    else:
        document = policy("Deny", [f"{stage_arn}/*"])
    print(f"{user['principal']} ({user['role']}): {document['Statement'][0]['Effect']}")
    return {
        "principalId": user["principal"],
        "policyDocument": document,
        # Flat string, number or boolean values only. The backend reads them, with principalId,
        # in event["requestContext"]["authorizer"].
        "context": {"role": user["role"], "name": user["name"]},
    }
