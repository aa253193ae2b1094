"""A small Step Functions lab (`flow-lab`) for the execution panel's tests: a payment task with a
Retry on `Flaky` and a Catch on `Declined`, a machine that waits an hour on the lab clock, and an
Express machine. Written into a scratch content tree beside lab 1 and synced."""

import json
from pathlib import Path

from courseware.labrunner.grading.runner import lab_source
from courseware.labrunner.sync import lab_sync

SLUG = "flow-lab"
LAB_MD = """---
title: A small order flow
order: 90
summary: Start a state machine and read its history.
objectives: [Read an execution's history]
services: [stepfunctions, lambda]
deploy: sam
function: Pay
points: 2
minutes: 5
lesson: intro
---

## Steps

Deploy, then start the Orders machine.
"""
HANDLER = """\
class Flaky(Exception):
    pass


class Declined(Exception):
    pass


def handler(event, context):
    order = event["order"]
    if order.get("declined"):
        raise Declined("card declined")
    if event["attempt"] < order.get("flaky", 0):
        raise Flaky(f"attempt {event['attempt']} failed")
    if order.get("crash"):
        raise RuntimeError("the payment service crashed")
    return {"charged": order.get("amount", 0)}
"""
DEFINITION = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {
                "FunctionName": "${PayArn}",
                "Payload": {"order.$": "$", "attempt.$": "$$.State.RetryCount"},
            },
            "ResultSelector": {"charged.$": "$.Payload.charged"},
            "ResultPath": "$.payment",
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}],
            "Catch": [{"ErrorEquals": ["Declined"], "ResultPath": "$.error", "Next": "Rejected"}],
            "Next": "Done",
        },
        "Rejected": {"Type": "Pass", "Result": "rejected", "ResultPath": "$.outcome", "End": True},
        "Done": {"Type": "Succeed"},
    },
}
TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Pay:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/orders.asl.json
      DefinitionSubstitutions:
        PayArn: !GetAtt Pay.Arn
      Policies:
        - LambdaInvokePolicy: {FunctionName: !Ref Pay}
  Later:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Sleep
        States:
          Sleep: {Type: Wait, Seconds: 3600, Next: Finish}
          Finish: {Type: Succeed}
  Quick:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Stamp
        States:
          Stamp: {Type: Pass, Result: done, ResultPath: $.stamp, End: true}
"""
CHECKS = """\
from courseware.labrunner.grading import Fail, check


@check(points=2, title="The order flow succeeds")
def succeeds(lab):
    result = lab.run_state_machine("Orders", {"amount": 5})
    if result["status"] != "SUCCEEDED":
        raise Fail(f"The execution ended {result['status']}: {result.get('error')}")
    return "The order was charged."
"""


def files() -> dict[str, str]:
    return {
        "handler.py": HANDLER,
        "template.yaml": TEMPLATE,
        "statemachine/orders.asl.json": json.dumps(DEFINITION, indent=2),
    }


def write_flow_lab(root: Path) -> Path:
    lab = root / "labs" / SLUG
    for folder in ("starter", "solution"):
        for name, text in files().items():
            (lab / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (lab / folder / name).write_text(text)
    (lab / "events").mkdir()
    (lab / "events" / "order.json").write_text('{"amount": 30}\n')
    (lab / "lab.md").write_text(LAB_MD)
    (lab / "checks.py").write_text(CHECKS)
    return lab


def sync_flow_lab(root: Path, content_dir: Path, others: tuple[str, ...] = ("hello-lambda",)) -> None:
    """Write the lab under `root` and sync it with `others` from the course's `content_dir` (a
    sync drops the labs it is not given)."""
    write_flow_lab(Path(root))
    lab_sync(sources=[*(lab_source(content_dir, slug) for slug in others), lab_source(root, SLUG)])
