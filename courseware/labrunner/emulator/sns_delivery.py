"""SNS -> Lambda as SNS delivers it: the real envelope, asynchronously, only where permitted.

moto hands a Lambda subscription a canned sample (TopicArn `arn:aws:sns:EXAMPLE`, a fixed
MessageId, a 1970 timestamp, Subject "TestInvoke") and runs the function inside Publish. Here:

- the event is the one Lambda's documentation and Powertools' `SnsModel` describe: this topic's
  ARN, the publish's MessageId, the current Timestamp, Subject (null when none), Message,
  MessageAttributes as `{Type, Value}`, SignatureVersion, Signature (moto signs the envelope and
  serves the certificate at SigningCertUrl), UnsubscribeUrl naming this subscription, and
  EventSubscriptionArn;
- subscription filter policies (on attributes, or the body with `FilterPolicyScope:
  MessageBody`) are moto's matcher, which covers SNS's operators (exact, prefix, suffix,
  anything-but, numeric, exists, equals-ignore-case, `$or`);
- SNS invokes asynchronously (`InvocationType=Event`), so Lambda's retries and destinations apply;
- the function's resource policy must let `sns.amazonaws.com` invoke it for this topic
  (`.permissions`). When it does not, nothing runs and, as on AWS, the failure is visible only in
  the topic's delivery status log: with `LambdaFailureFeedbackRoleArn` set on the topic, a
  record goes to the log group `sns/REGION/ACCOUNT/TOPIC/Failure` (statusCode 403,
  AccessDeniedException).
"""

import hashlib
import json
import logging
import time
import uuid
from datetime import UTC, datetime

from moto.awslambda.utils import get_backend
from moto.logs.models import logs_backends
from moto.sns.models import Subscription

from .lambda_policy import split_name
from .permissions import may_invoke, why_not

log = logging.getLogger(__name__)
PRINCIPAL = "sns.amazonaws.com"
_original_publish = Subscription.publish


def publish(
    self,
    message,
    message_id,
    subject=None,
    message_attributes=None,
    group_id=None,
    deduplication_id=None,
    message_structure=None,
):
    if self.protocol != "lambda":
        return _original_publish(
            self, message, message_id, subject, message_attributes, group_id, deduplication_id, message_structure
        )
    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes, message):
        return None
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    deliver(self, message, message_id, subject, message_attributes or {})
    return None


def deliver(subscription: Subscription, message: str, message_id: str, subject, attributes: dict) -> None:
    arn, topic = subscription.endpoint, subscription.topic
    _, qualifier = split_name(arn)
    try:
        function = get_backend(subscription.account_id, arn.split(":")[3]).get_function(arn)
    except Exception:
        _failed(subscription, message, message_id, 404, "ResourceNotFoundException", f"Function not found: {arn}")
        return
    if not may_invoke(
        function, principal=PRINCIPAL, source_arn=topic.arn, source_account=topic.account_id, qualifier=qualifier
    ):
        reason = why_not(function, principal=PRINCIPAL, qualifier=qualifier)
        _failed(subscription, message, message_id, 403, "AccessDeniedException", reason)
        return
    event = {"Records": [record(subscription, message, message_id, subject, attributes)]}
    function.invoke(json.dumps(event), {"x-amz-invocation-type": "Event"}, {})


def record(subscription: Subscription, message: str, message_id: str, subject, attributes: dict) -> dict:
    """One record of the event, signed as SNS signs it (moto's signing, moto's certificate)."""
    signed = subscription.get_post_data(message, message_id, subject)
    region = subscription.topic.arn.split(":")[3]
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription.arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": subscription.topic.arn,
            "Subject": subject or None,
            "Message": message,
            "Timestamp": signed["Timestamp"],
            "SignatureVersion": signed["SignatureVersion"],
            "Signature": signed["Signature"],
            "SigningCertUrl": signed["SigningCertURL"],
            "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription.arn}",
            "MessageAttributes": {
                name: {"Type": value["Type"], "Value": str(value["Value"])} for name, value in attributes.items()
            },
        },
    }


def _failed(subscription: Subscription, message: str, message_id: str, status: int, code: str, reason: str) -> None:
    log.warning("SNS delivery to %s failed: %s", subscription.endpoint, reason)
    topic = subscription.topic
    if not getattr(topic, "lambda_failure_feedback_role_arn", None):
        return  # AWS logs delivery status only for topics that ask for it
    region, account, name = topic.arn.split(":")[3], topic.account_id, topic.arn.split(":")[5]
    now = datetime.now(UTC)
    entry = {
        "notification": {
            "messageMD5Sum": hashlib.md5(message.encode(), usedforsecurity=False).hexdigest(),
            "messageId": message_id,
            "topicArn": topic.arn,
            "timestamp": now.isoformat(sep=" ", timespec="milliseconds").replace("+00:00", ""),
        },
        "delivery": {
            "deliveryId": str(uuid.uuid4()),
            "destination": subscription.endpoint,
            "providerResponse": json.dumps(
                {"ErrorCode": code, "ErrorMessage": reason, "lambdaRequestId": "Unrecoverable"}
            ),
            "dwellTimeMs": 0,
            "attempts": 1,
            "statusCode": status,
        },
        "status": "FAILURE",
    }
    logs = logs_backends[account][region]
    group = f"sns/{region}/{account}/{name}/Failure"
    logs.ensure_log_group(group)
    stream = str(uuid.uuid4())
    logs.groups[group].create_log_stream(stream)
    logs.groups[group].put_log_events(stream, [{"timestamp": int(time.time() * 1000), "message": json.dumps(entry)}])


def install() -> None:
    if getattr(Subscription.publish, "as_sns_delivers", False):
        return
    publish.as_sns_delivers = True
    Subscription.publish = publish
