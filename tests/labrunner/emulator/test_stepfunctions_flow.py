"""Amazon States Language run for real: flow, waits on the lab clock, callbacks, Express, limits."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.emulator import quotas
from courseware.labrunner.emulator.clock import CLOCK
from courseware.labrunner.emulator.limits import AccountLimits
from courseware.labrunner.emulator.stepfunctions import clocked, executions

from .sfn_helpers import finished, function, history, machine, run, types

DOUBLE = "def handler(event, context):\n    return event['n'] * 2\n"
CALLER = """
import boto3

def handler(event, context):
    answer = boto3.client("stepfunctions").start_sync_execution(stateMachineArn=event["arn"], input='{"n": 21}')
    return {"status": answer["status"], "output": answer["output"]}
"""


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


def test_choice_parallel_and_map_with_lambda_tasks(aws):
    arn = function(aws, "double", DOUBLE)
    flow = machine(aws, "flow", {
        "StartAt": "Which",
        "States": {
            "Which": {"Type": "Choice", "Choices": [
                {"Variable": "$.items[0]", "NumericGreaterThan": 100, "Next": "Big"}], "Default": "Fan"},
            "Big": {"Type": "Fail", "Error": "TooBig", "Cause": "first item over 100"},
            "Fan": {"Type": "Parallel", "ResultPath": "$.both", "Next": "Each", "Branches": [
                {"StartAt": "Count", "States": {"Count": {
                    "Type": "Pass", "Parameters": {"count.$": "States.ArrayLength($.items)"}, "End": True}}},
                {"StartAt": "First", "States": {"First": {
                    "Type": "Task", "Resource": arn, "Parameters": {"n.$": "$.items[0]"}, "End": True}}},
            ]},
            "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.doubled",
                     "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Double", "States": {
                         "Double": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                    "Parameters": {"FunctionName": arn, "Payload": {"n.$": "$"}},
                                    "OutputPath": "$.Payload", "End": True}}},
                     "Next": "Done"},
            "Done": {"Type": "Succeed"},
        },
    })  # fmt: skip
    done = run(aws, flow, {"items": [1, 2, 3]})
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["both"] == [{"count": 3}, 2] and output["doubled"] == [2, 4, 6]
    events = types(history(aws, done["executionArn"]))
    assert events.count("MapIterationSucceeded") == 3 and "ParallelStateSucceeded" in events
    failed = run(aws, flow, {"items": [500]})
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "TooBig", "first item over 100")


def test_a_wait_of_a_day_ends_when_the_lab_clock_is_advanced_a_day(aws):
    flow = machine(
        aws,
        "sleepy",
        {
            "StartAt": "Nap",
            "States": {"Nap": {"Type": "Wait", "Seconds": 86400, "Next": "Up"}, "Up": {"Type": "Pass", "End": True}},
        },
    )
    sfn = aws.client("stepfunctions")
    started = sfn.start_execution(stateMachineArn=flow, input='{"day": 1}')["executionArn"]
    for _ in range(100):  # until it is waiting
        if "WaitStateEntered" in types(history(aws, started)):
            break
        time.sleep(0.05)
    assert sfn.describe_execution(executionArn=started)["status"] == "RUNNING"
    CLOCK.advance(aws.account_id, 86400)
    done = finished(aws, started)
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"day": 1}
    events = {event["type"]: event["timestamp"] for event in history(aws, started)}
    assert (events["WaitStateExited"] - events["WaitStateEntered"]).total_seconds() >= 86400


def test_wait_for_task_token_is_completed_by_send_task_success(aws):
    arn = function(aws, "hand-off", "def handler(event, context):\n    return 'queued'\n")
    flow = machine(
        aws,
        "callback",
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": arn, "Payload": {"token.$": "$$.Task.Token"}},
                    "End": True,
                }
            },
        },
    )
    sfn = aws.client("stepfunctions")
    started = sfn.start_execution(stateMachineArn=flow)["executionArn"]
    token = None
    for _ in range(300):
        scheduled = [e for e in history(aws, started) if e["type"] == "TaskScheduled"]
        if scheduled and "TaskSubmitted" in types(history(aws, started)):
            token = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["Payload"]["token"]
            break
        time.sleep(0.05)
    assert token, "the task never started"
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"approved": true}')
    done = finished(aws, started)
    assert done["status"] == "SUCCEEDED" and json.loads(done["output"]) == {"approved": True}
    with pytest.raises(ClientError) as stale:
        sfn.send_task_success(taskToken=token, output="{}")
    assert stale.value.response["Error"]["Code"] in {"InvalidToken", "TaskTimedOut", "TaskDoesNotExist"}


def test_express_runs_synchronously_and_keeps_no_history(aws):
    arn = function(aws, "double", DOUBLE)
    flow = machine(
        aws, "fast", {"StartAt": "D", "States": {"D": {"Type": "Task", "Resource": arn, "End": True}}}, "EXPRESS"
    )
    sfn = aws.client("stepfunctions")
    answer = sfn.start_sync_execution(stateMachineArn=flow, input='{"n": 21}')
    assert answer["status"] == "SUCCEEDED" and answer["output"] == "42"
    assert ":express:fast:" in answer["executionArn"]
    for call in (sfn.describe_execution, sfn.get_execution_history):
        with pytest.raises(ClientError) as refused:
            call(executionArn=answer["executionArn"])
        assert refused.value.response["Error"]["Code"] == "InvalidArn"
    caller = function(aws, "caller", CALLER)  # learner code calls it too, from the sandbox
    called = aws.client("lambda").invoke(FunctionName=caller, Payload=json.dumps({"arn": flow}))
    assert json.loads(called["Payload"].read()) == {"status": "SUCCEEDED", "output": "42"}
    standard = machine(aws, "slow", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    with pytest.raises(ClientError) as refused:
        sfn.start_sync_execution(stateMachineArn=standard)
    assert refused.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_a_loop_fails_at_the_history_limit_with_states_runtime(aws, monkeypatch):
    # AWS's limit is 25,000 events (clocked.HISTORY_LIMIT); a loop of Pass states takes about a
    # minute of CPU to reach it here, so the test lowers it: the mechanism is the same.
    monkeypatch.setattr(clocked, "HISTORY_LIMIT", 1000)
    flow = machine(aws, "forever", {"StartAt": "Again", "States": {"Again": {"Type": "Pass", "Next": "Again"}}})
    done = finished(aws, aws.client("stepfunctions").start_execution(stateMachineArn=flow)["executionArn"])
    assert done["status"] == "FAILED" and done["error"] == "States.Runtime"
    assert done["cause"] == "The execution reached the maximum number of history events (1000)."
    sfn = aws.client("stepfunctions")
    events = [e for page in sfn.get_paginator("get_execution_history").paginate(executionArn=done["executionArn"])
              for e in page["events"]]  # fmt: skip
    assert len(events) == 1000 and events[-1]["type"] == "ExecutionFailed"
    first = sfn.get_execution_history(executionArn=done["executionArn"])  # AWS pages 100 events by default
    assert len(first["events"]) == 100 and first["nextToken"]
    newest = sfn.get_execution_history(executionArn=done["executionArn"], reverseOrder=True, maxResults=1)
    assert newest["events"][0]["type"] == "ExecutionFailed"
    bare = sfn.get_execution_history(executionArn=done["executionArn"], maxResults=1, includeExecutionData=False)
    assert "input" not in bare["events"][0]["executionStartedEventDetails"]
    assert events[-1]["executionFailedEventDetails"]["error"] == "States.Runtime"


def test_distributed_map_is_refused_at_create_saying_why(aws):
    with pytest.raises(ClientError) as refused:
        machine(
            aws,
            "big",
            {
                "StartAt": "M",
                "States": {
                    "M": {
                        "Type": "Map",
                        "End": True,
                        "ItemProcessor": {
                            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                            "StartAt": "P",
                            "States": {"P": {"Type": "Pass", "End": True}},
                        },
                    }
                },
            },
        )
    assert refused.value.response["Error"]["Code"] == "InvalidDefinition"
    assert "Distributed Map is not emulated" in refused.value.response["Error"]["Message"]


def test_stop_execution_aborts_a_waiting_execution(aws):
    flow = machine(
        aws, "stoppable", {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 86400, "End": True}}}
    )
    sfn = aws.client("stepfunctions")
    started = sfn.start_execution(stateMachineArn=flow)["executionArn"]
    sfn.stop_execution(executionArn=started, error="Cancelled", cause="the learner changed their mind")
    done = finished(aws, started)
    assert done["status"] == "ABORTED" and "stopDate" in done
    aborted = history(aws, started)[-1]
    assert aborted["type"] == "ExecutionAborted"
    assert aborted["executionAbortedEventDetails"] == {"error": "Cancelled", "cause": "the learner changed their mind"}


def test_a_retry_interval_of_an_hour_passes_on_the_lab_clock(aws):
    arn = function(aws, "down", "def handler(event, context):\n    raise ConnectionError('down')\n")
    flow = machine(aws, "patient", {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": arn, "End": True,
        "Retry": [{"ErrorEquals": ["ConnectionError"], "IntervalSeconds": 3600, "MaxAttempts": 1}]}}})  # fmt: skip
    started = aws.client("stepfunctions").start_execution(stateMachineArn=flow)["executionArn"]
    for _ in range(300):  # until the first attempt has failed
        if "LambdaFunctionFailed" in types(history(aws, started)):
            break
        time.sleep(0.05)
    assert aws.client("stepfunctions").describe_execution(executionArn=started)["status"] == "RUNNING"
    CLOCK.advance(aws.account_id, 3600)  # counted from the failure, even if the retrier starts waiting after it
    done = finished(aws, started)
    assert (done["status"], done["error"]) == ("FAILED", "ConnectionError")
    assert types(history(aws, started)).count("LambdaFunctionFailed") == 2


def test_machines_in_the_engines_backend_count_against_the_account_quota(aws):
    for name in ("one", "two"):
        machine(aws, name, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    assert quotas.COUNTERS["state machines"](aws.account_id) == 2


def test_a_callback_never_answered_times_out_when_its_day_has_passed_on_the_lab_clock(aws):
    arn = function(aws, "ask", "def handler(event, context):\n    return 'asked'\n")
    flow = machine(aws, "approval", {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "TimeoutSeconds": 86400,
        "Parameters": {"FunctionName": arn, "Payload": {"token.$": "$$.Task.Token"}}, "End": True}}})  # fmt: skip
    started = aws.client("stepfunctions").start_execution(stateMachineArn=flow)["executionArn"]
    for _ in range(300):
        if "TaskSubmitted" in types(history(aws, started)):
            break
        time.sleep(0.05)
    assert aws.client("stepfunctions").describe_execution(executionArn=started)["status"] == "RUNNING"
    CLOCK.advance(aws.account_id, 86400)
    done = finished(aws, started)
    assert (done["status"], done["error"]) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in types(history(aws, started))


def test_an_account_runs_a_bounded_number_of_executions_at_once(aws, monkeypatch):
    monkeypatch.setattr(executions, "_limits", [AccountLimits(running_executions=2)])
    flow = machine(
        aws, "napper", {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 86400, "End": True}}}
    )
    sfn = aws.client("stepfunctions")
    running = [sfn.start_execution(stateMachineArn=flow)["executionArn"] for _ in range(2)]
    with pytest.raises(ClientError) as refused:
        sfn.start_execution(stateMachineArn=flow)
    assert refused.value.response["Error"]["Code"] == "ExecutionLimitExceeded"
    assert "may run 2 executions at once" in refused.value.response["Error"]["Message"]
    sfn.stop_execution(executionArn=running[0])
    finished(aws, running[0])
    running.append(sfn.start_execution(stateMachineArn=flow)["executionArn"])  # room again
    for arn in running[1:]:
        sfn.stop_execution(executionArn=arn)


def test_service_integrations_act_in_the_machines_account(aws):
    queue = aws.client("sqs").create_queue(QueueName="orders")["QueueUrl"]
    flow = machine(aws, "sdk", {"StartAt": "Send", "States": {
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": queue, "MessageBody.$": "$.order"}, "Next": "Put"},
        "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sqs:getQueueAttributes",
                "Parameters": {"QueueUrl": queue, "AttributeNames": ["ApproximateNumberOfMessages"]}, "End": True}}})  # fmt: skip
    done = run(aws, flow, {"order": "42"})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"])["Attributes"]["ApproximateNumberOfMessages"] == "1"
    message = aws.client("sqs").receive_message(QueueUrl=queue)["Messages"][0]
    assert message["Body"] == "42"


def test_a_wide_map_of_lambda_tasks_finishes_with_aws_recommended_retry(aws):
    arn = function(aws, "double", DOUBLE)
    flow = machine(aws, "wide", {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemSelector": {"n.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "Double", "States": {"Double": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload", "End": True,
            "Parameters": {"FunctionName": arn, "Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException", "Lambda.ServiceException"],
                       "IntervalSeconds": 1, "MaxAttempts": 20, "BackoffRate": 1}]}}}}}})  # fmt: skip
    done = run(aws, flow, list(range(24)))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [n * 2 for n in range(24)]
