"""Resources moto's CloudFormation cannot create, applied around the `lab` stack instead.

The emulator creates them through the APIs CloudFormation would call. Which ones go where is
decided by following references (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`):

- "before" the stack: Cognito user pools and clients that refer to nothing in the stack (no
  Lambda triggers); the stack sees their ids and attributes substituted in, so a function's
  environment or an IAM policy can name them.
- "after" the stack: the rest (APIs, whose integrations name the stack's functions), and every
  `AWS::Lambda::Permission` that refers to one of them. A stack resource of another type that
  needs a value from an "after" resource cannot be created, and is reported at its line.

None of them are in the stack, so each deploy first removes what earlier deploys created (the
account is the lab's alone), and a failed deploy removes what it had created.
"""

import json
import re
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from .client.aws import AccountAws
from .deploy_api_stages import REST_APPLIERS
from .deploy_apis import STACK, remove_rest_apis
from .deploy_cognito import COGNITO_APPLIERS, remove_user_pools
from .deploy_httpapi import HTTP_APPLIERS, remove_http_apis
from .deploy_values import SUB_NAME_RE, Context, resolve, substitute
from .sam import Template

IGNORED = {"AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"}  # permissions: not enforced by moto
MOVABLE = {"AWS::Lambda::Permission"}  # in the stack unless it refers to an "after" resource
BEFORE_CAPABLE = {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"}


class ApplyError(Exception):
    """A resource could not be applied; `name` is the reference at fault, if one is."""

    def __init__(self, logical_id: str, message: str, name: str | None = None):
        super().__init__(f"{logical_id}: {message}")
        self.logical_id, self.message, self.name = logical_id, message, name


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


APPLIERS = {
    "AWS::SNS::Subscription": subscribe,
    "AWS::Lambda::EventInvokeConfig": event_invoke_config,
    "AWS::Lambda::Permission": permission,
    **{kind: (lambda aws, logical_id, properties, created: logical_id) for kind in IGNORED},
    **REST_APPLIERS,
    **HTTP_APPLIERS,
    **COGNITO_APPLIERS,
}
OUTSIDE = set(APPLIERS) - MOVABLE  # never in the stack


# References ----------------------------------------------------------------------------------


def sub_names(text: str) -> list[str]:
    """The names a Fn::Sub string refers to: `${Name}` or `${Name.Attribute}`."""
    return [name.split(".", 1)[0] for name in SUB_NAME_RE.findall(text)]


def references(value) -> set[str]:
    """Every logical id or parameter named by Ref, Fn::GetAtt or Fn::Sub in `value`."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        if set(value) == {"Ref"} and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        elif set(value) == {"Fn::GetAtt"}:
            target = value["Fn::GetAtt"]
            found.add((target.split(".", 1) if isinstance(target, str) else target)[0])
        elif set(value) == {"Fn::Sub"}:
            sub = value["Fn::Sub"]
            text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])
            found |= {name for name in sub_names(text) if name not in variables}
            found |= references(variables)
        else:
            for item in value.values():
                found |= references(item)
    return {name for name in found if not str(name).startswith("AWS::")}


def depends_on(resource: dict) -> list[str]:
    needs = resource.get("DependsOn") or []
    return [needs] if isinstance(needs, str) else list(needs)


@dataclass
class Plan:
    before: list[str] = field(default_factory=list)  # applied before the stack, in order
    after: list[str] = field(default_factory=list)  # applied after the stack, in order


def plan(template: dict) -> Plan:
    """Which resources are applied before and after the stack, each in dependency order."""
    resources = template["Resources"]
    known = set(resources) | set(template.get("Parameters") or {})
    data_refs, refs = {}, {}
    for logical_id, resource in resources.items():
        data_refs[logical_id] = references(resource.get("Properties") or {})
        refs[logical_id] = data_refs[logical_id] | set(depends_on(resource))
        missing = sorted(refs[logical_id] - known)
        if missing and resource["Type"] in OUTSIDE | MOVABLE:
            message = f"refers to {missing[0]}, which is not in the template"
            raise ApplyError(logical_id, message, missing[0])
        if resource["Type"] in OUTSIDE and resource.get("Condition"):
            raise ApplyError(logical_id, "conditions on this type are not emulated here")
    outside = {lid for lid, resource in resources.items() if resource["Type"] in OUTSIDE}
    before = {lid for lid in outside if resources[lid]["Type"] in BEFORE_CAPABLE}
    while shrink := {lid for lid in before if (refs[lid] & set(resources)) - before}:
        before -= shrink
    after = outside - before
    while True:
        moving = set()
        for logical_id in resources.keys() - outside - after:
            needed = sorted(data_refs[logical_id] & after)
            if needed and resources[logical_id]["Type"] in MOVABLE:
                moving.add(logical_id)
            elif needed:
                kind = resources[needed[0]]["Type"]
                raise ApplyError(
                    logical_id,
                    f"refers to {needed[0]} ({kind}), which the lab emulator creates after the "
                    "stack, so its value cannot be passed into the stack; look it up when the "
                    "code runs instead",
                    needed[0],
                )
        if not moving:
            break
        after |= moving
    return Plan(ordered(before, refs), ordered(after, refs))


def ordered(chosen: set[str], refs: dict[str, set[str]]) -> list[str]:
    done: list[str] = []
    waiting = sorted(chosen)
    while waiting:
        ready = [lid for lid in waiting if not (refs[lid] & chosen) - set(done)]
        if not ready:
            raise ApplyError(waiting[0], f"circular reference among {', '.join(waiting)}")
        done += ready
        waiting = [lid for lid in waiting if lid not in ready]
    return done


def stack_template(template: dict, plan_: Plan, context: Context) -> dict:
    """The template CloudFormation gets: without what is applied around it, with the values of
    what was applied before it substituted in."""
    outside = set(plan_.before) | set(plan_.after)
    body = dict(template)
    resources = {}
    for logical_id, resource in template["Resources"].items():
        if logical_id in outside:
            continue
        resource = substituted(logical_id, resource, plan_, context)
        needs = [name for name in depends_on(resource) if name not in outside]
        resource.pop("DependsOn", None)
        if needs:
            resource["DependsOn"] = needs
        resources[logical_id] = resource
    body["Resources"] = resources
    outputs = {
        name: substituted(name, output, plan_, context)
        for name, output in (template.get("Outputs") or {}).items()
        if not references(output) & set(plan_.after)
    }
    body.pop("Outputs", None)
    if outputs:
        body["Outputs"] = outputs
    return body


def substituted(logical_id: str, value, plan_: Plan, context: Context):
    try:
        return substitute(value, plan_.before, context)
    except LookupError as error:
        raise ApplyError(logical_id, f"{error.args[0]} has no value here") from error
    except (ValueError, ClientError) as error:
        raise ApplyError(logical_id, str(error), getattr(error, "name", None)) from error


# Applying -------------------------------------------------------------------------------------


def apply(context: Context, logical_ids: list[str]) -> None:
    resources = context.template["Resources"]
    for logical_id in logical_ids:
        kind = resources[logical_id]["Type"]
        try:
            properties = resolve(resources[logical_id].get("Properties") or {}, context)
            physical = APPLIERS[kind](context.aws, logical_id, properties, context.created)
        except ApplyError:
            raise
        except LookupError as error:
            name = error.args[0] if error.args else "?"
            if isinstance(error, KeyError) and name not in resources:
                raise ApplyError(logical_id, f"the property {name} is required", name) from error
            raise ApplyError(logical_id, f"{name} has no value here", name) from error
        except ClientError as error:
            details = error.response.get("Error", {})
            operation = error.operation_name
            message = f"{operation} was refused: {details.get('Message') or details.get('Code')}"
            raise ApplyError(logical_id, message) from error
        except (BotoCoreError, TypeError, ValueError) as error:
            raise ApplyError(logical_id, str(error), getattr(error, "name", None)) from error
        context.created[logical_id] = {"type": kind, "id": physical}


def remove_applied(aws: AccountAws, *, quietly: bool = False) -> None:
    """Delete the APIs, keys, usage plans and user pools earlier deploys created (or, `quietly`
    after a failure, those this deploy had created, keeping the error that stopped it)."""
    for remove in (remove_rest_apis, remove_http_apis, remove_user_pools):
        try:
            remove(aws)
        except (ClientError, BotoCoreError):
            if not quietly:
                raise


def error_line(error: ApplyError, template: Template, text: str) -> int | None:
    """The error at the template line to fix: the resource's own line (a generated resource's
    source, `ApiProdStage` -> `Api`), or the line inside it that names the faulty reference."""
    lines = template.resource_lines
    owners = [rid for rid in lines if error.logical_id.startswith(rid)]
    owner = max(owners, key=len) if owners else None
    if owner is None and error.logical_id.startswith(("ServerlessRestApi", "ServerlessHttpApi")):
        kind = "HttpApi" if error.logical_id.startswith("ServerlessHttpApi") else "Api"
        owner = implicit_api_owner(template, kind)
    line = lines.get(owner) if owner else None
    if error.name:
        starts = sorted(lines.values())
        first = line or 1
        last = next((start for start in starts if start > first), None) if line else None
        words = [re.escape(word) for word in error.name.split(".", 1)]
        pattern = re.compile(r"(?<![\w:])" + r"\W+".join(words) + r"(?!\w)")
        for number, content in enumerate(text.splitlines()[first - 1 : last and last - 1], first):
            if number != line and pattern.search(content.split("#", 1)[0]):
                line = number
                break
    return line


def implicit_api_owner(template: Template, kind: str) -> str | None:
    """The first function whose events make up SAM's implicit API of `kind`."""
    api_key = "ApiId" if kind == "HttpApi" else "RestApiId"
    for logical_id, resource in template.body["Resources"].items():
        events = ((resource.get("Properties") or {}).get("Events") or {}).values()
        if any(
            isinstance(event, dict) and event.get("Type") == kind and api_key not in (event.get("Properties") or {})
            for event in events
        ):
            return logical_id
    return None
