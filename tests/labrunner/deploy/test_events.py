"""SAM's EventBridge and schedule events deploy and fire: the rule through PutEvents, the
schedules through the lab clock, each observed in what the function itself did."""

import json
import time

from courseware.labrunner.client.aws import AccountAws, control_token, new_account_id
from courseware.labrunner.client.clock import advance_clock
from courseware.labrunner.deploy import deploy

HANDLER = """
import json, os, boto3
sqs = boto3.client("sqs")

def handler(event, context):
    sqs.send_message(QueueUrl=os.environ["SEEN"], MessageBody=json.dumps(event))
"""
TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Seen:
    Type: AWS::SQS::Queue
  Dead:
    Type: AWS::SQS::Queue
  Jobs:
    Type: AWS::Scheduler::ScheduleGroup
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
      Environment:
        Variables:
          SEEN: !Ref Seen
      Events:
        Orders:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [shop.orders]
              detail:
                total: [{numeric: [">", 100]}]
            InputTransformer:
              InputPathsMap:
                order: $.detail.orderId
              InputTemplate: '{"kind": "big-order", "order": <order>}'
            RetryPolicy:
              MaximumRetryAttempts: 3
            DeadLetterConfig:
              Arn: !GetAtt Dead.Arn
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Input: '{"kind": "hourly"}'
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 2 * * ? *)
            GroupName: !Ref Jobs
            Input: '{"kind": "nightly"}'
        Legacy:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [legacy.app]
            InputPath: $.detail
        Paused:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
            Enabled: false
            Input: '{"kind": "never"}'
"""


class Spec:
    slug, deploy, handler, function = "events-test", "sam", "handler.handler", "Worker"


def seen(aws: AccountAws, count: int, *, within: float = 60) -> list[dict]:
    sqs = aws.client("sqs")
    url = [u for u in sqs.list_queues()["QueueUrls"] if "Seen" in u][0]
    got, deadline = [], time.monotonic() + within
    while len(got) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            got.append(json.loads(message["Body"]))
    assert len(got) >= count, got
    return got


def test_sam_event_rules_and_schedules_deploy_and_fire(lab_backend, settings):
    aws = AccountAws(
        endpoint=lab_backend.endpoint, account_id=new_account_id(), control=control_token(settings.SECRET_KEY)
    )
    deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    rules = {rule["Name"]: rule for rule in aws.client("events").list_rules()["Rules"]}
    assert len(rules) == 4 and sum(rule["State"] == "DISABLED" for rule in rules.values()) == 1
    (nightly,) = aws.client("scheduler").list_schedules()["Schedules"]
    assert nightly["GroupName"] == "lab-Jobs"

    events = aws.client("events")
    for source, detail in [
        ("shop.orders", {"orderId": "small", "total": 5}),
        ("shop.orders", {"orderId": "o-7", "total": 250}),
        ("legacy.app", {"x": 1}),
    ]:
        events.put_events(Entries=[{"Source": source, "DetailType": "t", "Detail": json.dumps(detail)}])
    got = seen(aws, 2)
    assert sorted(got, key=json.dumps) == sorted([{"kind": "big-order", "order": "o-7"}, {"x": 1}], key=json.dumps)

    advance_clock(aws, 86400)
    kinds = [event.get("kind") for event in seen(aws, 25)]
    assert kinds.count("hourly") == 24 and kinds.count("nightly") == 1 and "never" not in kinds


def test_a_redeploy_replaces_schedules(lab_backend):
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    for _ in range(2):
        deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    assert len(aws.client("scheduler").list_schedules()["Schedules"]) == 1
