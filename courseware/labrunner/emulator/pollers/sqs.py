"""SQS mappings, polled as Lambda polls a queue.

moto hands each message to the function on its own, inside SendMessage, with no batch, no
partial batch failures and no retry through the visibility timeout; lab 3 teaches exactly those.
Here a step waits for a full batch or the batching window, receives up to `BatchSize` messages,
deletes those no filter matches (as Lambda does: they are consumed, never delivered), invokes the
function once with the rest, and deletes what succeeded (with `ReportBatchItemFailures`, all but
the reported `batchItemFailures`). The rest reappear after the queue's visibility timeout, and
moto's `maxReceiveCount` redrive then moves them to the dead-letter queue.
"""

import base64
import json

from moto.sqs.models import sqs_backends

from .batching import reported_failures, window_open
from .filtering import matches_any, parse_criteria


class SqsPoller:
    def __init__(self, backend):
        self.backend = backend

    def step(self, esm, function) -> None:
        queues = sqs_backends[esm.account_id][esm.region]
        name = esm.event_source_arn.rsplit(":", 1)[1]
        queue = queues.queues.get(name)
        if queue is None:
            return
        visible = queue.messages
        if not visible:
            return
        oldest = min(message.sent_timestamp for message in visible) / 1000
        if window_open(len(visible), esm.batch_size, esm.max_batch_window or 0, oldest):
            return
        # Lambda hands over every attribute and message attribute.
        messages = queues.receive_message(name, int(esm.batch_size), 0, int(queue.visibility_timeout), ["All"])
        patterns = parse_criteria(esm.filter_criteria)
        batch = []
        for message in messages:
            record = sqs_record(message, queue, esm.region)
            if matches_any(patterns, filter_view(record)):
                batch.append((message, record))
            else:
                queues.delete_message(name, message.receipt_handle)
        if batch:
            self._deliver(esm, function, queues, name, batch)

    def _deliver(self, esm, function, queues, name: str, batch: list) -> None:
        result = self.backend.execute(function, {"Records": [record for _, record in batch]})
        failed = set()
        if result.status != "ok":
            failed = {message.id for message, _ in batch}
        elif "ReportBatchItemFailures" in (esm.function_response_types or []):
            ids = [message.id for message, _ in batch]
            reported = reported_failures(result.response, ids)
            failed = set(ids) if reported is None else reported
        for message, _ in batch:
            if message.id not in failed:
                queues.delete_message(name, message.receipt_handle)


def filter_view(record: dict) -> dict:
    """A body holding JSON is filtered as that JSON; any other body as its text."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        return record
    return {**record, "body": body}


def sqs_record(message, queue, region: str) -> dict:
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": message_attributes_of(message),
        "messageAttributes": {key: message_attribute(value) for key, value in message.message_attributes.items()},
        "md5OfMessageAttributes": message.attribute_md5 if message.message_attributes else None,
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.queue_arn,
        "awsRegion": region,
    }


def message_attributes_of(message) -> dict:
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": message.sender_id,
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.group_id is not None:  # FIFO queues: what Lambda adds for them
        attributes["SequenceNumber"] = str(message.sequence_number)
        attributes["MessageGroupId"] = message.group_id
        attributes["MessageDeduplicationId"] = message.deduplication_id
    return attributes


def message_attribute(value: dict) -> dict:
    """One SQS message attribute as Lambda's SQS event shows it (moto keeps the API's casing)."""
    attribute = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
    if value.get("BinaryValue") is not None:
        binary = value["BinaryValue"]
        attribute["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
    else:
        attribute["stringValue"] = value.get("StringValue")
    return attribute
