"""What a deploy removes first: everything earlier deploys applied around their stack.

None of the resources applied around the stack are in it, so replacing the stack does not remove
them. The account is the lab's alone, so every REST and HTTP API, API key, usage plan and user
pool in it is one an earlier deploy made. A failed deploy removes, quietly, what it had made.
"""

from botocore.exceptions import BotoCoreError, ClientError

from ..client.aws import AccountAws


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


def remove_http_apis(aws: AccountAws) -> None:
    """Every HTTP API in the (lab's own) account, with its routes, integrations and stages."""
    client = aws.client("apigatewayv2")
    if not available(client.get_apis, MaxResults="1"):
        return
    for api in client.get_apis(MaxResults="500")["Items"]:
        client.delete_api(ApiId=api["ApiId"])


def remove_user_pools(aws: AccountAws) -> None:
    """Every user pool in the (lab's own) account, with its clients and users."""
    client = aws.client("cognito-idp")
    if not available(client.list_user_pools, MaxResults=1):
        return
    while pools := client.list_user_pools(MaxResults=60)["UserPools"]:
        for pool in pools:
            client.delete_user_pool(UserPoolId=pool["Id"])


def remove_schedules(aws: AccountAws) -> None:
    """Every EventBridge Scheduler schedule and schedule group in the (lab's own) account."""
    client = aws.client("scheduler")
    if not available(client.list_schedules, MaxResults=1):
        return
    for found in client.list_schedules(MaxResults=100)["Schedules"]:
        client.delete_schedule(Name=found["Name"], GroupName=found["GroupName"])
    for group in client.list_schedule_groups(MaxResults=100)["ScheduleGroups"]:
        if group["Name"] != "default":
            client.delete_schedule_group(Name=group["Name"])


def remove_applied(aws: AccountAws, *, quietly: bool = False) -> None:
    """Delete the APIs, keys, usage plans, user pools and schedules earlier deploys created (or, `quietly`
    after a failure, those this deploy had created, keeping the error that stopped it)."""
    for remove in (remove_rest_apis, remove_http_apis, remove_user_pools, remove_schedules):
        try:
            remove(aws)
        except (ClientError, BotoCoreError):
            if not quietly:
                raise
