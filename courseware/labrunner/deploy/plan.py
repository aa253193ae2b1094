"""Resources moto's CloudFormation cannot create, applied around the `lab` stack instead.

The emulator creates them through the APIs CloudFormation would call. Which ones go where is
decided by following references (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`):

- "before" the stack: Cognito user pools and clients that refer to nothing in the stack (no
  Lambda triggers); the stack sees their ids and attributes substituted in, so a function's
  environment or an IAM policy can name them.
- "after" the stack: the rest (APIs, whose integrations name the stack's functions), and every
  `AWS::Lambda::Permission` that refers to one of them. A stack resource of another type that
  needs a value from an "after" resource cannot be created, and is reported at its line.

None of them are in the stack, so each deploy first removes what earlier deploys created
(`.cleanup`). The appliers are in `.resources`; applying them, in the order planned here, is
`.stack`'s.
"""

from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from .intrinsics import SUB_NAME_RE, Context, substitute
from .resources import BEFORE_CAPABLE, MOVABLE, OUTSIDE


class ApplyError(Exception):
    """A resource could not be applied; `name` is the reference at fault, if one is."""

    def __init__(self, logical_id: str, message: str, name: str | None = None):
        super().__init__(f"{logical_id}: {message}")
        self.logical_id, self.message, self.name = logical_id, message, name


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
