"""Step Functions executing Amazon States Language for real, with Lambda tasks in the sandbox.

moto 5.2's engine (a port of LocalStack's interpreter, `moto.stepfunctions.parser`) runs
definitions when its `stepfunctions.execute_state_machine` setting is on. `install` turns it on
in this process and makes it the labs' Step Functions: executions act for their account
(`.accounts`), Lambda tasks run in the sandbox with AWS's error names (`.lambda_tasks`), waits
and history follow the lab clock and AWS's limits (`.clocked`), Express and the missing API
actions behave as on AWS (`.executions`), and CloudFormation creates machines the engine runs
(`.cloudformation`), and JSONata states are evaluated (`.jsonata_eval`).
"""

from moto.core.config import default_user_config

from . import accounts, clocked, cloudformation, executions, jsonata_eval, lambda_tasks


def install(endpoint: str) -> None:
    """Idempotent; `endpoint` is the lab backend whose front door Lambda tasks are invoked through."""
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    lambda_tasks.install(endpoint)
    accounts.install()
    clocked.install()
    executions.install()
    cloudformation.install()
    jsonata_eval.install()


def uninstall(endpoint: str) -> None:
    lambda_tasks.uninstall(endpoint)
