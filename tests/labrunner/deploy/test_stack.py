"""A SAM template deployed as the `lab` stack, and a broken one reported at its line."""

import pytest

from courseware.labrunner.deploy import DeployError, deploy
from tests.labrunner.deploy.api_templates import COGNITO_IN_STACK, deploy_template

HANDLER = "def handler(event, context):\n    return {'records': len(event.get('Records', []))}\n"
TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 5
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: handler.handler
      CodeUri: .
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
"""


class Spec:
    slug, deploy, handler, function = "sam-test", "sam", "handler.handler", "Worker"


def test_a_sam_template_becomes_a_stack_with_its_event_source(aws):
    deployment = deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    assert set(deployment.resources) >= {"Jobs", "Worker", "WorkerRole", "WorkerFromJobs"}
    mappings = aws.client("lambda").list_event_source_mappings()["EventSourceMappings"]
    assert [m["BatchSize"] for m in mappings] == [5]
    stack = aws.client("cloudformation").describe_stacks(StackName="lab")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    # Deploying again replaces the stack rather than piling up resources.
    deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    assert len(aws.client("lambda").list_functions()["Functions"]) == 1


@pytest.mark.parametrize(
    ("template", "line", "words"),
    [
        (
            TEMPLATE.replace("      CodeUri: .\n", "      CodeUri: .\n     Bad: [\n"),
            14,
            "invalid YAML",
        ),
        (TEMPLATE.replace("BatchSize: 5", "BatchSize: 5\n            Nonsense: 1"), 8, "Worker"),
        (TEMPLATE.replace("!GetAtt Jobs.Arn", "!Magic Jobs.Arn"), 18, "unknown tag !Magic"),
        (
            TEMPLATE + "  Cluster:\n    Type: AWS::ECS::Cluster\n",
            20,
            "not available in the lab emulator",
        ),
        (TEMPLATE.replace("Transform: AWS::Serverless-2016-10-31\n", ""), 1, "Transform"),
    ],
)
def test_a_broken_template_is_reported_at_its_line(aws, template, line, words):
    with pytest.raises(DeployError) as caught:
        deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": template}, config={})
    assert caught.value.file == "template.yaml" and caught.value.line == line, str(caught.value)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"template.yaml:{line}: ")


def test_an_unsupported_api_resource_is_refused_at_its_line(aws):
    template = COGNITO_IN_STACK.replace("Outputs:", "  Domain:\n    Type: AWS::ApiGateway::DomainName\nOutputs:")
    with pytest.raises(DeployError) as caught:
        deploy_template(aws, template)
    assert caught.value.line == template.splitlines().index("  Domain:") + 1
    assert "AWS::ApiGateway::DomainName is not available" in caught.value.message
