"""The resources a lab template may use that moto's CloudFormation cannot create, each applied
around the `lab` stack through the API CloudFormation would call.

Every applier takes (aws, logical id, resolved properties, what was created so far) and returns
the physical id, what `Ref` gives. Attribute getters answer `Fn::GetAtt` for what they created.
Where each resource goes, before or after the stack, is `..plan`'s to decide.
"""

from .cognito import cognito_attribute, user_pool, user_pool_client
from .http_api import http_api, http_attribute, http_stage
from .rest_api import rest_api, rest_attribute
from .rest_stages import api_key, rest_deployment, rest_stage, usage_plan, usage_plan_key
from .schedules import schedule, schedule_group
from .wiring import event_invoke_config, permission, subscribe

IGNORED = {"AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"}  # permissions: not enforced by moto
MOVABLE = {"AWS::Lambda::Permission"}  # in the stack unless it refers to an "after" resource
BEFORE_CAPABLE = {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient"}

APPLIERS = {
    "AWS::SNS::Subscription": subscribe,
    "AWS::Lambda::EventInvokeConfig": event_invoke_config,
    "AWS::Lambda::Permission": permission,
    **{kind: (lambda aws, logical_id, properties, created: logical_id) for kind in IGNORED},
    "AWS::ApiGateway::RestApi": rest_api,
    "AWS::ApiGateway::Deployment": rest_deployment,
    "AWS::ApiGateway::Stage": rest_stage,
    "AWS::ApiGateway::ApiKey": api_key,
    "AWS::ApiGateway::UsagePlan": usage_plan,
    "AWS::ApiGateway::UsagePlanKey": usage_plan_key,
    "AWS::ApiGatewayV2::Api": http_api,
    "AWS::ApiGatewayV2::Stage": http_stage,
    "AWS::Cognito::UserPool": user_pool,
    "AWS::Cognito::UserPoolClient": user_pool_client,
    "AWS::Scheduler::Schedule": schedule,
    "AWS::Scheduler::ScheduleGroup": schedule_group,
}
OUTSIDE = set(APPLIERS) - MOVABLE  # never in the stack
ATTRIBUTE_GETTERS = (rest_attribute, http_attribute, cognito_attribute)
