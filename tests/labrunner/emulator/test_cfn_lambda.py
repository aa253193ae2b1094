"""SAM's AutoPublishAlias in moto's CloudFormation: a version, and an alias pointing at it."""

from courseware.labrunner.deploy import deploy

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
      AutoPublishAlias: live
Outputs:
  LiveArn:
    Value: !Ref GreeterAliaslive
"""
HANDLER = "def handler(event, context):\n    return context.invoked_function_arn\n"


class Spec:
    slug, deploy, handler, function = "alias", "sam", "handler.handler", "Greeter"


def test_an_auto_published_alias_points_at_the_new_version(account):
    deployment = deploy(aws=account, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    function = deployment.resources["Greeter"]["id"]
    (alias,) = account.client("lambda").list_aliases(FunctionName=function)["Aliases"]
    assert (alias["Name"], alias["FunctionVersion"]) == ("live", "1")
    outputs = account.client("cloudformation").describe_stacks(StackName="lab")["Stacks"][0]["Outputs"]
    assert outputs == [{"OutputKey": "LiveArn", "OutputValue": alias["AliasArn"]}]
    answer = account.client("lambda").invoke(FunctionName=function, Qualifier="live")
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
