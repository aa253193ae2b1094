"""Cognito user pools and their app clients, which moto's CloudFormation does not create.

CloudFormation's properties for both are the Cognito API's parameters, so they are passed on as
they are, checked and typed against the API's own input shape (a template may say `'true'` for
a boolean). A property the API does not have is refused by name.
"""

import secrets
import string

from botocore.model import Shape

from ...client.aws import AccountAws

CFN_ONLY = {"EnabledMfas"}  # set with set_user_pool_mfa_config after the pool is made


def coerce(value, shape: Shape):
    """A template value typed as the API shape wants it: "true" -> True, "30" -> 30."""
    kind = shape.type_name
    if kind == "boolean" and isinstance(value, str):
        return value.lower() == "true"
    if kind in ("integer", "long") and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if kind == "structure" and isinstance(value, dict):
        return {k: coerce(v, shape.members[k]) if k in shape.members else v for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: coerce(item, shape.value) for key, item in value.items()}
    return value


def call_arguments(client, operation: str, properties: dict) -> dict:
    shape = client.meta.service_model.operation_model(operation).input_shape
    unknown = sorted(set(properties) - set(shape.members))
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not emulated here (Cognito's {operation} has no such parameter)")
    return {key: coerce(value, shape.members[key]) for key, value in properties.items()}


def cognito_name(logical_id: str) -> str:
    """A name for a pool or client the template leaves unnamed (logicalid-RANDOM)."""
    suffix = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(12))
    return f"{logical_id}-{suffix}"


def user_pool(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    client = aws.client("cognito-idp")
    settings = {key: value for key, value in properties.items() if key not in CFN_ONLY}
    if "UserPoolName" in settings:  # CloudFormation's name for the API's PoolName
        settings["PoolName"] = settings.pop("UserPoolName")
    settings.setdefault("PoolName", cognito_name(logical_id))
    pool_id = client.create_user_pool(**call_arguments(client, "CreateUserPool", settings))["UserPool"]["Id"]
    mfas = properties.get("EnabledMfas") or []
    if mfas:
        try:
            mfa = {"UserPoolId": pool_id, "MfaConfiguration": properties.get("MfaConfiguration", "OPTIONAL")}
            if "SOFTWARE_TOKEN_MFA" in mfas:
                mfa["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
            if "SMS_MFA" in mfas:
                mfa["SmsMfaConfiguration"] = {"SmsConfiguration": properties.get("SmsConfiguration") or {}}
            client.set_user_pool_mfa_config(**mfa)
        except Exception:
            client.delete_user_pool(UserPoolId=pool_id)
            raise
    return pool_id


def user_pool_client(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    client = aws.client("cognito-idp")
    settings = dict(properties)
    settings.setdefault("ClientName", cognito_name(logical_id))
    arguments = call_arguments(client, "CreateUserPoolClient", settings)
    return client.create_user_pool_client(**arguments)["UserPoolClient"]["ClientId"]


def cognito_attribute(aws: AccountAws, resource: dict, attribute: str) -> str | None:
    kind, physical = resource["type"], resource["id"]
    region, account = aws.region, aws.account_id
    if kind == "AWS::Cognito::UserPool":
        provider = f"cognito-idp.{region}.amazonaws.com/{physical}"
        return {
            "Arn": f"arn:aws:cognito-idp:{region}:{account}:userpool/{physical}",
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
            "UserPoolId": physical,
        }.get(attribute)
    if kind == "AWS::Cognito::UserPoolClient":
        if attribute == "ClientId":
            return physical
        if attribute in ("ClientSecret", "Name"):
            found = describe_client(aws, physical)
            return found.get("ClientSecret" if attribute == "ClientSecret" else "ClientName")
    return None


def describe_client(aws: AccountAws, client_id: str) -> dict:
    client = aws.client("cognito-idp")
    for pool in client.list_user_pools(MaxResults=60)["UserPools"]:
        clients = client.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=60)
        if any(item["ClientId"] == client_id for item in clients["UserPoolClients"]):
            return client.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client_id)["UserPoolClient"]
    raise ValueError(f"no user pool client {client_id}")
