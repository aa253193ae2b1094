"""A SAM lab: its template translated (`.sam`) and deployed as the CloudFormation stack `lab`,
replaced on every deploy, with the code uploaded to S3 first, as `sam deploy` does.

Resource types moto's CloudFormation does not create (APIs, Cognito, SNS subscriptions, ...) are
applied around the stack through the APIs CloudFormation would call: `.plan` decides what goes
before and after it, `.resources` holds the appliers, `.cleanup` removes what earlier deploys
applied. Every error is a DeployError at the template line to fix.
"""

import json
import warnings

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from ..client.aws import AccountAws
from . import packages
from .cleanup import remove_applied
from .code import upload_code
from .intrinsics import Context, resolve
from .outcome import DeployError, Deployment
from .plan import ApplyError, plan, stack_template
from .resources import APPLIERS, OUTSIDE
from .resources.naming import STACK
from .sam import Template, TemplateError, error_line, parse_template, translate
from .state_machines import inline_definitions

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
    "AWS::Kinesis::Stream",
    "AWS::S3::Bucket",
    "AWS::Logs::LogGroup",
    "AWS::Events::Rule",
    "AWS::Events::EventBus",
    "AWS::Events::Archive",
    "AWS::StepFunctions::StateMachine",
    "AWS::SSM::Parameter",
} | OUTSIDE


def deploy_stack(aws: AccountAws, spec, files) -> Deployment:
    if "template.yaml" not in files:
        raise DeployError("a SAM lab needs template.yaml", file="template.yaml")
    text = files["template.yaml"]
    try:
        template = parse_template(text)
        package_code(aws, template.body, files)
        inline_definitions(template, files)
        translated = translate(template, account_id=aws.account_id, region=aws.region)
    except TemplateError as error:
        raise DeployError(error.message, file=error.file, line=error.line) from error
    for logical_id, resource in translated["Resources"].items():
        if resource.get("Type") not in SUPPORTED:
            line = error_line(ApplyError(logical_id, ""), template, text)
            line = line or template.line_for(logical_id)
            raise DeployError(
                f"{logical_id}: {resource.get('Type')} is not available in the lab emulator",
                file="template.yaml",
                line=line,
            )
    try:
        order = plan(translated)
    except ApplyError as error:
        raise located(error, template, text) from error
    context = Context(aws, translated)
    remove_applied(aws)  # what earlier deploys applied around their stack
    try:
        apply(context, order.before)
        replace_stack(aws, stack_template(translated, order, context), template)
        context.created = stack_resources(aws) | context.created
        apply(context, order.after)
    except ApplyError as error:
        remove_applied(aws, quietly=True)  # never half an API
        raise located(error, template, text) from error
    except DeployError:
        remove_applied(aws, quietly=True)
        raise
    main = context.created.get(spec.function)
    if main is None:
        raise DeployError(
            f"the lab expects a function with logical id {spec.function!r} in template.yaml",
            file="template.yaml",
        )
    return Deployment(main["id"], context.created)


def located(error: ApplyError, template: Template, text: str) -> DeployError:
    return DeployError(str(error), file="template.yaml", line=error_line(error, template, text))


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


def package_code(aws: AccountAws, body: dict, files: dict[str, str]) -> None:
    """Each function's folder (CodeUri, or the Globals', or the template's folder) and each layer's
    (ContentUri) zipped with its packages and uploaded, as `sam build` and `sam deploy` do."""
    defaults = (body.get("Globals") or {}).get("Function") or {}
    defaults = defaults if isinstance(defaults, dict) else {}
    for resource in body["Resources"].values():
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            properties = resource["Properties"] = {}
        if resource.get("Type") == "AWS::Serverless::Function" and "InlineCode" not in properties:
            folder = str(properties.get("CodeUri", defaults.get("CodeUri", ".")))
            if not folder.startswith("s3://"):
                runtime = str(properties.get("Runtime", defaults.get("Runtime", "python3.11")))
                bucket, key = upload_code(aws, packages.function_zip(files, folder, runtime))
                properties["CodeUri"] = f"s3://{bucket}/{key}"
        elif resource.get("Type") == "AWS::Serverless::LayerVersion":
            folder = properties.get("ContentUri", ".")
            if isinstance(folder, str) and not folder.startswith("s3://"):
                method = str(((resource.get("Metadata") or {}).get("BuildMethod")) or "")
                zipped = packages.layer_zip(files, folder, method if method.startswith("python") else None)
                bucket, key = upload_code(aws, zipped)
                properties["ContentUri"] = f"s3://{bucket}/{key}"


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
