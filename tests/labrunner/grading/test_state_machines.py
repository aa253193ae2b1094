"""A lab's checks drive state machines through LabContext: start, advance the lab clock, read the end."""

import pytest

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy import deploy
from courseware.labrunner.grading.checks import Fail
from courseware.labrunner.grading.context import LabContext

HANDLER = "def handler(event, context):\n    return {'reminded': event['who']}\n"
TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Remind:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
  Later:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Sleep
        States:
          Sleep: {Type: Wait, Seconds: 3600, Next: Send}
          Send: {Type: Task, Resource: "${RemindArn}", End: true}
      DefinitionSubstitutions:
        RemindArn: !GetAtt Remind.Arn
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref Remind}
  Now:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Send
        States:
          Send: {Type: Task, Resource: "${RemindArn}", End: true}
      DefinitionSubstitutions:
        RemindArn: !GetAtt Remind.Arn
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref Remind}
"""


class Spec:
    slug, deploy, handler, function = "remind", "sam", "handler.handler", "Remind"


@pytest.fixture
def lab(lab_backend):
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id(), control=lab_backend.control_token)
    deployment = deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    return LabContext(aws=aws, resources=deployment.resources, function_name=deployment.function_name, events={})


def test_a_check_starts_a_machine_advances_an_hour_and_reads_its_end(lab):
    arn = lab.start_execution("Later", {"who": "ada"})
    assert lab.reached(arn, "WaitStateEntered")
    with pytest.raises(Fail, match="still running"):
        lab.execution(arn, timeout=0.5)
    lab.advance_clock(hours=1)
    done = lab.execution(arn)
    assert done["status"] == "SUCCEEDED" and done["output"] == {"reminded": "ada"}
    assert done["events"][:3] == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited"]
    assert done["events"][-1] == "ExecutionSucceeded"


def test_an_express_machine_runs_synchronously(lab):
    answer = lab.run_state_machine("Now", {"who": "grace"})
    assert answer["status"] == "SUCCEEDED" and answer["output"] == {"reminded": "grace"}
    assert "events" not in answer
