"""Reading a learner's SAM template: CloudFormation YAML tags, line numbers, and translation.

Errors point at the template line a learner has to fix: YAML errors carry their own mark, and
translator or emulator errors that name a resource are placed on that resource's line.
"""

import re
from dataclasses import dataclass

import boto3
import yaml
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
SHORT_FUNCTIONS = {
    "Ref",
    "Condition",
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "Not",
    "And",
    "Or",
    "FindInMap",
    "ImportValue",
    "GetAZs",
    "Base64",
    "Cidr",
    "Transform",
}
# AWS managed policies a lab template may attach by name (SAM resolves names to ARNs).
MANAGED_POLICIES = {
    name: f"arn:aws:iam::aws:policy/{path}{name}"
    for path, name in [
        ("service-role/", "AWSLambdaBasicExecutionRole"),
        ("service-role/", "AWSLambdaSQSQueueExecutionRole"),
        ("service-role/", "AWSLambdaDynamoDBExecutionRole"),
        ("", "AmazonDynamoDBFullAccess"),
        ("", "AmazonSQSFullAccess"),
        ("", "AmazonSNSFullAccess"),
        ("", "AmazonS3FullAccess"),
        ("", "AWSLambda_FullAccess"),
    ]
}


class TemplateError(Exception):
    def __init__(self, message: str, line: int | None = None, file: str = "template.yaml"):
        super().__init__(message)
        self.message, self.line, self.file = message, line, file

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return where + self.message


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that also reads CloudFormation's short forms (`!Ref`, `!GetAtt a.b`, ...)."""


def _short_form(loader: _CfnLoader, suffix: str, node: yaml.Node):
    if suffix not in SHORT_FUNCTIONS:
        raise yaml.constructor.ConstructorError(None, None, f"unknown tag !{suffix}", node.start_mark)
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)


@dataclass
class Template:
    body: dict
    resource_lines: dict[str, int]  # logical id -> line

    def line_for(self, message: str) -> int | None:
        """The line of the first resource a message names, if any. SAM names the resources it
        generates after their source (`WorkerFromJobs` for the event `FromJobs` of `Worker`)."""
        # `[WorkerFromJobs]` in a rollback's list, or `WorkerFromJobs: reason` from a resource's failure.
        for named in re.findall(r"\[(\w+)\]|(?:^|\s)(\w+):", message):
            named = "".join(named)
            owners = [rid for rid in self.resource_lines if named.startswith(rid)]
            if owners:
                return self.resource_lines[max(owners, key=len)]
        for logical_id, line in sorted(self.resource_lines.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(logical_id)}(?![A-Za-z0-9])", message):
                return line
        return None


def parse_template(text: str) -> Template:
    try:
        node = yaml.compose(text, Loader=_CfnLoader)
        body = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise TemplateError(f"invalid YAML: {error.problem or error}", mark.line + 1 if mark else None) from error
    if not isinstance(body, dict):
        raise TemplateError("a template is a YAML mapping with a Resources section", 1)
    lines: dict[str, int] = {}
    for key, value in node.value if isinstance(node, yaml.MappingNode) else []:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            lines = {rid.value: rid.start_mark.line + 1 for rid, _ in value.value}
    resources = body.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("the template has no Resources", 1)
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateError(f"resource {logical_id} needs a Type", lines.get(logical_id))
    return Template(body, lines)


def translate(template: Template, *, account_id: str, region: str) -> dict:
    """SAM → CloudFormation, as `sam deploy` would have CloudFormation do it."""
    body = template.body
    transforms = body.get("Transform") or []
    transforms = [transforms] if isinstance(transforms, str) else transforms
    uses_sam = any(str(resource["Type"]).startswith("AWS::Serverless::") for resource in body["Resources"].values())
    if not uses_sam:
        return body
    if SAM_TRANSFORM not in transforms:
        raise TemplateError(f"AWS::Serverless resources need `Transform: {SAM_TRANSFORM}`", 1)
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=region))
    try:
        return translator.translate(
            body,
            parameter_values={"AWS::AccountId": account_id, "AWS::Region": region},
            get_managed_policy_map=lambda: MANAGED_POLICIES,
        )
    except InvalidDocumentException as error:
        causes = [cause.message for cause in error.causes] or [str(error)]
        first = causes[0]
        raise TemplateError("; ".join(causes), template.line_for(first)) from error
    except Exception as error:  # the translator raises plain errors on some malformed input
        message = f"SAM could not translate the template: {type(error).__name__}: {error}"
        raise TemplateError(message, template.line_for(str(error))) from error


def error_line(error, template: Template, text: str) -> int | None:
    """The line to fix for an `ApplyError` (`.plan`): the resource's own line (a generated
    resource's source, `ApiProdStage` -> `Api`), or the line inside it that names the faulty
    reference."""
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
