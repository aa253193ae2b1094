"""SAM's EventBridge and schedule events deploy and fire: the rule through PutEvents, the
schedules through the lab clock, each observed in what the function itself did."""

import json
import time
from pathlib import Path

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


def seen(aws: AccountAws, count: int, *, within: float = 120) -> list[dict]:
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


PATTERN = Path(__file__).parent / "patterns" / "schedule-to-lambda-dlq"
SCHEDULED = Path(__file__).parent / "patterns" / "scheduled-lambda"


class PatternSpec:
    slug, deploy, handler, function = "pattern", "sam", "app.lambda_handler", "ScheduledFunction"


def test_awss_serverless_pattern_schedule_to_lambda_with_dlq(lab_backend):
    """patterns/schedule-to-lambda-dlq is aws-samples/serverless-patterns
    eventbridge-schedule-to-lambda-dlq-sam-python (commit fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b),
    template and function as published; only its runtime, python3.14, which this host lacks, is
    deployed as python3.13."""
    files = pattern_files(PATTERN)
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id(), control=lab_backend.control_token)
    deployment = deploy(aws=aws, spec=PatternSpec, files=files, config={})
    function = deployment.resources["ScheduledFunction"]["id"]
    advance_clock(aws, 5 * 60)
    assert function_log(aws, function, "Scheduled function invoked by EventBridge Scheduler", 1) == 1

    aws.client("lambda").delete_function(FunctionName=function)  # the scheduler can no longer deliver
    advance_clock(aws, 5 * 60)
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName="lab-scheduler-dlq")["QueueUrl"]
    messages = []
    for _ in range(60):
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MessageAttributeNames=["All"]).get("Messages")
        if messages:
            break
    (message,) = messages
    assert message["MessageAttributes"]["X-Amz-Scheduler-Error-Code"]["StringValue"] == "NO_RESOURCE"
    assert message["MessageAttributes"]["X-Amz-Scheduler-Schedule-Arn"]["StringValue"].endswith("/default/lab-schedule")


def pattern_files(folder: Path) -> dict[str, str]:
    files = {str(path.relative_to(folder)): path.read_text() for path in folder.rglob("*") if path.is_file()}
    files["template.yaml"] = files["template.yaml"].replace("Runtime: python3.14", "Runtime: python3.13")
    return files


def function_log(aws: AccountAws, function: str, text: str, count: int) -> int:
    """Bounded poll: how many of the function's log events contain `text` (waiting for `count`)."""
    logs, found = aws.client("logs"), 0
    for _ in range(120):
        try:
            events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
        except logs.exceptions.ResourceNotFoundException:
            events = []
        found = sum(text in event["message"] for event in events)
        if found >= count:
            break
        time.sleep(0.5)
    return found


def test_awss_serverless_pattern_scheduled_lambda(lab_backend):
    """patterns/scheduled-lambda is aws-samples/serverless-patterns eventbridge-scheduled-lambda
    (commit fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b) as published, deployed on python3.13."""

    class Spec:
        slug, deploy, handler, function = "pattern", "sam", "app.lambda_handler", "ScheduledFunction"

    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id(), control=lab_backend.control_token)
    deployment = deploy(aws=aws, spec=Spec, files=pattern_files(SCHEDULED), config={})
    advance_clock(aws, 3 * 60)
    assert function_log(aws, deployment.resources["ScheduledFunction"]["id"], "Hello World", 3) == 3


BUS_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Seen:
    Type: AWS::SQS::Queue
  Shop:
    Type: AWS::Events::EventBus
    Properties:
      Name: shop
  Everything:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: !GetAtt Shop.Arn
      EventPattern:
        source: [shop.orders]
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
            EventBusName: !Ref Shop
            Pattern:
              source: [shop.orders]
"""


def test_a_custom_bus_and_its_archive_from_a_template(lab_backend):
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": BUS_TEMPLATE}, config={})
    events = aws.client("events")
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "t", "Detail": "{}", "EventBusName": "shop"}])
    events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "t", "Detail": "{}"}])  # the default bus
    (event,) = seen(aws, 1)
    assert event["source"] == "shop.orders"
    (archive,) = events.list_archives()["Archives"]
    assert archive["EventSourceArn"].endswith(":event-bus/shop") and archive["EventCount"] == 1
