"""`AWS::StepFunctions::StateMachine` as CloudFormation creates it, into the engine's backend.

moto's model of the resource writes into its plain Step Functions backend (which never runs a
machine), reads only `DefinitionString`, and drops `Definition`, `DefinitionS3Location`,
`DefinitionSubstitutions` and `StateMachineType`. SAM's `AWS::Serverless::StateMachine` becomes
this resource with `DefinitionString` (or `DefinitionS3Location`), its substitutions and its type,
so all of them are read here, and the machine is created in the backend that runs executions,
where an invalid definition fails the stack with Step Functions' InvalidDefinition.
"""

import json
import re

from moto.s3.models import s3_backends
from moto.stepfunctions.models import StateMachine, cfn_to_api_tags
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

SUBSTITUTION = re.compile(r"\$\{([^}]+)\}")


def _substituted(text: str, substitutions: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in substitutions:
            return match.group(0)
        found = substitutions[name]
        return json.dumps(found) if isinstance(found, bool) else str(found)

    return SUBSTITUTION.sub(value, text) if substitutions else text


def definition_of(properties: dict, account_id: str, region_name: str) -> str:
    if "Definition" in properties:
        text = json.dumps(properties["Definition"])
    elif "DefinitionS3Location" in properties:
        location = properties["DefinitionS3Location"]
        s3 = s3_backends[account_id]["aws"]
        key = s3.get_object(location["Bucket"], location["Key"], version_id=location.get("Version"))
        text = key.value.decode("utf-8")
    else:
        text = properties.get("DefinitionString", "")
    return _substituted(text, properties.get("DefinitionSubstitutions") or {})


def _backend(account_id: str, region_name: str):
    return stepfunctions_parser_backends[account_id][region_name]


def _create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json["Properties"]
    return _backend(account_id, region_name).create_state_machine(
        name=properties.get("StateMachineName", resource_name),
        definition=definition_of(properties, account_id, region_name),
        roleArn=properties.get("RoleArn", ""),
        tags=cfn_to_api_tags(properties.get("Tags") or []),
        sm_type=properties.get("StateMachineType", "STANDARD"),
    )


def _delete(cls, resource_name, cloudformation_json, account_id, region_name):
    _backend(account_id, region_name).delete_state_machine(resource_name)


def _update(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
    """A change of definition, role or type replaces the machine (running executions keep theirs)."""
    _delete(cls, original_resource.arn, cloudformation_json, account_id, region_name)
    return _create(cls, new_resource_name, cloudformation_json, account_id, region_name)


def install() -> None:
    StateMachine.create_from_cloudformation_json = classmethod(_create)
    StateMachine.delete_from_cloudformation_json = classmethod(_delete)
    StateMachine.update_from_cloudformation_json = classmethod(_update)
