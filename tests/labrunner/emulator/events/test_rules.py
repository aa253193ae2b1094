"""EventBridge rules: PutEvents reaches Lambda, SQS, SNS and Step Functions targets, as on AWS."""

import json
import threading
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from courseware.labrunner.emulator.clock import CLOCK
from courseware.labrunner.emulator.events.delivery import Deliveries, Delivery, DeliveryFailed


def rule_to(account, name: str, pattern: dict, target: dict, *, bus: str = "default", grant: bool = True) -> str:
    events = account.client("events")
    arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern), EventBusName=bus)["RuleArn"]
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "t1", **target}])
    if grant and ":function:" in target["Arn"]:
        account.allow_events(target["Arn"], arn)
    return arn


def put(account, detail: dict, *, source="shop.orders", detail_type="OrderPlaced", bus="default", **extra):
    answer = account.client("events").put_events(
        Entries=[
            {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": bus, **extra}
        ]
    )
    assert answer["FailedEntryCount"] == 0, answer
    return answer["Entries"][0]["EventId"]


def test_put_events_runs_a_lambda_target_with_awss_envelope(account):
    function = account.function("on-order")
    rule_arn = rule_to(account, "orders", {"source": ["shop.orders"]}, {"Arn": function})
    event_id = put(account, {"orderId": "o-1", "total": 12.5}, Resources=["arn:aws:shop:::order/o-1"])
    (event,) = account.events_seen("on-order")
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event["id"] == event_id and event["version"] == "0"
    assert event["detail"] == {"orderId": "o-1", "total": 12.5}
    assert event["account"] == account.id and event["region"] == "us-east-1"
    assert event["resources"] == ["arn:aws:shop:::order/o-1"]
    assert event["time"].endswith("Z") and len(event["time"]) == 20
    assert rule_arn.endswith(":rule/orders")


def test_a_custom_bus_routes_only_its_own_events(account):
    account.client("events").create_event_bus(Name="shop")
    account.function("on-shop")
    url, queue = account.queue("shop-copy")
    rule_to(account, "shop-rule", {"detail-type": ["OrderPlaced"]}, {"Arn": queue}, bus="shop")
    put(account, {"n": 1}, bus="default")
    put(account, {"n": 2}, bus="shop")
    (message,) = account.received("shop-copy")
    assert json.loads(message["Body"])["detail"] == {"n": 2}
    assert account.nothing_in("shop-copy")


def test_disabled_and_schedule_only_rules_do_not_match_events(account):
    _, queue = account.queue("never")
    rule_to(account, "off", {"source": ["shop.orders"]}, {"Arn": queue})
    account.client("events").disable_rule(Name="off")
    account.client("events").put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    account.client("events").put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": queue}])
    put(account, {"n": 1})
    assert account.nothing_in("never")


def test_sns_and_step_functions_targets(account):
    account.function("from-topic")
    topic = account.client("sns").create_topic(Name="orders")["TopicArn"]
    url, queue = account.queue("topic-copy")
    account.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    rule_to(account, "to-topic", {"source": ["shop.orders"]}, {"Arn": topic})
    role = account.client("iam").create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    machine = account.client("stepfunctions").create_state_machine(
        name="orders", definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}), roleArn=role
    )["stateMachineArn"]
    account.client("events").put_targets(Rule="to-topic", Targets=[{"Id": "sfn", "Arn": machine}])
    put(account, {"orderId": "o-9"})
    (message,) = account.received("topic-copy")
    assert json.loads(json.loads(message["Body"])["Message"])["detail"] == {"orderId": "o-9"}
    executions = []
    for _ in range(50):
        executions = account.client("stepfunctions").list_executions(stateMachineArn=machine)["executions"]
        if executions:
            break
        account.nothing_in("topic-copy", wait=0.2)
    (execution,) = executions
    started = account.client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    assert json.loads(started["input"])["detail"] == {"orderId": "o-9"}


def test_entries_are_checked_as_aws_checks_them(account):
    answer = account.client("events").put_events(
        Entries=[
            {"Source": "a", "DetailType": "b", "Detail": "[1, 2]"},
            {"Source": "a", "DetailType": "b", "Detail": "not json"},
            {"Source": "a", "Detail": "{}"},
        ]
    )
    assert answer["FailedEntryCount"] == 3
    assert [entry["ErrorCode"] for entry in answer["Entries"]] == [
        "MalformedDetail",
        "MalformedDetail",
        "InvalidArgument",
    ]
    with pytest.raises(ClientError, match="length less than or equal to 10"):
        account.client("events").put_events(Entries=[{"Source": "a", "DetailType": "b", "Detail": "{}"}] * 11)


def test_a_missing_target_goes_to_the_dlq_with_awss_attributes(account):
    _, dlq = account.queue("rule-dlq")
    missing = f"arn:aws:lambda:us-east-1:{account.id}:function:gone"
    rule_arn = rule_to(
        account,
        "to-nowhere",
        {"source": ["shop.orders"]},
        {"Arn": missing, "DeadLetterConfig": {"Arn": dlq}, "RetryPolicy": {"MaximumRetryAttempts": 2}},
        grant=False,  # nothing to grant on
    )
    event_id = put(account, {"n": 1})
    (message,) = account.received("rule-dlq")
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn and attributes["TARGET_ARN"] == missing
    assert attributes["ERROR_CODE"] == "NO_RESOURCE" and "gone" in attributes["ERROR_MESSAGE"]
    assert attributes["RETRY_ATTEMPTS"] == "0"  # not retried: waiting cannot make it exist
    assert json.loads(message["Body"])["id"] == event_id


def test_a_refused_message_is_not_retried(account):
    _, dlq = account.queue("retry-dlq")
    fifo = account.client("sqs").create_queue(QueueName="needs-group.fifo", Attributes={"FifoQueue": "true"})
    arn = account.client("sqs").get_queue_attributes(QueueUrl=fifo["QueueUrl"], AttributeNames=["QueueArn"])
    target = {
        "Arn": arn["Attributes"]["QueueArn"],
        "SqsParameters": {"MessageGroupId": "g"},  # no deduplication id and no content-based dedup: refused
        "DeadLetterConfig": {"Arn": dlq},
        "RetryPolicy": {"MaximumRetryAttempts": 1, "MaximumEventAgeInSeconds": 60},
    }
    rule_to(account, "to-fifo", {"source": ["shop.orders"]}, target)
    put(account, {"n": 1})
    (message,) = account.received("retry-dlq")
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert (
        attributes["ERROR_CODE"] == "INVALID_PARAMETER" and "ContentBasedDeduplication" in attributes["ERROR_MESSAGE"]
    )
    assert attributes["RETRY_ATTEMPTS"] == "0" and "EXHAUSTED_RETRY_CONDITION" not in attributes


class Flaky(Deliveries):
    """Real DLQ, real clock; the target itself fails `failures` times with a retryable error."""

    def __init__(self, endpoint, failures):
        super().__init__(endpoint)
        self.failures, self.calls = failures, 0

    def send(self, delivery):
        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryFailed("THROTTLING", "Rate exceeded", retryable=True)


@pytest.mark.parametrize(
    ("policy", "failures", "condition", "calls"),
    [
        ({"MaximumRetryAttempts": 2}, 10, "MaximumRetryAttempts", 3),
        ({"MaximumRetryAttempts": 5}, 2, None, 3),
    ],
)
def test_retryable_failures_are_retried_then_dead_lettered(account, lab_backend, policy, failures, condition, calls):
    _, dlq = account.queue("flaky-dlq")
    flaky = Flaky(lab_backend.endpoint, failures)
    delivery = Delivery(
        account=account.id,
        region="us-east-1",
        target={"Id": "t", "Arn": dlq, "RetryPolicy": policy, "DeadLetterConfig": {"Arn": dlq}},
        payload="{}",
        event={"id": "e-1"},
        sent_at=CLOCK.now(account.id),
        source_arn="arn:aws:events:us-east-1:123456789012:rule/r",
    )
    while flaky.attempt(delivery) is not None:  # the pool's timers, without the waiting
        pass
    assert flaky.calls == calls
    if condition is None:
        assert account.nothing_in("flaky-dlq", wait=1)
        return
    (message,) = account.received("flaky-dlq")
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == condition and attributes["ERROR_CODE"] == "THROTTLING"
    assert attributes["RETRY_ATTEMPTS"] == str(calls - 1)


def test_an_event_too_old_by_the_lab_clock_is_not_retried_again(account, lab_backend):
    _, dlq = account.queue("old-dlq")
    flaky = Flaky(lab_backend.endpoint, 100)
    delivery = Delivery(
        account=account.id,
        region="us-east-1",
        target={
            "Id": "t",
            "Arn": dlq,
            "RetryPolicy": {"MaximumEventAgeInSeconds": 60},
            "DeadLetterConfig": {"Arn": dlq},
        },
        payload="{}",
        event={"id": "e-2"},
        sent_at=CLOCK.now(account.id) - timedelta(seconds=61),
        source_arn="arn:aws:events:us-east-1:123456789012:rule/r",
    )
    while flaky.attempt(delivery) is not None:  # the pool's timers, without the waiting
        pass
    (message,) = account.received("old-dlq")
    assert message["MessageAttributes"]["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumEventAgeInSeconds"


def test_another_accounts_targets_are_refused_as_aws_refuses_them(account, lab_backend, settings):
    from courseware.labrunner.client.aws import AccountAws, control_token, new_account_id

    from .conftest import Account

    other = Account(AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id()))
    victim_function = other.function("victim")
    _, victim_queue = other.queue("victim-queue")
    other.client("events").create_event_bus(Name="theirs")
    _, dlq = account.queue("cross-dlq")
    targets = [
        {"Id": "f", "Arn": victim_function, "DeadLetterConfig": {"Arn": dlq}},
        {"Id": "q", "Arn": victim_queue, "DeadLetterConfig": {"Arn": dlq}},
    ]
    account.client("events").put_rule(Name="cross", EventPattern='{"source": ["shop.orders"]}')
    account.client("events").put_targets(Rule="cross", Targets=targets)
    put(account, {"n": 1})
    codes = sorted(
        message["MessageAttributes"]["ERROR_CODE"]["StringValue"] for message in account.received("cross-dlq", 2)
    )
    assert codes == ["NO_PERMISSIONS", "NO_PERMISSIONS"]
    assert other.nothing_in("victim-seen", wait=1) and other.nothing_in("victim-queue", wait=0)
    bus = f"arn:aws:events:us-east-1:{other.id}:event-bus/theirs"
    with pytest.raises(ClientError) as refused:
        account.client("events").put_events(
            Entries=[{"Source": "a", "DetailType": "b", "Detail": "{}", "EventBusName": bus}]
        )
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert control_token(settings.SECRET_KEY)  # the platform's own calls are the only ones that cross


def test_a_lambda_target_by_alias(account):
    function = account.function("aliased")
    lam = account.client("lambda")
    version = lam.publish_version(FunctionName="aliased")["Version"]
    alias = lam.create_alias(FunctionName="aliased", Name="live", FunctionVersion=version)["AliasArn"]
    rule_to(account, "to-alias", {"source": ["shop.orders"]}, {"Arn": alias})
    put(account, {"via": "alias"})
    (event,) = account.events_seen("aliased")
    assert event["detail"] == {"via": "alias"} and function.endswith(":aliased")


def test_the_pool_retries_on_timers_until_delivered(account, lab_backend):
    flaky = Flaky(lab_backend.endpoint, 2)
    delivery = Delivery(
        account=account.id,
        region="us-east-1",
        target={"Id": "t", "Arn": "arn:aws:sqs:us-east-1:123456789012:q"},
        payload="{}",
        event={"id": "e-3"},
        sent_at=CLOCK.now(account.id),
    )
    flaky.submit(delivery)
    for _ in range(100):  # bounded poll: two retries wait 0.5 s and 1 s
        if flaky.calls >= 3:
            break
        threading.Event().wait(0.1)
    assert flaky.calls == 3 and delivery.attempts == 2
    flaky.stop()


def test_a_function_that_never_granted_eventbridge_is_not_invoked(account):
    function = account.function("ungranted")
    _, dlq = account.queue("ungranted-dlq")
    target = {"Arn": function, "DeadLetterConfig": {"Arn": dlq}}
    rule_arn = rule_to(account, "no-grant", {"source": ["shop.orders"]}, target, grant=False)
    put(account, {"n": 1})
    (message,) = account.received("ungranted-dlq")
    attributes = {key: value["StringValue"] for key, value in message["MessageAttributes"].items()}
    assert attributes["ERROR_CODE"] == "NO_PERMISSIONS" and attributes["RULE_ARN"] == rule_arn
    assert "events.amazonaws.com is not authorized to perform: lambda:InvokeFunction" in attributes["ERROR_MESSAGE"]
    assert attributes["RETRY_ATTEMPTS"] == "0"
    assert account.nothing_in("ungranted-seen", wait=1)
    # A grant for another rule does not cover this one (aws:SourceArn), and then the right one does.
    account.allow_events(function, rule_arn.replace("no-grant", "other-rule"))
    put(account, {"n": 2})
    assert account.received("ungranted-dlq")[0]["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "NO_PERMISSIONS"
    account.allow_events(function, rule_arn)
    put(account, {"n": 3})
    assert [event["detail"] for event in account.events_seen("ungranted")] == [{"n": 3}]


def test_a_log_group_target_gets_the_event(account):
    logs = account.client("logs")
    logs.create_log_group(logGroupName="/aws/events/orders")
    group = logs.describe_log_groups(logGroupNamePrefix="/aws/events/orders")["logGroups"][0]["arn"]
    rule_to(account, "to-logs", {"source": ["shop.orders"]}, {"Arn": group})
    event_id = put(account, {"n": 7})
    found = []
    for _ in range(100):  # bounded poll
        found = logs.filter_log_events(logGroupName="/aws/events/orders")["events"]
        if found:
            break
        threading.Event().wait(0.1)
    (record,) = found
    assert json.loads(record["message"])["id"] == event_id
