"""Lambda tasks of a state machine run learner code in the sandbox, in the machine's account."""

import json

import pytest

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
    events = types(history(aws, done["executionArn"]))
    assert events == [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]  # fmt: skip
