"""S3 event notifications: configured through the API or SAM, filtered, delivered asynchronously
to a function that runs in the sandbox, and refused where the function did not grant S3."""

import json

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy import DeployError, deploy
from tests.labrunner.emulator.trigger_fixtures import RECORDER, grant, recorded, recorder

EVERYTHING = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"]


def configure(account, bucket: str, function: str, events=None, rules=None):
    config = {"Id": "to-recorder", "LambdaFunctionArn": function, "Events": events or EVERYTHING}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in rules]}}
    account.client("s3").put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [config]}
    )


def names(events: list[dict]) -> list[tuple[str, str]]:
    return sorted((e["Records"][0]["eventName"], e["Records"][0]["s3"]["object"]["key"]) for e in events)


@pytest.fixture
def wired(account):
    """A bucket whose events go to a recorder that granted S3 (this bucket, this account)."""
    account.client("s3").create_bucket(Bucket=f"uploads-{account.account_id}")
    bucket = f"uploads-{account.account_id}"
    function, queue = recorder(account, "on-upload")
    grant(
        account, "on-upload", "s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}", SourceAccount=account.account_id
    )
    return account, bucket, function, queue


def test_s3_refuses_a_function_that_did_not_grant_it(account):
    account.client("s3").create_bucket(Bucket=f"plain-{account.account_id}")
    function, _ = recorder(account, "ungranted")
    with pytest.raises(ClientError) as refused:
        configure(account, f"plain-{account.account_id}", function)
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"
    grant(account, "ungranted", "s3.amazonaws.com", SourceArn="arn:aws:s3:::someone-elses-bucket")
    with pytest.raises(ClientError):  # a grant for another bucket is no grant for this one
        configure(account, f"plain-{account.account_id}", function)
    notification = account.client("s3").get_bucket_notification_configuration(Bucket=f"plain-{account.account_id}")
    assert "LambdaFunctionConfigurations" not in notification
    account.client("s3").put_bucket_notification_configuration(  # S3 lets the caller skip the check
        Bucket=f"plain-{account.account_id}",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function, "Events": EVERYTHING}]
        },
        SkipDestinationValidation=True,
    )


def test_an_upload_runs_the_function_with_s3s_record(wired):
    account, bucket, function, queue = wired
    configure(account, bucket, function)
    account.client("s3").put_object(Bucket=bucket, Key="incoming/My photo (1).jpg", Body=b"12345")
    (event,) = recorded(account, queue)
    record = event["Records"][0]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["configurationId"] == "to-recorder"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["object"]["key"] == "incoming/My+photo+%281%29.jpg"
    assert record["s3"]["object"]["size"] == 5
    assert record["s3"]["object"]["eTag"] == "827ccb0eea8a706c4c34a16891f84e7b"
    assert "versionId" not in record["s3"]["object"]


def test_prefix_and_suffix_filters(wired):
    account, bucket, function, queue = wired
    configure(account, bucket, function, events=["s3:ObjectCreated:Put"], rules=[("prefix", "in/"), ("suffix", ".csv")])
    for key in ("out/a.csv", "in/a.txt", "in/b.csv"):
        account.client("s3").put_object(Bucket=bucket, Key=key, Body=b"x")
    assert names(recorded(account, queue, count=1)) == [("ObjectCreated:Put", "in/b.csv")]
    assert recorded(account, queue, count=1, deadline_s=3) == []  # the other two were never sent


def test_copy_multipart_tagging_and_delete(wired):
    account, bucket, function, queue = wired
    configure(account, bucket, function)
    s3 = account.client("s3")
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="c", UploadId=upload, PartNumber=1, Body=b"y" * 10)
    s3.complete_multipart_upload(
        Bucket=bucket, Key="c", UploadId=upload, MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]}
    )
    s3.put_object_tagging(Bucket=bucket, Key="a", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_object(Bucket=bucket, Key="b")
    events = recorded(account, queue, count=5)
    assert names(events) == [
        ("ObjectCreated:CompleteMultipartUpload", "c"),
        ("ObjectCreated:Copy", "b"),
        ("ObjectCreated:Put", "a"),
        ("ObjectRemoved:Delete", "b"),
        ("ObjectTagging:Put", "a"),
    ]
    assert recorded(account, queue, deadline_s=3) == []  # nothing more: no Put beside the multipart upload
    removed = next(e["Records"][0] for e in events if e["Records"][0]["eventName"] == "ObjectRemoved:Delete")
    assert set(removed["s3"]["object"]) == {"key", "sequencer"}  # no size or eTag for a removal


def test_a_versioned_bucket_reports_delete_markers_and_versions(wired):
    account, bucket, function, queue = wired
    s3 = account.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    configure(account, bucket, function, events=["s3:ObjectRemoved:*"])
    first = s3.put_object(Bucket=bucket, Key="doc", Body=b"1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="doc", Body=b"2")
    marker = s3.delete_object(Bucket=bucket, Key="doc")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=first)
    events = {e["Records"][0]["eventName"]: e["Records"][0]["s3"]["object"] for e in recorded(account, queue, 2)}
    assert events["ObjectRemoved:DeleteMarkerCreated"]["versionId"] == marker
    assert events["ObjectRemoved:Delete"]["versionId"] == first


def test_a_permission_removed_later_stops_delivery(wired):
    account, bucket, function, queue = wired
    configure(account, bucket, function)
    account.client("lambda").remove_permission(FunctionName="on-upload", StatementId="trigger")
    account.client("s3").put_object(Bucket=bucket, Key="while-refused", Body=b"x")
    grant(account, "on-upload", "s3.amazonaws.com", "again", SourceAccount=account.account_id)
    account.client("s3").put_object(Bucket=bucket, Key="granted-again", Body=b"x")
    assert names(recorded(account, queue)) == [("ObjectCreated:Put", "granted-again")]
    assert recorded(account, queue, deadline_s=3) == []


SAM_S3 = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Seen:
    Type: AWS::SQS::Queue
  OnUpload:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
      Timeout: 60
      MemorySize: 1024
      Environment:
        Variables:
          RECORD_TO: !Ref Seen
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - Name: suffix
                    Value: .jpg
"""
RAW_S3 = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  OnUpload:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: "def handler(event, context): return 1"
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt OnUpload.Arn
"""


class Spec:
    slug, deploy, handler, function = "s3-trigger", "sam", "handler.handler", "OnUpload"


def test_sam_s3_events_deploy_their_notification_and_permission(account):
    deployment = deploy(aws=account, spec=Spec, files={"handler.py": RECORDER, "template.yaml": SAM_S3}, config={})
    bucket, queue = deployment.resources["Uploads"]["id"], deployment.resources["Seen"]["id"]
    policy = account.client("lambda").get_policy(FunctionName=deployment.resources["OnUpload"]["id"])["Policy"]
    (statement,) = json.loads(policy)["Statement"]  # CloudFormation's AddPermission: its physical id as Sid
    assert statement["Sid"].startswith("lab-OnUploadUploadPermission-") and "FunctionName" not in statement
    account.client("s3").put_object(Bucket=bucket, Key="cat.png", Body=b"x")
    account.client("s3").put_object(Bucket=bucket, Key="holiday/cat.jpg", Body=b"x")
    assert names(recorded(account, queue)) == [("ObjectCreated:Put", "holiday/cat.jpg")]


def test_a_bucket_notifying_a_function_without_permission_fails_the_stack(account):
    with pytest.raises(DeployError) as failed:
        deploy(aws=account, spec=Spec, files={"handler.py": RECORDER, "template.yaml": RAW_S3}, config={})
    assert "Unable to validate the following destination configurations" in str(failed.value)
    stack = account.client("cloudformation").describe_stacks(StackName="lab")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"


def test_s3_to_a_topic_reaches_the_topics_function(account):
    """S3 -> SNS -> Lambda: the topic carries S3's record, with S3's subject."""
    bucket, sns = f"fan-{account.account_id}", account.client("sns")
    account.client("s3").create_bucket(Bucket=bucket)
    topic = sns.create_topic(Name="uploads")["TopicArn"]
    function, queue = recorder(account, "from-topic")
    grant(account, "from-topic", "sns.amazonaws.com", SourceArn=topic)
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)
    account.client("s3").put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]},
    )
    account.client("s3").put_object(Bucket=bucket, Key="a b.txt", Body=b"x")
    messages = [e["Records"][0]["Sns"] for e in recorded(account, queue, count=2)]
    (notification,) = [m for m in messages if "Records" in json.loads(m["Message"])]  # besides S3's test event
    assert notification["Subject"] == "Amazon S3 Notification"
    record = json.loads(notification["Message"])["Records"][0]
    assert (record["eventName"], record["s3"]["object"]["key"]) == ("ObjectCreated:Put", "a+b.txt")


def test_sam_s3_events_on_a_published_alias(account):
    template = SAM_S3.replace("      CodeUri: .\n", "      CodeUri: .\n      AutoPublishAlias: live\n")
    deployment = deploy(aws=account, spec=Spec, files={"handler.py": RECORDER, "template.yaml": template}, config={})
    bucket, queue = deployment.resources["Uploads"]["id"], deployment.resources["Seen"]["id"]
    function = deployment.resources["OnUpload"]["id"]
    policy = json.loads(account.client("lambda").get_policy(FunctionName=function, Qualifier="live")["Policy"])
    assert [s["Resource"].rsplit(":", 1)[1] for s in policy["Statement"]] == ["live"]
    account.client("s3").put_object(Bucket=bucket, Key="dog.jpg", Body=b"x")
    assert names(recorded(account, queue)) == [("ObjectCreated:Put", "dog.jpg")]


def test_a_bucket_cannot_notify_another_accounts_function(account, lab_backend):
    other = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())
    function, _ = recorder(other, "elsewhere")
    grant(other, "elsewhere", "s3.amazonaws.com")  # granted, but accounts are fenced apart in the labs
    account.client("s3").create_bucket(Bucket=f"mine-{account.account_id}")
    with pytest.raises(ClientError) as refused:
        configure(account, f"mine-{account.account_id}", function)
    assert refused.value.response["Error"]["Code"] == "InvalidArgument"


def test_restore_and_acl_events(wired):
    account, bucket, function, queue = wired
    configure(account, bucket, function, events=["s3:ObjectRestore:Post", "s3:ObjectAcl:Put"])
    s3 = account.client("s3")
    s3.put_object(Bucket=bucket, Key="archive.zip", Body=b"x", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="archive.zip", RestoreRequest={"Days": 1})
    s3.put_object_acl(Bucket=bucket, Key="archive.zip", ACL="private")
    assert names(recorded(account, queue, count=2)) == [
        ("ObjectAcl:Put", "archive.zip"),
        ("ObjectRestore:Post", "archive.zip"),
    ]
