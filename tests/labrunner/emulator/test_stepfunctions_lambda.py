"""Lambda tasks of a state machine run learner code in the sandbox, in the machine's account."""

import json

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.aws import AccountAws, new_account_id

from .sfn_helpers import function, history, machine, run, types

ECHO = """
def handler(event, context):
    return {"got": event, "arn": context.invoked_function_arn}
"""


@pytest.fixture
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


def test_both_resource_forms_run_the_function_with_the_input_aws_sends(aws):
    arn = function(aws, "echo", ECHO)
    flow = machine(aws, "both", {
        "StartAt": "Optimised",
        "States": {
            "Optimised": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": arn, "Payload": {"n.$": "$.n", "from": "invoke"}},
                "ResultSelector": {"body.$": "$.Payload"}, "ResultPath": "$.first", "Next": "Plain",
            },
            "Plain": {"Type": "Task", "Resource": arn, "InputPath": "$.first.body.got", "End": True},
        },
    })  # fmt: skip
    done = run(aws, flow, {"n": 7})
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output == {"got": {"n": 7, "from": "invoke"}, "arn": arn}
    events = history(aws, done["executionArn"])
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["previousEventId"] < e["id"] for e in events)
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"], scheduled["region"]) == ("lambda", "invoke", "us-east-1")
    answered = json.loads(
        next(e for e in events if e["type"] == "TaskSucceeded")["taskSucceededEventDetails"]["output"]
    )
    assert answered["StatusCode"] == 200 and answered["ExecutedVersion"] == "$LATEST"
    assert answered["SdkHttpMetadata"]["HttpStatusCode"] == 200 and answered["SdkResponseMetadata"]["RequestId"]
    assert types(events) == [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]  # fmt: skip


FLAKY = """
import os
COUNT = "/tmp/attempts"

def handler(event, context):
    seen = int(open(COUNT).read()) if os.path.exists(COUNT) else 0
    open(COUNT, "w").write(str(seen + 1))
    raise ValueError(f"attempt {seen + 1} failed")
"""


def test_a_failing_function_is_retried_then_caught_with_its_own_error_type(aws):
    arn = function(aws, "flaky", FLAKY)
    flow = machine(aws, "retry-catch", {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": arn, "Payload.$": "$"},
                "Retry": [{"ErrorEquals": ["ValueError"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1.5,
                           "MaxDelaySeconds": 2, "JitterStrategy": "FULL"}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "Handled"}],
                "End": True,
            },
            "Handled": {"Type": "Pass", "End": True},
        },
    })  # fmt: skip
    done = run(aws, flow, {"order": 1})
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["order"] == 1 and output["failure"]["Error"] == "ValueError"
    cause = json.loads(output["failure"]["Cause"])
    assert cause["errorType"] == "ValueError" and cause["errorMessage"] == "attempt 3 failed"
    events = history(aws, done["executionArn"])
    assert types(events).count("TaskFailed") == 3
    failed = [event for event in events if event["type"] == "TaskFailed"]
    assert failed[-1]["taskFailedEventDetails"]["error"] == "ValueError"
    assert failed[-1]["taskFailedEventDetails"]["resource"] == "invoke"
    assert failed[-1]["taskFailedEventDetails"]["resourceType"] == "lambda"


def test_an_uncaught_failure_of_a_plain_function_task_fails_the_execution(aws):
    arn = function(aws, "boom", "def handler(event, context):\n    raise KeyError('order')\n")
    flow = machine(
        aws, "plain-fail", {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": arn, "End": True}}}
    )
    done = run(aws, flow)
    assert done["status"] == "FAILED" and done["error"] == "KeyError"
    assert json.loads(done["cause"])["errorType"] == "KeyError"
    assert types(history(aws, done["executionArn"]))[-3:] == [
        "LambdaFunctionStarted",
        "LambdaFunctionFailed",
        "ExecutionFailed",
    ]


def test_lambda_api_errors_reach_retry_and_catch_with_the_names_step_functions_gives(aws, lab_backend):
    other = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    theirs = function(other, "theirs", ECHO)
    missing = f"arn:aws:lambda:us-east-1:{aws.account_id}:function:nothing-here"
    for target, error, code in [
        (theirs, "Lambda.AWSLambdaException", "AccessDeniedException"),
        (missing, "Lambda.ResourceNotFoundException", "ResourceNotFoundException"),
    ]:
        flow = machine(aws, f"api-{code[:8]}", {"StartAt": "Call", "States": {"Call": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": target, "Payload": {}},
            "Catch": [{"ErrorEquals": [error], "Next": "Caught"}], "End": True,
        }, "Caught": {"Type": "Pass", "End": True}}})  # fmt: skip
        done = run(aws, flow)
        assert done["status"] == "SUCCEEDED", done
        caught = json.loads(done["output"])
        assert caught["Error"] == error
        assert f"Error Code: {code}" in caught["Cause"] and "Service: AWSLambda" in caught["Cause"]
    assert other.client("lambda").get_function(FunctionName="theirs")  # untouched, never run by the other account
    with pytest.raises(ClientError) as hidden:  # nor can the other account see this account's executions
        other.client("stepfunctions").describe_execution(executionArn=done["executionArn"])
    assert hidden.value.response["Error"]["Code"] in {"ExecutionDoesNotExist", "AccessDeniedException"}


def test_a_task_over_its_timeout_fails_with_states_timeout(aws):
    arn = function(aws, "slow", "import time\ndef handler(event, context):\n    time.sleep(5)\n")
    flow = machine(aws, "late", {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 1,
        "Parameters": {"FunctionName": arn}, "End": True}}})  # fmt: skip
    done = run(aws, flow)
    assert (done["status"], done["error"]) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in types(history(aws, done["executionArn"]))


def test_jsonata_states_run(aws):
    arn = function(aws, "echo", ECHO)
    flow = machine(aws, "jsonata", {"QueryLanguage": "JSONata", "StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": arn, "Payload": {"total": "{% $sum($states.input.items) %}"}},
        "Output": "{% $states.result.Payload.got %}", "End": True}}})  # fmt: skip
    done = run(aws, flow, {"items": [1, 2, 3]})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"total": 6}
