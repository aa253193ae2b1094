"""S3 event notifications delivered as S3 delivers them.

moto raises the events and matches them to a bucket's configurations (event types, prefix and
suffix filters); what it gets wrong for a lab is replaced here:

- **Delivery**: moto invokes a function synchronously inside the PutObject call. S3 invokes
  asynchronously, so the record goes to Lambda's asynchronous queue (`.invoker`: retries and
  destinations), and only where the function's resource policy lets `s3.amazonaws.com` invoke it
  for this bucket and account (`.permissions`); otherwise nothing runs, as on AWS.
- **Validation**: PutBucketNotificationConfiguration (and CloudFormation's
  `NotificationConfiguration`) is refused with AWS's InvalidArgument "Unable to validate the
  following destination configurations" when a Lambda destination does not exist or S3 may not
  invoke it (unless the request sets SkipDestinationValidation). SQS and SNS destinations are not
  validated against the queue's or topic's policy (neither is enforced in the emulator): the
  configuration is accepted and delivered.
- **The record** is S3's own (`.s3_events`), with SNS's subject "Amazon S3 Notification".
- **Events moto misses or adds**: a delete on a versioned bucket creates a delete marker and
  raises `ObjectRemoved:DeleteMarkerCreated`; deleting a version raises `ObjectRemoved:Delete`
  with its versionId (moto: only when the last version goes); PutObject raises no
  `ObjectTagging:Put` (moto raises one on every upload).
- **CloudFormation**: moto drops `AWS::S3::Bucket`'s NotificationConfiguration (so SAM's
  `Events: S3` deployed and never fired); it is applied here through the same validation.
"""

import json
import logging
import threading

from moto.awslambda.utils import get_backend
from moto.s3 import notifications
from moto.s3.exceptions import InvalidArgumentError
from moto.s3.models import FakeBucket, S3Backend, s3_backends
from moto.s3.responses import S3Response
from moto.sns.models import sns_backends

from . import s3_events
from .lambda_policy import split_name
from .permissions import may_invoke, why_not

log = logging.getLogger(__name__)
Events = notifications.S3NotificationEvent
PRINCIPAL = "s3.amazonaws.com"
SNS_SUBJECT = "Amazon S3 Notification"
_quiet = threading.local()  # set while moto's own event for an operation is replaced by ours


def send_event(account_id: str, event_name: str, bucket, key) -> None:
    """moto's `notifications.send_event`, delivering S3's record the way S3 does."""
    config = bucket.notification_configuration
    if config is None or key is None or getattr(_quiet, "on", False):
        return
    if _moto_only(event_name, s3_events.current_request()):
        return
    removed = "ObjectRemoved" in event_name or "LifecycleExpiration" in event_name

    def body(notification) -> dict:
        return {
            "Records": [
                s3_events.record(
                    event_name=event_name, bucket=bucket, key=key, configuration_id=notification.id, removed=removed
                )
            ]
        }

    for notification in config.cloud_function:
        if notification.matches(event_name, key.name):
            _to_lambda(account_id, bucket, notification.arn, body(notification))
    for notification in config.queue:
        if notification.matches(event_name, key.name):
            region, name = notification.arn.split(":")[3], notification.arn.split(":")[-1]
            notifications._send_sqs_message(account_id, body(notification), name, region)
    for notification in config.topic:
        if notification.matches(event_name, key.name):
            _to_topic(account_id, notification.arn, body(notification))
    if config.event_bridge is not None:
        notifications._send_event_bridge_message(account_id, bucket, event_name, key)


def _moto_only(event_name: str, request: dict) -> bool:
    """Events moto raises that S3 does not: ObjectTagging:Put for every upload (S3: only for
    PutObjectTagging), and ObjectCreated:Put beside CompleteMultipartUpload."""
    if event_name == Events.OBJECT_TAGGING_PUT_EVENT:
        return "tagging" not in request["query"]
    completing = request["method"] == "POST" and "uploadId" in request["query"]
    return completing and event_name != Events.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD_EVENT


def _to_lambda(account_id: str, bucket, arn: str, body: dict) -> None:
    _, qualifier = split_name(arn)
    try:
        function = get_backend(account_id, arn.split(":")[3]).get_function(arn)
    except Exception:  # deleted since the configuration was put: S3 drops the event
        log.warning("S3 event for %s not delivered: the function no longer exists", arn)
        return
    if not may_invoke(
        function, principal=PRINCIPAL, source_arn=bucket.arn, source_account=bucket.account_id, qualifier=qualifier
    ):
        log.warning("S3 event not delivered: %s", why_not(function, principal=PRINCIPAL, qualifier=qualifier))
        return
    function.invoke(json.dumps(body), {"x-amz-invocation-type": "Event"}, {})


def _to_topic(account_id: str, arn: str, body: dict) -> None:
    try:
        sns_backends[account_id][arn.split(":")[3]].publish(message=json.dumps(body), arn=arn, subject=SNS_SUBJECT)
    except Exception:  # S3 publishes asynchronously: a topic gone since is the topic's loss
        log.warning("S3 event for %s not published", arn, exc_info=True)


def unauthorized(arn: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        "Unable to validate the following destination configurations", arn, f"Not authorized to invoke function [{arn}]"
    )


def check_destinations(backend: S3Backend, bucket, config: dict) -> None:
    """S3's check of each Lambda destination before it keeps a configuration."""
    for destination in config.get("CloudFunctionConfiguration") or []:
        arn = destination["CloudFunction"]
        _, qualifier = split_name(arn)
        try:
            function = get_backend(backend.account_id, arn.split(":")[3]).get_function(arn)
        except Exception:  # missing, or another account's (which no lab account can grant)
            raise unauthorized(arn) from None
        if not may_invoke(
            function, principal=PRINCIPAL, source_arn=bucket.arn, source_account=bucket.account_id, qualifier=qualifier
        ):
            raise unauthorized(arn)


_original_put = S3Backend.put_bucket_notification_configuration
_original_marker = S3Backend._set_delete_marker
_original_delete = S3Backend.delete_object
_original_setup = S3Response.setup_class
_original_bucket = FakeBucket.create_from_cloudformation_json.__func__


def put_bucket_notification_configuration(self, bucket_name: str, notification_config: dict) -> None:
    if not s3_events.current_request()["skip_validation"]:  # SkipDestinationValidation, as S3 allows
        check_destinations(self, self.get_bucket(bucket_name), notification_config or {})
    return _original_put(self, bucket_name, notification_config)


def _set_delete_marker(self, bucket_name: str, key_name: str):
    marker = _original_marker(self, bucket_name, key_name)
    send_event(self.account_id, Events.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT, self.get_bucket(bucket_name), marker)
    return marker


def delete_object(self, bucket_name: str, key_name: str, version_id: str | None = None, bypass: bool = False):
    bucket = self.get_bucket(bucket_name)
    if not (bucket.is_versioned and version_id):
        return _original_delete(self, bucket_name, key_name, version_id, bypass)
    target = next((k for k in bucket.keys.getlist(key_name, []) if str(k.version_id) == str(version_id)), None)
    _quiet.on = True
    try:
        result = _original_delete(self, bucket_name, key_name, version_id, bypass)
    finally:
        _quiet.on = False
    if result[0] and target is not None:
        send_event(self.account_id, Events.OBJECT_REMOVED_DELETE_EVENT, bucket, target)
    return result


def setup_class(self, request, full_url=None, headers=None):
    _original_setup(self, request, full_url, headers)
    authorization = (request.headers.get("Authorization") or "").split("Credential=", 1)
    s3_events.remember_request(
        access_key=authorization[1].split("/", 1)[0] if len(authorization) == 2 else "",
        source_ip=getattr(request, "remote_addr", None) or "127.0.0.1",
        method=request.method,
        query=getattr(request, "args", {}) or {},
        skip_validation=(request.headers.get("x-amz-skip-destination-validation") or "").lower() == "true",
    )


def cloudformation_config(properties: dict) -> dict:
    """CloudFormation's NotificationConfiguration in the shape the S3 API's parser gives moto."""
    kinds = (("LambdaConfigurations", "CloudFunction", "Function"), ("QueueConfigurations", "Queue", "Queue"))
    kinds += (("TopicConfigurations", "Topic", "Topic"),)
    config: dict = {}
    for section, name, field in kinds:
        for item in properties.get(section) or []:
            rules = (((item.get("Filter") or {}).get("S3Key") or {}).get("Rules")) or []
            entry = {name: item[field], "Event": [item["Event"]]}
            if rules:
                entry["Filter"] = {
                    "S3Key": {"FilterRule": [{"Name": r["Name"].lower(), "Value": r["Value"]} for r in rules]}
                }
            config.setdefault(f"{name}Configuration", []).append(entry)
    if (properties.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled") in (True, "true"):
        config["EventBridgeConfiguration"] = {}
    return config


def _bucket_from_cloudformation(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    bucket = _original_bucket(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    properties = cloudformation_json.get("Properties") or {}
    if properties.get("NotificationConfiguration"):
        backend, config = s3_backends[account_id]["aws"], cloudformation_config(properties["NotificationConfiguration"])
        check_destinations(backend, bucket, config)  # CloudFormation never skips the validation
        _original_put(backend, bucket.name, config)
    return bucket


def install() -> None:
    if getattr(notifications.send_event, "as_s3_delivers", False):
        return
    send_event.as_s3_delivers = True
    notifications.send_event = send_event
    S3Backend.put_bucket_notification_configuration = put_bucket_notification_configuration
    S3Backend._set_delete_marker = _set_delete_marker
    S3Backend.delete_object = delete_object
    S3Response.setup_class = setup_class
    FakeBucket.create_from_cloudformation_json = classmethod(_bucket_from_cloudformation)
