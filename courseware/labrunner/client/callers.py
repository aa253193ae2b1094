"""Who calls a learner's API: a user signed up in their user pool, or an IAM user with keys.

Used by the request panel's token helper and by graders; everything happens in the learner's
emulated account through the ordinary Cognito and IAM APIs.
"""

import json

from botocore.exceptions import ClientError

from .aws import AccountAws

API_TYPES = {"AWS::ApiGateway::RestApi": "REST", "AWS::ApiGatewayV2::Api": "HTTP"}
DEFAULT_PASSWORD = "Lab-Passw0rd!"


class CallerError(Exception):
    """Something the learner's template lacks (no API, no user pool...)."""


def find_api(resources: dict, api: str | None = None) -> tuple[str, str, str]:
    """(logical id, API id, REST|HTTP) of the template's API named `api`, or its only one."""
    apis = {k: v for k, v in resources.items() if v.get("type") in API_TYPES}
    if api is not None:
        if api not in apis:
            raise CallerError(f"Your template has no API named {api}.")
        chosen = api
    elif len(apis) == 1:
        chosen = next(iter(apis))
    elif not apis:
        raise CallerError("Your template has no API (AWS::Serverless::Api or AWS::Serverless::HttpApi).")
    else:
        raise CallerError(f"Your template has several APIs; pick one of {', '.join(sorted(apis))}.")
    return chosen, apis[chosen]["id"], API_TYPES[apis[chosen]["type"]]


def stages_of(aws: AccountAws, api_id: str, kind: str) -> list[str]:
    if kind == "HTTP":
        items = aws.client("apigatewayv2").get_stages(ApiId=api_id).get("Items", [])
        return [item["StageName"] for item in items]
    items = aws.client("apigateway").get_stages(restApiId=api_id).get("item", [])
    return [item["stageName"] for item in items]


STAGE_TYPES = {"AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"}


def default_stage(aws: AccountAws, api_id: str, kind: str, resources: dict | None = None) -> str:
    """`$default`, else the stage the template declares (not SAM's extra "Stage"), else any."""
    stages = stages_of(aws, api_id, kind)
    if "$default" in stages or (kind == "HTTP" and not stages):
        return "$default"
    if not stages:
        raise CallerError("Your API has no stage yet: deploy it with a StageName.")
    declared = [v["id"] for v in (resources or {}).values() if v.get("type") in STAGE_TYPES]
    chosen = [s for s in stages if s in declared] or [s for s in stages if s != "Stage"] or stages
    return sorted(chosen)[0]


def user_pool_tokens(
    aws: AccountAws, *, pool_id: str, client_id: str, username: str, password: str = DEFAULT_PASSWORD
) -> dict:
    """Sign `username` up (admin-confirmed, email verified) if new, then log in with
    USER_PASSWORD_AUTH, as a front end would: {"id", "access", "refresh", "expires_in"}."""
    idp = aws.client("cognito-idp")
    attributes = [{"Name": "email", "Value": username}] if "@" in username else []
    try:
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[*attributes, *([{"Name": "email_verified", "Value": "true"}] if attributes else [])],
        )
    except idp.exceptions.UsernameExistsException:
        pass
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )["AuthenticationResult"]
    return {
        "id": result["IdToken"],
        "access": result["AccessToken"],
        "refresh": result.get("RefreshToken"),
        "expires_in": result.get("ExpiresIn"),
    }


def iam_credentials(aws: AccountAws, name: str, *, policy: dict | None = None) -> dict:
    """An IAM user `name` with `policy` inline (replacing any earlier one) and a fresh access
    key: {"access_key", "secret_key", "arn"}. Older keys are deleted (IAM allows two)."""
    iam = aws.client("iam")
    try:
        arn = iam.create_user(UserName=name)["User"]["Arn"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
        arn = iam.get_user(UserName=name)["User"]["Arn"]
    for existing in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=existing)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="api-access", PolicyDocument=json.dumps(policy))
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"], "arn": arn}
