"""Starting executions, Standard and Express, on moto's Amazon States Language engine.

moto 5.2 runs state machines for real (a port of LocalStack's interpreter) only behind its
`stepfunctions.execute_state_machine` setting, and then in a backend of its own
(`stepfunctions_parser_backends`). What it lacks, added here as AWS behaves:

- an execution with no name gets a UUID (moto names it "None", and a second one then collides);
- a machine's `type` reaches the engine (moto runs every machine as STANDARD);
- Express: `StartSyncExecution` (moto has no such action), `express:` execution ARNs, and no
  `DescribeExecution` or `GetExecutionHistory` (AWS answers InvalidArn for an express ARN);
- `SendTaskFailure` keeps its `cause`, `StopExecution` its error and cause, and a heartbeat for
  a task without HeartbeatSeconds is accepted; GetExecutionHistory is paged (`.history`);
- an account runs at most `AccountLimits.running_executions` executions at once (each holds
  threads in this one process): over it, StartExecution answers ExecutionLimitExceeded, AWS's
  error for its own (far higher) quota of open executions;
- Distributed Map is refused at create with a message saying so; an inline Map runs at most
  40 iterations at once, as AWS's inline mode does (moto starts a thread per item).
"""

import copy
import json
import uuid

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidExecutionInput
from moto.stepfunctions.models import StateMachineInstance
from moto.stepfunctions.parser import api
from moto.stepfunctions.parser.api import (
    ExecutionLimitExceeded,
    ExecutionStatus,
    InvalidArn,
    InvalidDefinition,
    StateMachineType,
    StateMachineTypeNotSupported,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import inline_iteration_component
from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from ..clock import CLOCK
from ..limits import AccountLimits
from . import definitions, history

INLINE_MAP_CONCURRENCY = 40  # AWS: an inline Map runs up to 40 iterations concurrently
_limits = [AccountLimits()]  # the latest started backend's


def _execution_arn(state_machine, name: str) -> str:
    if state_machine.type == StateMachineType.EXPRESS:
        return state_machine.arn.replace(":stateMachine:", ":express:") + f":{name}:{uuid.uuid4()}"
    return state_machine.arn.replace(":stateMachine:", ":execution:") + f":{name}"


def _new_execution(backend, state_machine, name, execution_input, kind=Execution):
    try:
        json.loads(execution_input)
    except ValueError as error:
        raise InvalidExecutionInput(f"Invalid State Machine Execution Input: '{error}'") from error
    # A snapshot of the machine: later updates do not touch a running execution (moto #10077).
    clone = copy.deepcopy(
        state_machine, {id(state_machine.executions): [], id(state_machine.backend): state_machine.backend}
    )
    execution = kind(
        name=name,
        sm_type=clone.type,
        role_arn=clone.roleArn,
        exec_arn=_execution_arn(state_machine, name),
        account_id=backend.account_id,
        region_name=backend.region_name,
        state_machine=clone,
        start_date=None,  # the lab clock's (see .clocked)
        cloud_watch_logging_session=None,
        input_data=execution_input,
        activity_store={},
    )
    state_machine.executions.append(execution)
    return execution


def _within_limit(backend) -> None:
    limit = _limits[-1].running_executions
    running = sum(
        1 for machine in backend.state_machines for execution in machine.executions if execution.status == "RUNNING"
    )
    if running >= limit:
        raise ExecutionLimitExceeded(
            f"The maximum number of running executions has been reached: this lab account may run {limit} "
            "executions at once. Stop some (StopExecution) or let them finish."
        )


def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):
    if name:
        self._validate_name(name)
    _within_limit(self)
    execution_input = execution_input or "{}"
    state_machine = self.describe_state_machine(state_machine_arn)
    existing = state_machine._handle_name_input_idempotency(name, execution_input) if name else None
    if existing is not None:
        return existing
    execution = _new_execution(self, state_machine, name or str(uuid.uuid4()), execution_input)
    execution.start()
    return execution


def start_sync_execution(self, state_machine_arn, name=None, execution_input=None):
    if name:
        self._validate_name(name)
    _within_limit(self)
    state_machine = self.describe_state_machine(state_machine_arn)
    if state_machine.type != StateMachineType.EXPRESS:
        raise StateMachineTypeNotSupported("This operation is not supported by this type of state machine")
    execution = _new_execution(self, state_machine, name or str(uuid.uuid4()), execution_input or "{}", SyncExecution)
    execution.start()  # runs to the end in this thread, as StartSyncExecution answers at the end
    state_machine.executions.remove(execution)  # AWS keeps no record of an Express execution
    return execution


def _standard_only(original):
    def method(self, execution_arn, *args, **kwargs):
        if ":express:" in str(execution_arn):
            raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: express'")
        return original(self, execution_arn, *args, **kwargs)

    return method


def _heartbeat(original):
    """A heartbeat for a waiting task with no HeartbeatSeconds is accepted, as on AWS (moto: InvalidToken)."""

    def send_task_heartbeat(self, task_token):
        for execution in self._get_executions(ExecutionStatus.RUNNING):
            endpoint = execution.exec_worker.env.callback_pool_manager.get(task_token)
            if endpoint is not None and endpoint.get_outcome() is None and not endpoint._heartbeat_endpoint:
                return None
        return original(self, task_token)

    return send_task_heartbeat


def send_task_failure_response(self) -> ActionResult:
    task_token = self._get_param("taskToken")
    self.stepfunction_backend.send_task_failure(
        task_token, error=self._get_param("error"), cause=self._get_param("cause")
    )
    return ActionResult({})


def stop_execution_response(self) -> ActionResult:
    """StopExecution with its error and cause (moto passes empty ones), stopped at lab time."""
    execution = self.stepfunction_backend.describe_execution(self._get_param("executionArn"))
    error, cause = self._get_param("error"), self._get_param("cause")
    execution.stop(stop_date=CLOCK.now(execution.account_id), error=error, cause=cause)
    return ActionResult({"stopDate": CLOCK.now(execution.account_id)})


def start_sync_execution_response(self) -> ActionResult:
    execution = self.stepfunction_backend.start_sync_execution(
        self._get_param("stateMachineArn"), self._get_param("name"), self._get_param("input")
    )
    return ActionResult(dict(execution.to_start_sync_execution_output()))


def _validate_definition(original):
    def validate(definition: str):
        original(definition=definition)
        try:
            parsed = json.loads(definition)
        except ValueError:
            return  # moto's parser accepted it; nothing more to follow
        if not isinstance(parsed, dict):
            return
        problems = definitions.missing_targets(parsed)
        if problems:
            raise InvalidDefinition(f"Invalid State Machine Definition: '{', '.join(problems)}'")
        names = definitions.distributed_maps(parsed)
        if names:
            raise InvalidDefinition(
                f"Distributed Map is not emulated in the labs (state {', '.join(sorted(names))}): "
                "use an inline Map (ItemProcessor.ProcessorConfig.Mode INLINE) over the state's input."
            )

    return staticmethod(validate)


def _typed(original):
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.sm_type = self.type  # moto sets "STANDARD" whatever the type

    return __init__


def _bounded_map(original):
    def eval_body(self, env) -> None:
        eval_input = env.stack[-1]
        if eval_input.input_items and not 0 < eval_input.max_concurrency <= INLINE_MAP_CONCURRENCY:
            eval_input.max_concurrency = min(INLINE_MAP_CONCURRENCY, len(eval_input.input_items))
        original(self, env)

    return eval_body


def _named_errors() -> None:
    """The engine's errors (LocalStack's, on moto's AWSError) name their code in `code`, which
    moto's AWSError does not read: without this they reach the caller with no error code."""
    for error in vars(api).values():
        if isinstance(error, type) and issubclass(error, AWSError) and isinstance(error.__dict__.get("code"), str):
            error.TYPE = error.__dict__["code"]
            error.STATUS = getattr(error, "status_code", 400)
            if error.__init__ is AWSError.__init__:
                error.__init__ = _message_optional(AWSError.__init__)


def _message_optional(original):
    def __init__(self, message: str = "", *args, **kwargs):
        original(self, message, *args, **kwargs)

    return __init__


def install(limits: AccountLimits) -> None:
    _limits.append(limits)
    backend = StepFunctionsParserBackend
    if getattr(backend, "lab_installed", False):
        return
    backend.lab_installed = True
    _named_errors()
    backend.start_execution = start_execution
    backend.start_sync_execution = start_sync_execution
    backend.send_task_heartbeat = _heartbeat(backend.send_task_heartbeat)
    backend.describe_execution = _standard_only(backend.describe_execution)
    backend.get_execution_history = _standard_only(backend.get_execution_history)
    backend._validate_definition = _validate_definition(backend._validate_definition)
    StateMachineInstance.__init__ = _typed(StateMachineInstance.__init__)
    StepFunctionResponse.send_task_failure = send_task_failure_response
    StepFunctionResponse.start_sync_execution = start_sync_execution_response
    StepFunctionResponse.stop_execution = stop_execution_response
    StepFunctionResponse.get_execution_history = history.get_execution_history_response
    component = inline_iteration_component.InlineIterationComponent
    component._eval_body = _bounded_map(component._eval_body)
