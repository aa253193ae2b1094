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
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from ..limits import AccountLimits
from ..tenancy import acting_as
from . import accounts, clocked, cloudformation, executions, jsonata_eval, lambda_tasks


def install(endpoint: str, limits: AccountLimits) -> None:
    """Idempotent; `endpoint` is the lab backend whose front door Lambda tasks are invoked through."""
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True
    lambda_tasks.install(endpoint)
    accounts.install()
    clocked.install()
    executions.install(limits)
    cloudformation.install()
    jsonata_eval.install()


def uninstall(endpoint: str) -> None:
    lambda_tasks.uninstall(endpoint)


def start_execution(account_id: str, state_machine_arn: str, payload: str = "{}"):
    """Start an execution for a trigger of the emulator's own (an EventBridge target, a
    schedule), as the machine's account, which is what AWS's service-to-service call does."""
    region = state_machine_arn.split(":")[3]
    with acting_as(account_id, "states"):
        backend = stepfunctions_parser_backends[account_id][region]
        return backend.start_execution(state_machine_arn, execution_input=payload)
