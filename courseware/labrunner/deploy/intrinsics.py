"""The values of intrinsic functions in resources applied around the `lab` stack.

`resolve` works out `Ref` (resources, parameters' defaults, pseudo parameters), `Fn::GetAtt`
(the attributes templates use of API, Cognito and stack resources), `Fn::Sub` (both forms),
`Fn::Join`, `Fn::Select` and `Fn::Split`. `substitute` puts the values of resources applied
before the stack into the stack's own template.
"""

import re
from dataclasses import dataclass, field

from ..client.aws import AccountAws
from .resources import ATTRIBUTE_GETTERS
from .resources.naming import STACK

SUB_NAME_RE = re.compile(r"\$\{([^}!][^}]*)\}")
PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": STACK}


@dataclass
class Context:
    aws: AccountAws
    template: dict
    created: dict[str, dict] = field(default_factory=dict)  # logical id -> {type, id}

    def ref(self, name: str) -> str:
        if name == "AWS::Region":
            return self.aws.region
        if name == "AWS::AccountId":
            return self.aws.account_id
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.created:
            return self.created[name]["id"]
        parameter = (self.template.get("Parameters") or {}).get(name)
        if isinstance(parameter, dict) and "Default" in parameter:
            return parameter["Default"]
        raise LookupError(name)

    def attribute(self, name: str, attribute: str) -> str:
        if name not in self.created:
            raise LookupError(name)
        resource = self.created[name]
        for getter in (*ATTRIBUTE_GETTERS, stack_attribute):
            value = getter(self.aws, resource, attribute)
            if value is not None:
                return value
        known = ATTRIBUTES.get(resource["type"], "no attributes")
        raise Unresolvable(
            f"Fn::GetAtt {name}.{attribute}: the lab emulator knows {known} of {resource['type']}",
            f"{name}.{attribute}",
        )


class Unresolvable(ValueError):
    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


ATTRIBUTES = {
    "AWS::Cognito::UserPool": "Arn, ProviderName, ProviderURL, UserPoolId",
    "AWS::Cognito::UserPoolClient": "ClientId, ClientSecret, Name",
    "AWS::ApiGateway::RestApi": "RestApiId, RootResourceId",
    "AWS::ApiGatewayV2::Api": "ApiId, ApiEndpoint",
    "AWS::ApiGateway::ApiKey": "APIKeyId",
    "AWS::ApiGateway::UsagePlan": "Id",
    "AWS::ApiGateway::Deployment": "DeploymentId",
    "AWS::Lambda::Function": "Arn",
    "AWS::SQS::Queue": "Arn, QueueUrl, QueueName",
    "AWS::SNS::Topic": "TopicArn, TopicName",
    "AWS::IAM::Role": "Arn, RoleId",
    "AWS::DynamoDB::Table": "Arn, StreamArn",
    "AWS::S3::Bucket": "Arn",
}


def stack_attribute(aws: AccountAws, resource: dict, attribute: str) -> str | None:
    kind, physical = resource["type"], resource["id"]
    region, account = aws.region, aws.account_id
    if kind == "AWS::SQS::Queue":
        name = physical.rsplit("/", 1)[1]
        arn = f"arn:aws:sqs:{region}:{account}:{name}"
        return {"Arn": arn, "QueueUrl": physical, "QueueName": name}.get(attribute)
    if kind == "AWS::Lambda::Function" and attribute == "Arn":
        return f"arn:aws:lambda:{region}:{account}:function:{physical}"
    if kind == "AWS::SNS::Topic":
        return {"TopicArn": physical, "TopicName": physical.rsplit(":", 1)[1]}.get(attribute)
    if kind == "AWS::IAM::Role" and attribute in ("Arn", "RoleId"):
        role = aws.client("iam").get_role(RoleName=physical)["Role"]
        return role[attribute]
    if kind == "AWS::DynamoDB::Table" and attribute in ("Arn", "StreamArn"):
        table = aws.client("dynamodb").describe_table(TableName=physical)["Table"]
        return table["TableArn"] if attribute == "Arn" else table.get("LatestStreamArn")
    if kind == "AWS::S3::Bucket" and attribute == "Arn":
        return f"arn:aws:s3:::{physical}"
    if attribute == "Arn" and physical.startswith("arn:"):
        return physical
    return None


def resolve(value, context: Context):
    """The value with its intrinsic functions worked out (AWS::NoValue drops the key)."""
    if isinstance(value, list):
        return [item for item in (resolve(item, context) for item in value) if item is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((function, argument),) = value.items()
        if function in INTRINSICS:
            return INTRINSICS[function](resolve_argument(function, argument, context), context)
        if function.startswith("Fn::"):
            raise ValueError(f"{function} is not emulated here for this resource")
    resolved = {key: resolve(item, context) for key, item in value.items()}
    return {key: item for key, item in resolved.items() if item is not NO_VALUE}


NO_VALUE = object()


def resolve_argument(function: str, argument, context: Context):
    if function in ("Ref", "Fn::GetAtt"):
        return argument
    if function == "Fn::Sub" and isinstance(argument, list) and len(argument) == 2:
        return [argument[0], resolve(argument[1], context)]
    return resolve(argument, context)


def intrinsic_ref(name, context: Context):
    if name == "AWS::NoValue":
        return NO_VALUE
    return context.ref(name)


def intrinsic_get_att(target, context: Context):
    name, attribute = target.split(".", 1) if isinstance(target, str) else target
    return context.attribute(name, attribute)


def intrinsic_sub(argument, context: Context):
    text, variables = (argument, {}) if isinstance(argument, str) else argument

    def value(match: re.Match) -> str:
        expression = match.group(1)
        if expression in variables:
            return str(variables[expression])
        if "." in expression and not expression.startswith("AWS::"):
            return str(context.attribute(*expression.split(".", 1)))
        return str(context.ref(expression))

    return SUB_NAME_RE.sub(value, text).replace("${!", "${")


def intrinsic_join(argument, context: Context):
    delimiter, items = argument
    return delimiter.join(str(item) for item in items)


def intrinsic_select(argument, context: Context):
    index, items = argument
    return items[int(index)]


def intrinsic_split(argument, context: Context):
    delimiter, text = argument
    return text.split(delimiter)


INTRINSICS = {
    "Ref": intrinsic_ref,
    "Fn::GetAtt": intrinsic_get_att,
    "Fn::Sub": intrinsic_sub,
    "Fn::Join": intrinsic_join,
    "Fn::Select": intrinsic_select,
    "Fn::Split": intrinsic_split,
}


def substitute(value, names: list[str], context: Context):
    """`value` with references to `names` (already applied) replaced by their values."""
    if isinstance(value, list):
        return [substitute(item, names, context) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"} and value["Ref"] in names:
        return context.ref(value["Ref"])
    if set(value) == {"Fn::GetAtt"}:
        target = value["Fn::GetAtt"]
        name, attribute = target.split(".", 1) if isinstance(target, str) else target
        if name in names:
            return context.attribute(name, attribute)
    if set(value) == {"Fn::Sub"}:
        sub = value["Fn::Sub"]
        text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])

        def known(match: re.Match) -> str:
            expression = match.group(1)
            name, _, attribute = expression.partition(".")
            if expression in variables or name not in names:
                return match.group(0)
            return str(context.attribute(name, attribute) if attribute else context.ref(name))

        text = SUB_NAME_RE.sub(known, text)
        variables = substitute(variables, names, context)
        return {"Fn::Sub": text if isinstance(sub, str) else [text, variables]}
    return {key: substitute(item, names, context) for key, item in value.items()}
