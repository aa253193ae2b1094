"""Shared by the Step Functions tests: functions in the sandbox, machines, bounded waits."""

import io
import json
import time
import zipfile

from courseware.labrunner.deploy.function import execution_role

ROLE = "arn:aws:iam::{account}:role/states"


def zipped(code: str) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zip_file:
        zip_file.writestr("app.py", code)
    return archive.getvalue()


def function(aws, name: str, code: str, timeout: int = 30) -> str:
    made = aws.client("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=execution_role(aws),
        Code={"ZipFile": zipped(code)}, Timeout=timeout,
    )  # fmt: skip
    return made["FunctionArn"]


def machine(aws, name: str, definition: dict, kind: str = "STANDARD") -> str:
    return aws.client("stepfunctions").create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE.format(account=aws.account_id), type=kind
    )["stateMachineArn"]


def finished(aws, execution_arn: str, *, attempts: int = 600) -> dict:
    """The execution once it is no longer RUNNING (polled, at most `attempts` times)."""
    sfn = aws.client("stepfunctions")
    for _ in range(attempts):
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.1)
    raise AssertionError(f"{execution_arn} still RUNNING after {attempts} polls")


def run(aws, machine_arn: str, payload=None) -> dict:
    started = aws.client("stepfunctions").start_execution(stateMachineArn=machine_arn, input=json.dumps(payload or {}))
    return finished(aws, started["executionArn"])


def history(aws, execution_arn: str) -> list[dict]:
    return aws.client("stepfunctions").get_execution_history(executionArn=execution_arn)["events"]


def types(events: list[dict]) -> list[str]:
    return [event["type"] for event in events]
