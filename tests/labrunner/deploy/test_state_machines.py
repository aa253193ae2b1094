"""SAM state machines deploy as CloudFormation does and then execute, their Lambda tasks in the sandbox."""

import json

import pytest

from courseware.labrunner.deploy import DeployError, deploy
from tests.labrunner.emulator.sfn_helpers import finished

HANDLER = "def handler(event, context):\n    return {'total': sum(event['items']), 'by': context.function_name}\n"
TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Adder:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/flow.asl.json
      DefinitionSubstitutions:
        AdderArn: !GetAtt Adder.Arn
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Adder
  Quick:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Add
        States:
          Add:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: ${AdderArn}
              Payload.$: $
            OutputPath: $.Payload
            End: true
      DefinitionSubstitutions:
        AdderArn: !GetAtt Adder.Arn
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Adder
Outputs:
  FlowArn:
    Value: !Ref Flow
"""
DEFINITION = {
    "StartAt": "Add",
    "States": {
        "Add": {"Type": "Task", "Resource": "${AdderArn}", "ResultPath": "$.sum", "Next": "Big?"},
        "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.sum.total", "NumericGreaterThan": 10, "Next": "Big"}],
                 "Default": "Small"},
        "Big": {"Type": "Pass", "Result": "big", "ResultPath": "$.size", "End": True},
        "Small": {"Type": "Pass", "Result": "small", "ResultPath": "$.size", "End": True},
    },
}  # fmt: skip


class Spec:
    slug, deploy, handler, function = "sfn-test", "sam", "handler.handler", "Adder"


def files(template=TEMPLATE, definition=None):
    return {
        "handler.py": HANDLER,
        "template.yaml": template,
        "statemachine/flow.asl.json": json.dumps(definition or DEFINITION),
    }


def test_sam_state_machines_deploy_and_execute(aws):
    deployment = deploy(aws=aws, spec=Spec, files=files(), config={})
    assert {"Flow", "FlowRole", "Quick", "QuickRole"} <= set(deployment.resources)
    sfn = aws.client("stepfunctions")
    flow, quick = deployment.resources["Flow"]["id"], deployment.resources["Quick"]["id"]
    assert sfn.describe_state_machine(stateMachineArn=flow)["type"] == "STANDARD"
    started = sfn.start_execution(stateMachineArn=flow, input=json.dumps({"items": [4, 9]}))
    done = finished(aws, started["executionArn"])
    assert done["status"] == "SUCCEEDED", done
    output = json.loads(done["output"])
    assert output["sum"] == {"total": 13, "by": deployment.resources["Adder"]["id"]} and output["size"] == "big"
    answer = sfn.start_sync_execution(stateMachineArn=quick, input=json.dumps({"items": [1, 2]}))
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"])["total"] == 3


def test_an_invalid_definition_is_refused_at_the_machines_line(aws):
    broken = {"StartAt": "Nowhere", "States": {"Add": {"Type": "Pass", "End": True}}}
    with pytest.raises(DeployError) as refused:
        deploy(aws=aws, spec=Spec, files=files(definition=broken), config={})
    assert (
        refused.value.line == 10
        and "Flow" in str(refused.value)
        and "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET" in str(refused.value)
    )


def test_a_missing_definition_file_is_refused_at_its_line(aws):
    with pytest.raises(DeployError) as refused:
        deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    assert refused.value.line == 10 and "statemachine/flow.asl.json" in str(refused.value)
