"""An S3 event notification record as S3 writes it (`eventVersion` 2.1).

moto's record lacks `userIdentity`, `requestParameters`, `responseElements`, the bucket's
`ownerIdentity`, the object's `sequencer` and `versionId`, and encodes `/` in keys as `%2F`. Here
each field is AWS's (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
checked against AWS's published samples and Powertools' `S3Model` in
`tests/labrunner/emulator/test_event_conformance.py`. What cannot be AWS's own value says so:

- `userIdentity.principalId` is `AWS:` and the caller's access key id (AWS gives the IAM
  principal's unique id, which the emulator does not keep);
- `ownerIdentity.principalId` is a stable id derived from the bucket owner's account (AWS's is the
  owner's canonical user id, in the same short form);
- `sourceIPAddress` is the address the request came from (learner code: the sandbox's loopback).

The request's caller, address and id are remembered per thread when moto's S3 handler starts a
request (`remember_request`), since the event is raised deep inside moto's backend.
"""

import base64
import hashlib
import itertools
import secrets
import threading
import time
from datetime import UTC, datetime
from urllib.parse import quote_plus

_request = threading.local()
_sequence = itertools.count()
_sequence_lock = threading.Lock()


def remember_request(*, access_key: str, source_ip: str, method: str, query: dict, skip_validation: bool) -> None:
    _request.__dict__.update(
        skip_validation=skip_validation,
        access_key=access_key,
        source_ip=source_ip,
        method=method,
        query=set(query),
        request_id=secrets.token_hex(8).upper(),
        id_2=base64.b64encode(secrets.token_bytes(56)).decode(),
    )


def current_request() -> dict:
    return {
        "skip_validation": getattr(_request, "skip_validation", False),
        "access_key": getattr(_request, "access_key", ""),
        "source_ip": getattr(_request, "source_ip", "127.0.0.1"),
        "method": getattr(_request, "method", ""),
        "query": getattr(_request, "query", set()),
        "request_id": getattr(_request, "request_id", "") or secrets.token_hex(8).upper(),
        "id_2": getattr(_request, "id_2", "") or base64.b64encode(secrets.token_bytes(56)).decode(),
    }


def encoded_key(key: str) -> str:
    """A key as S3 writes it into an event: URL-encoded, spaces as `+`, `/` kept."""
    return quote_plus(key, safe="/")


def owner_id(account_id: str) -> str:
    digest = base64.b32encode(hashlib.sha256(account_id.encode()).digest()).decode()
    return "A" + digest[:13]


def sequencer() -> str:
    """Increasing for every event, as S3's per-key sequencer is: later events sort after earlier ones."""
    with _sequence_lock:
        count = next(_sequence)
    return f"{time.time_ns():016X}{count % 256:02X}"


def record(*, event_name: str, bucket, key, configuration_id: str, removed: bool) -> dict:
    """One record of `Records` for `event_name` (e.g. "s3:ObjectCreated:Put") on `key` (moto's)."""
    request = current_request()
    obj = {"key": encoded_key(key.name)}
    if not removed:
        obj["size"] = int(key.size)
        obj["eTag"] = key.etag.replace('"', "")
    if bucket.is_versioned and getattr(key, "version_id", None) not in (None, "null"):
        obj["versionId"] = str(key.version_id)
    obj["sequencer"] = sequencer()
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": bucket.region_name,
        "eventTime": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "eventName": event_name.removeprefix("s3:"),
        "userIdentity": {"principalId": f"AWS:{request['access_key'] or bucket.account_id}"},
        "requestParameters": {"sourceIPAddress": request["source_ip"]},
        "responseElements": {"x-amz-request-id": request["request_id"], "x-amz-id-2": request["id_2"]},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket.name,
                "ownerIdentity": {"principalId": owner_id(bucket.account_id)},
                "arn": bucket.arn,
            },
            "object": obj,
        },
    }
