"""The wiring around functions that moto's CloudFormation leaves out: SNS subscriptions, a
function's event invoke config (asynchronous retries and destinations), and permissions.

A permission stays in the stack unless it names something applied after it (an API), in which
case it is applied after too (`plan.MOVABLE`).
"""

import json

from ...client.aws import AccountAws
from .naming import STACK


def subscribe(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    attributes = {
        name: json.dumps(properties[name]) for name in ("FilterPolicy", "RedrivePolicy") if name in properties
    }
    if "FilterPolicyScope" in properties:
        attributes["FilterPolicyScope"] = properties["FilterPolicyScope"]
    if "RawMessageDelivery" in properties:
        attributes["RawMessageDelivery"] = str(properties["RawMessageDelivery"]).lower()
    return aws.client("sns").subscribe(
        TopicArn=properties["TopicArn"],
        Protocol=properties["Protocol"],
        Endpoint=properties["Endpoint"],
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]


def event_invoke_config(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    extra = {
        key: properties[key]
        for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
        if key in properties
    }
    aws.client("lambda").put_function_event_invoke_config(
        FunctionName=properties["FunctionName"],
        Qualifier=properties.get("Qualifier", "$LATEST"),
        **extra,
    )
    return logical_id


def permission(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    statement_id = f"{STACK}-{logical_id}"[:100]
    optional = ("SourceArn", "SourceAccount", "EventSourceToken", "PrincipalOrgID", "FunctionUrlAuthType")
    aws.client("lambda").add_permission(
        FunctionName=properties["FunctionName"],
        StatementId=statement_id,
        Action=properties["Action"],
        Principal=properties["Principal"],
        **{key: properties[key] for key in optional if key in properties},
    )
    return statement_id
