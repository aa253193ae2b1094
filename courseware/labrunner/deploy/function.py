"""A function lab: `handler.py` deployed with the Lambda API, with the settings form's memory,
timeout, environment and architecture, validated as Lambda validates them."""

import json
import re

from botocore.exceptions import ClientError

from courseware.sandbox import Images

from ..client.aws import AccountAws
from .outcome import DeployError, Deployment
from .packages import checked_direct_upload, function_zip

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
    clean["runtime"] = str(config.get("runtime") or "python3.11")
    available = Images().available()
    if clean["runtime"] not in available:
        raise DeployError(
            f"the runtime {clean['runtime']} is not available; choose {', '.join(available)}", file="config"
        )
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
        "Runtime": config.get("runtime", "python3.11"),
    }
    code = checked_direct_upload(function_zip(files, ".", settings["Runtime"]), "requirements.txt")
    try:
        try:
            lam.get_function(FunctionName=name)
        except ClientError:
            lam.create_function(
                FunctionName=name,
                Role=execution_role(aws),
                Code={"ZipFile": code},
                Architectures=[config["architecture"]],
                **settings,
            )
        else:
            lam.update_function_code(FunctionName=name, ZipFile=code, Architectures=[config["architecture"]])
            lam.update_function_configuration(FunctionName=name, **settings)
    except ClientError as error:
        raise DeployError(f"Lambda refused the function: {error}") from error
    return Deployment(name, {"Function": {"type": "AWS::Lambda::Function", "id": name}})
