"""A state machine's definition file (`DefinitionUri` naming a file of the lab's folder), inlined.

`sam deploy` uploads a local `DefinitionUri` to S3 and the stack reads it from there
(`DefinitionS3Location`). The lab's files are already at hand, so the file is read here and
given to SAM as `Definition`, which SAM turns into the same `DefinitionString` (its
`DefinitionSubstitutions` applied by CloudFormation in both cases). A missing or unreadable file
is refused at the resource's line, as `sam build` refuses it.
"""

import json
import posixpath

import yaml

from .sam import Template, TemplateError


def inline_definitions(template: Template, files: dict[str, str]) -> None:
    for logical_id, resource in template.body["Resources"].items():
        properties = resource.get("Properties")
        if resource.get("Type") != "AWS::Serverless::StateMachine" or not isinstance(properties, dict):
            continue
        uri = properties.get("DefinitionUri")
        if not isinstance(uri, str) or uri.startswith("s3://"):
            continue
        path = posixpath.normpath(uri.removeprefix("./"))
        line = template.line_for(logical_id)
        if path not in files:
            raise TemplateError(f"{logical_id}: DefinitionUri {uri} is not a file of this lab", line=line)
        try:
            definition = json.loads(files[path]) if path.endswith(".json") else yaml.safe_load(files[path])
        except (ValueError, yaml.YAMLError) as error:
            raise TemplateError(f"{logical_id}: {uri} is not a valid definition: {error}", line=line) from error
        if not isinstance(definition, dict):
            raise TemplateError(f"{logical_id}: {uri} must hold a state machine definition (an object)", line=line)
        del properties["DefinitionUri"]
        properties["Definition"] = definition
