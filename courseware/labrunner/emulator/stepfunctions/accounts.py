"""moto's engine runs an execution in threads of its own (the program, each Parallel branch, each
Map iteration, each task under a timeout), which know nothing of accounts. Here every one of them
acts for the execution's account:

- the execution's worker thread and every state that does work (`_eval_execution` of each kind
  of task, Map and Parallel) run inside `tenancy.acting_as(account)`, so a lookup of another
  account's state is refused by the fence, as in a request;
- the engine's AWS clients (`boto_client_for`, used by the SQS, SNS, DynamoDB, EventBridge,
  Step Functions and `aws-sdk:*` integrations) call the lab backend's front door pinned to that
  account, instead of moto's default port and default account;
- the environment is bound to the account's lab clock and history limit (`.clocked`).
"""

import functools
import importlib
import pkgutil
import sys

import moto.stepfunctions.parser.asl.component as components
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from ..tenancy import acting_as, current_account
from . import clocked, lambda_tasks

ENGINE = "moto.stepfunctions.parser"


def boto_client_for(region: str, service: str, state_credentials=None):
    """The engine's client for a service integration, in the account the state acts for."""
    account = current_account()
    if account is None:
        raise RuntimeError(f"A Step Functions {service} integration ran outside any execution's account.")
    return lambda_tasks.client_for(account, service, region)


def _acting(original):
    @functools.wraps(original)
    def _eval_execution(self, env) -> None:
        with acting_as(env.aws_execution_details.account, "states"):
            return original(self, env)

    _eval_execution.lab_account = True
    return _eval_execution


def _worker_logic(original):
    @functools.wraps(original)
    def _execution_logic(self) -> None:
        with acting_as(self._evaluation_details.aws_execution_details.account, "states"):
            original(self)

    return _execution_logic


def _bound_environment(original):
    @functools.wraps(original)
    def _get_evaluation_environment(self):
        env = original(self)
        clocked.bind(env, self._evaluation_details.aws_execution_details.account)
        return env

    return _get_evaluation_environment


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _load_states() -> None:
    """Import every state and task module, so each kind is a known subclass before patching."""
    for module in pkgutil.walk_packages(components.__path__, components.__name__ + "."):
        if ".state." in module.name + "." and "test_state" not in module.name:
            importlib.import_module(module.name)


def install() -> None:
    if getattr(ExecutionWorker._execution_logic, "__wrapped__", None):
        return
    _load_states()
    for kind in [ExecutionState, *_subclasses(ExecutionState)]:
        own = kind.__dict__.get("_eval_execution")
        if own is not None and not getattr(own, "lab_account", False):
            kind._eval_execution = _acting(own)
    ExecutionWorker._execution_logic = _worker_logic(ExecutionWorker._execution_logic)
    ExecutionWorker._get_evaluation_environment = _bound_environment(ExecutionWorker._get_evaluation_environment)
    for name, module in list(sys.modules.items()):
        if name.startswith(ENGINE) and hasattr(module, "boto_client_for"):
            module.boto_client_for = boto_client_for
