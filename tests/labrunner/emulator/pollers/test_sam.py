"""SAM `Events:` of type SQS, DynamoDB and Kinesis deploy as mappings with their properties, and
fire; a property Lambda refuses fails the deploy at its template line."""

import json

import pytest

from courseware.labrunner.deploy import DeployError, deploy

from .fixtures import RECORDER, batches, wait_for

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Seen:
    Type: AWS::S3::Bucket
  Jobs:
    Type: AWS::SQS::Queue
  Failed:
    Type: AWS::SQS::Queue
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: S}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
      StreamSpecification:
        StreamViewType: NEW_IMAGE
  Clicks:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: app.handler
      CodeUri: .
      Timeout: 30
      MemorySize: 1769
      Environment:
        Variables:
          BUCKET: !Ref Seen
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 20
            MaximumBatchingWindowInSeconds: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["job"]}}'
        FromOrders:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Orders.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 5
            MaximumRetryAttempts: 2
            BisectBatchOnFunctionError: true
            MaximumRecordAgeInSeconds: 3600
            DestinationConfig:
              OnFailure:
                Destination: !GetAtt Failed.Arn
        FromClicks:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: LATEST
            BatchSize: 10
"""


class Spec:
    slug, deploy, handler, function = "sam-pollers", "sam", "app.handler", "Recorder"


def test_sam_events_deploy_as_mappings_with_their_settings_and_fire(aws):
    deployment = deploy(aws=aws, spec=Spec, files={"app.py": RECORDER, "template.yaml": TEMPLATE}, config={})
    lam = aws.client("lambda")
    found = {m["EventSourceArn"].split(":")[2]: m for m in lam.list_event_source_mappings()["EventSourceMappings"]}
    assert found["sqs"]["BatchSize"] == 20 and found["sqs"]["MaximumBatchingWindowInSeconds"] == 1
    assert found["sqs"]["FilterCriteria"] == {"Filters": [{"Pattern": '{"body": {"kind": ["job"]}}'}]}
    assert found["dynamodb"]["BisectBatchOnFunctionError"] is True and found["dynamodb"]["MaximumRetryAttempts"] == 2
    failed = aws.client("sqs").get_queue_attributes(
        QueueUrl=deployment.resources["Failed"]["id"], AttributeNames=["QueueArn"]
    )
    assert found["dynamodb"]["DestinationConfig"]["OnFailure"]["Destination"] == failed["Attributes"]["QueueArn"]
    assert found["kinesis"]["StartingPosition"] == "LATEST"
    bucket = deployment.resources["Seen"]["id"]
    wait_for(lambda: all(lam.get_event_source_mapping(UUID=m["UUID"])["State"] == "Enabled" for m in found.values()))
    aws.client("sqs").send_message(QueueUrl=deployment.resources["Jobs"]["id"], MessageBody=json.dumps({"kind": "job"}))
    table = deployment.resources["Orders"]["id"]
    aws.client("dynamodb").put_item(TableName=table, Item={"id": {"S": "o1"}, "note": {"S": "fine"}})
    stream_name = deployment.resources["Clicks"]["id"]
    aws.client("kinesis").put_record(StreamName=stream_name, Data=b"click", PartitionKey="p")

    def sources():
        return {batch[0]["eventSource"] for batch in batches(aws, bucket)} == {"aws:sqs", "aws:dynamodb", "aws:kinesis"}

    assert wait_for(sources)


def test_a_mapping_lambda_refuses_fails_the_deploy_at_its_line(aws):
    bad = TEMPLATE.replace("            MaximumBatchingWindowInSeconds: 1\n", "")
    with pytest.raises(DeployError) as raised:
        deploy(aws=aws, spec=Spec, files={"app.py": RECORDER, "template.yaml": bad}, config={})
    assert "Maximum batch window in seconds must be greater than 0" in str(raised.value)
    assert raised.value.line == bad.splitlines().index("  Recorder:") + 1
