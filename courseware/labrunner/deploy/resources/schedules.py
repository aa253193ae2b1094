"""`AWS::Scheduler::Schedule` (what SAM's `ScheduleV2` events become) and
`AWS::Scheduler::ScheduleGroup`, which moto's CloudFormation cannot create: applied after the
stack through CreateSchedule and CreateScheduleGroup, as CloudFormation would call them. The lab backend refuses expressions and targets it cannot run, with the reason."""

from ...client.aws import AccountAws
from .naming import STACK

OPTIONAL = (
    "GroupName",
    "Description",
    "ScheduleExpressionTimezone",
    "State",
    "StartDate",
    "EndDate",
    "KmsKeyArn",
)


def schedule(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    name = properties.get("Name") or f"{STACK}-{logical_id}"[:64]
    extra = {key: properties[key] for key in OPTIONAL if key in properties}
    answer = aws.client("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=properties["ScheduleExpression"],
        FlexibleTimeWindow=properties["FlexibleTimeWindow"],
        Target=properties["Target"],
        **extra,
    )
    return answer["ScheduleArn"].rsplit("/", 1)[1]  # Ref gives the schedule's name


def schedule_group(aws: AccountAws, logical_id: str, properties: dict, created: dict) -> str:
    name = properties.get("Name") or f"{STACK}-{logical_id}"[:64]
    aws.client("scheduler").create_schedule_group(Name=name)
    return name  # Ref gives the group's name
