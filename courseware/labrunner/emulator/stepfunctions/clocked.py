"""An execution's time is the lab clock of its account, and its history is bounded as on AWS.

moto's engine sleeps in real time (`Wait` states, Retry intervals, a task's TimeoutSeconds) and stamps events with the
host's clock. A lab that waits a day must not keep the learner a day, so here every wait is a
wait on `CLOCK` (`clock.py`): it ends when real time reaches the moment or when the grader or the
lab page advances the account's clock past it, and it ends early if the execution stops.
History events, an execution's start and stop dates carry the lab time too, so a day-long
`Wait` shows a day between `WaitStateEntered` and `WaitStateExited`, as on AWS.

A Standard execution's history holds at most 25,000 events ("Step Functions service quotas");
on AWS the execution then fails. Here the event that would pass the limit fails the execution
with `States.Runtime`, so neither a loop nor a Map over a huge array can run away.
"""

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEventException
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

from ..clock import CLOCK

HISTORY_LIMIT = 25_000  # events in one Standard execution's history (AWS's hard quota)
FINAL_EVENTS = {
    HistoryEventType.ExecutionFailed,
    HistoryEventType.ExecutionSucceeded,
    HistoryEventType.ExecutionAborted,
    HistoryEventType.ExecutionTimedOut,
}
_retrying = threading.local()  # the environment whose Retry is waiting, for `_LabTime.sleep`
_timed = threading.local()  # the environment of the state waiting for its work, for `_LabEvent`


class _Stopped:
    """`wait_until`'s stop flag: set once the execution (or its branch) is no longer running."""

    def __init__(self, env):
        self.env = env

    def is_set(self) -> bool:
        return not self.env.is_running()


def _last_event_time(env):
    """Lab time of the last event this state recorded (WaitStateEntered, TaskFailed): a wait is
    measured from it, as on AWS, so a clock advanced between that event and the wait counts."""
    try:
        event = env.event_manager._history_event_list[env.event_history_context.source_event_id - 1]
        return datetime.fromisoformat(event["timestamp"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _wait_start(env):
    now = CLOCK.now(env.aws_execution_details.account)
    recorded = _last_event_time(env)
    return recorded if recorded is not None and recorded <= now else now


def lab_sleep(env, seconds: float) -> None:
    if seconds > 0:
        moment = _wait_start(env) + timedelta(seconds=seconds)
        CLOCK.wait_until(env.aws_execution_details.account, moment, stop=_Stopped(env))


def _wait_interval(self, env, wait_seconds) -> None:
    lab_sleep(env, wait_seconds)


def _timestamp_wait_seconds(self, env) -> int:
    self.string.eval(env=env)
    text = env.stack.pop()
    moment = self._from_timestamp_string(timestamp=text)
    if moment is None:
        raise FailureEventException(self._create_failure_event(env, text))
    return int((moment.replace(tzinfo=UTC) - _wait_start(env)).total_seconds())


class _LabTime:
    """Stands in for the `time` module in moto's Retry, whose only use of it is the interval."""

    @staticmethod
    def sleep(seconds: float) -> None:
        lab_sleep(_retrying.env, seconds)


class _LabEvent(threading.Event):
    """The event a state's work sets when it ends, waited for up to its TimeoutSeconds: that
    wait is on the lab clock (from the state's last event), so advancing the clock past a
    task's timeout times it out with States.Timeout, as that much time passing would on AWS."""

    def set(self) -> None:
        super().set()
        CLOCK.wake()  # the waiter sees it now, not at its next look at the clock

    def wait(self, timeout=None) -> bool:
        env = getattr(_timed, "env", None)
        if timeout is None or env is None or timeout >= TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS:
            return super().wait(timeout)
        moment = _wait_start(env) + timedelta(seconds=timeout)
        CLOCK.wait_until(env.aws_execution_details.account, moment, stop=self)
        return self.is_set()


def _timed_evaluation(original):
    def evaluate_with_timeout(self, env) -> None:
        _timed.env = env
        try:
            original(self, env)
        finally:
            _timed.env = None

    return evaluate_with_timeout


def _retrier_eval_body(original):
    def eval_body(self, env) -> None:
        _retrying.env = env
        try:
            original(self, env)
        finally:
            _retrying.env = None

    return eval_body


def _add_event(original):
    def add_event(self, context, event_type, event_details=None, timestamp=None, update_source_event_id=True):
        account = getattr(self, "lab_account", None)
        if timestamp is None and account is not None:
            timestamp = CLOCK.now(account)
        limit = HISTORY_LIMIT  # read at each call, so a test may lower it
        if len(self._history_event_list) >= limit - 1 and event_type not in FINAL_EVENTS:
            env = getattr(self, "lab_env", None)
            if env is not None and env.is_running():
                env.set_error(
                    ExecutionFailedEventDetails(
                        error="States.Runtime",
                        cause=f"The execution reached the maximum number of history events ({limit}).",
                    )
                )
            return 0  # not recorded: the execution is failing
        return original(self, context, event_type, event_details, timestamp, update_source_event_id)

    return add_event


def _dated(original):
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.start_date = CLOCK.now(self.account_id)

    return __init__


def _stopped_at(original):
    def reflect(self) -> None:
        original(self)
        self.execution.stop_date = CLOCK.now(self.execution.account_id)

    return reflect


def bind(env, account_id: str) -> None:
    """Tie an execution's environment to its account's clock and its history limit."""
    env.event_manager.lab_account = account_id
    env.event_manager.lab_env = env


def install() -> None:
    if getattr(WaitFunction._wait_interval, "lab_clock", False):
        return
    WaitFunction._wait_interval = _wait_interval
    WaitFunction._wait_interval.lab_clock = True
    Timestamp._get_wait_seconds = _timestamp_wait_seconds
    retrier_decl.time = _LabTime
    execute_state.threading = SimpleNamespace(Event=_LabEvent)  # its only use of the module
    state = execute_state.ExecutionState
    state._evaluate_with_timeout = _timed_evaluation(state._evaluate_with_timeout)
    retrier_decl.RetrierDecl._eval_body = _retrier_eval_body(retrier_decl.RetrierDecl._eval_body)
    EventManager.add_event = _add_event(EventManager.add_event)
    Execution.__init__ = _dated(Execution.__init__)
    BaseExecutionWorkerCommunication._reflect_execution_status = _stopped_at(
        BaseExecutionWorkerCommunication._reflect_execution_status
    )
