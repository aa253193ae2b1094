"""Deploying a learner's files to their emulated account: one function, or a SAM stack.

A single-function lab deploys `handler.py` with the Lambda API and the settings from the config
form. A SAM lab's template is translated (`.sam`) and deployed as a CloudFormation stack named
`lab`, replaced on every deploy; the code goes to an S3 bucket in the learner's account first, as
`sam deploy` does. Resource types moto's CloudFormation does not create (APIs, Cognito, SNS
subscriptions, ...) are applied around the stack through the APIs CloudFormation would call
(`.deploy_after`; the APIs' OpenAPI bodies are imported by `.deploy_apis`).
"""

import hashlib
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field

from botocore.exceptions import ClientError, WaiterError

from . import deploy_after as around
from .client.aws import AccountAws
from .deploy_after import ApplyError
from .sam import Template, TemplateError, parse_template, translate

STACK = around.STACK
ROLE = "lab-execution-role"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
ENV_NAME_RE = re.compile(r"^[a-zA-Z]\w*$")
RESERVED_ENV = {
    "_HANDLER",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "AWS_LAMBDA_RUNTIME_API",
}
SUPPORTED = {
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::LayerVersion",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::SQS::Queue",
    "AWS::SNS::Topic",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::Logs::LogGroup",
    "AWS::Events::Rule",
    "AWS::StepFunctions::StateMachine",
    "AWS::SSM::Parameter",
} | around.OUTSIDE


class DeployError(Exception):
    def __init__(self, message: str, *, file: str = "", line: int | None = None):
        super().__init__(message)
        self.message, self.file, self.line = message, file, line

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        return {"message": self.message, "file": self.file, "line": self.line, "text": str(self)}


@dataclass
class Deployment:
    function_name: str  # the function the Invoke panel targets
    resources: dict[str, dict] = field(default_factory=dict)  # logical id -> {type, id}
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "function_name": self.function_name,
            "resources": self.resources,
            "warnings": self.warnings,
        }


def validate_config(config: dict) -> dict:
    """The single-function settings form: memory, timeout, environment, architecture."""
    clean = {}
    try:
        clean["memory_mb"] = int(config.get("memory_mb", 128))
        clean["timeout_s"] = int(config.get("timeout_s", 3))
    except (TypeError, ValueError) as error:
        raise DeployError("memory and timeout must be whole numbers", file="config") from error
    if not 128 <= clean["memory_mb"] <= 10240:
        raise DeployError("memory must be 128–10,240 MB", file="config")
    if not 1 <= clean["timeout_s"] <= 900:
        raise DeployError("timeout must be 1–900 seconds", file="config")
    clean["architecture"] = config.get("architecture", "x86_64")
    if clean["architecture"] not in ("x86_64", "arm64"):
        raise DeployError("architecture must be x86_64 or arm64", file="config")
    environment = config.get("environment") or {}
    if not isinstance(environment, dict):
        raise DeployError("environment must be NAME=value pairs", file="config")
    for key, value in environment.items():
        if not ENV_NAME_RE.match(str(key)):
            raise DeployError(f"environment variable name {key!r} is not valid", file="config")
        if key in RESERVED_ENV:
            raise DeployError(f"{key} is reserved by Lambda", file="config")
        if not isinstance(value, str):
            raise DeployError(f"environment variable {key} must be text", file="config")
    if len(json.dumps(environment)) > 4096:  # Lambda's 4 KB limit on environment variables
        raise DeployError("environment variables exceed Lambda's 4 KB limit", file="config")
    clean["environment"] = dict(environment)
    return clean


def code_zip(files: dict[str, str]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(files):
            if name != "template.yaml":
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                zipped.writestr(info, files[name])
    return archive.getvalue()


def syntax_warnings(files: dict[str, str]) -> list[str]:
    """Lambda accepts code that does not compile and fails on invoke; say so at deploy."""
    found = []
    for name, text in sorted(files.items()):
        if name.endswith(".py"):
            try:
                compile(text, name, "exec")
            except SyntaxError as error:
                found.append(
                    f"{name}:{error.lineno}: SyntaxError: {error.msg} "
                    "(invoking will fail with Runtime.UserCodeSyntaxError)"
                )
    return found


def deploy(*, aws: AccountAws, spec, files: dict[str, str], config: dict) -> Deployment:
    """Deploy `files` for the lab `spec` (deploy, handler, function, slug) into `aws`'s account."""
    if spec.deploy == "sam":
        deployment = deploy_stack(aws, spec, files)
    else:
        deployment = deploy_function(aws, spec, files, validate_config(config))
    deployment.warnings[:0] = syntax_warnings(files)
    return deployment


def execution_role(aws: AccountAws) -> str:
    iam = aws.client("iam")
    try:
        return iam.get_role(RoleName=ROLE)["Role"]["Arn"]
    except ClientError:
        return iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]


def deploy_function(aws: AccountAws, spec, files, config) -> Deployment:
    lam, name = aws.client("lambda"), spec.slug
    settings = {
        "Handler": spec.handler,
        "MemorySize": config["memory_mb"],
        "Timeout": config["timeout_s"],
        "Environment": {"Variables": config["environment"]},
        "Runtime": "python3.11",
    }
    try:
        try:
            lam.get_function(FunctionName=name)
        except ClientError:
            lam.create_function(
                FunctionName=name,
                Role=execution_role(aws),
                Code={"ZipFile": code_zip(files)},
                Architectures=[config["architecture"]],
                **settings,
            )
        else:
            lam.update_function_code(FunctionName=name, ZipFile=code_zip(files), Architectures=[config["architecture"]])
            lam.update_function_configuration(FunctionName=name, **settings)
    except ClientError as error:
        raise DeployError(f"Lambda refused the function: {error}") from error
    return Deployment(name, {"Function": {"type": "AWS::Lambda::Function", "id": name}})


def located(error: ApplyError, template: Template, text: str) -> DeployError:
    return DeployError(str(error), file="template.yaml", line=around.error_line(error, template, text))


def deploy_stack(aws: AccountAws, spec, files) -> Deployment:
    if "template.yaml" not in files:
        raise DeployError("a SAM lab needs template.yaml", file="template.yaml")
    text = files["template.yaml"]
    try:
        template = parse_template(text)
        bucket, key = upload_code(aws, files)
        point_code_at(template.body, bucket, key)
        translated = translate(template, account_id=aws.account_id, region=aws.region)
    except TemplateError as error:
        raise DeployError(error.message, file=error.file, line=error.line) from error
    for logical_id, resource in translated["Resources"].items():
        if resource.get("Type") not in SUPPORTED:
            line = around.error_line(ApplyError(logical_id, ""), template, text)
            line = line or template.line_for(logical_id)
            raise DeployError(
                f"{logical_id}: {resource.get('Type')} is not available in the lab emulator",
                file="template.yaml",
                line=line,
            )
    try:
        order = around.plan(translated)
    except ApplyError as error:
        raise located(error, template, text) from error
    context = around.Context(aws, translated)
    around.remove_applied(aws)  # what earlier deploys applied around their stack
    try:
        around.apply(context, order.before)
        replace_stack(aws, around.stack_template(translated, order, context), template)
        context.created = stack_resources(aws) | context.created
        around.apply(context, order.after)
    except ApplyError as error:
        around.remove_applied(aws, quietly=True)  # never half an API
        raise located(error, template, text) from error
    except DeployError:
        around.remove_applied(aws, quietly=True)
        raise
    main = context.created.get(spec.function)
    if main is None:
        raise DeployError(
            f"the lab expects a function with logical id {spec.function!r} in template.yaml",
            file="template.yaml",
        )
    return Deployment(main["id"], context.created)


def upload_code(aws: AccountAws, files) -> tuple[str, str]:
    bucket = f"lab-artifacts-{aws.account_id}"
    body = code_zip(files)
    key = hashlib.sha256(body).hexdigest()[:32] + ".zip"
    s3 = aws.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    return bucket, key


def point_code_at(body: dict, bucket: str, key: str) -> None:
    """Every function's code is the uploaded folder (CodeUri: . or a local path)."""
    uri = f"s3://{bucket}/{key}"
    globals_function = (body.get("Globals") or {}).get("Function")
    if isinstance(globals_function, dict) and "CodeUri" in globals_function:
        globals_function["CodeUri"] = uri
    for resource in body["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {}) or {}
            resource["Properties"] = properties
            if not str(properties.get("CodeUri", ".")).startswith("s3://"):
                properties["CodeUri"] = uri


def replace_stack(aws: AccountAws, translated: dict, template: Template) -> None:
    cfn = aws.client("cloudformation")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cfn.describe_stacks(StackName=STACK)
        except ClientError:
            pass
        else:
            cfn.delete_stack(StackName=STACK)
            wait(cfn, "stack_delete_complete")
        try:
            cfn.create_stack(
                StackName=STACK,
                TemplateBody=json.dumps(translated),
                Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"],
            )
            wait(cfn, "stack_create_complete")
        except (ClientError, WaiterError) as error:
            reason = failure_reason(cfn) or str(error)
            raise DeployError(
                f"CloudFormation could not create the stack: {reason}",
                file="template.yaml",
                line=template.line_for(reason),
            ) from error


def wait(cfn, name: str) -> None:
    cfn.get_waiter(name).wait(StackName=STACK, WaiterConfig={"Delay": 1, "MaxAttempts": 60})


def failure_reason(cfn) -> str:
    try:
        events = cfn.describe_stack_events(StackName=STACK)["StackEvents"]
    except ClientError:
        return ""
    reasons = [
        f"{event['LogicalResourceId']}: {event['ResourceStatusReason']}"
        for event in events
        if event.get("ResourceStatus", "").endswith("FAILED") and event.get("ResourceStatusReason")
    ]
    return reasons[-1] if reasons else ""


def stack_resources(aws: AccountAws) -> dict[str, dict]:
    summaries = aws.client("cloudformation").list_stack_resources(StackName=STACK)
    return {
        item["LogicalResourceId"]: {"type": item["ResourceType"], "id": item["PhysicalResourceId"]}
        for item in summaries["StackResourceSummaries"]
        if item["LogicalResourceId"]
    }
