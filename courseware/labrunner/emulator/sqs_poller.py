"""SQS event source mappings, polled as Lambda polls them.

moto hands each message to the function on its own, inside the SendMessage call, with no batch,
no partial batch failures and no retry through the visibility timeout; lab 3 teaches exactly
those. Here a poller receives up to `BatchSize` messages, invokes the function once per batch,
deletes what succeeded (with `ReportBatchItemFailures`, all but the listed `batchItemFailures`),
and leaves the rest to reappear after the queue's visibility timeout; moto's `maxReceiveCount`
redrive then moves them to the dead-letter queue.
"""

import base64
import logging
import threading

from moto.awslambda.models import lambda_backends
from moto.sqs.models import sqs_backends

from . import lambda_patches

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2


class SqsPoller:
    """One thread that finds enabled SQS mappings and hands their batches to the invoker's pool."""

    def __init__(self, invoker):
        self.invoker = invoker
        self._busy: set[str] = set()  # mappings with a batch in flight: one at a time each
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll_forever, daemon=True, name="sqs-esm")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _poll_forever(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self._poll_once()
            except Exception:
                log.exception("SQS event source poll failed")

    def _poll_once(self) -> None:
        if lambda_patches.current() is not self.invoker:
            return  # another backend in this process is the one in charge
        for account_id, regions in list(lambda_backends.items()):
            for region, lambdas in list(regions.items()):
                for mapping in list(lambdas._event_source_mappings.values()):
                    if ":sqs:" not in mapping.event_source_arn or not mapping.enabled:
                        continue
                    with self._lock:
                        if mapping.uuid in self._busy:
                            continue
                        self._busy.add(mapping.uuid)
                    self.invoker.pool.submit(self._deliver_batch, account_id, region, lambdas, mapping)

    def _deliver_batch(self, account_id, region, lambdas, mapping) -> None:
        try:
            queues = sqs_backends[account_id][region]
            name = mapping.event_source_arn.rsplit(":", 1)[1]
            if name not in queues.queues:
                return
            queue = queues.queues[name]
            messages = queues.receive_message(  # Lambda hands over every message attribute
                name, int(mapping.batch_size or 10), 0, int(queue.visibility_timeout), ["All"]
            )
            if not messages:
                return
            function = lambdas._lambdas.get_arn(mapping.function_arn)
            result = self.invoker.backend.execute(function, sqs_event(messages, queue, region))
            failed = set()
            if result.status != "ok":
                failed = {message.id for message in messages}
            elif "ReportBatchItemFailures" in (mapping.function_response_types or []):
                failed = reported_failures(result.response, messages)
            for message in messages:
                if message.id not in failed:
                    queues.delete_message(name, message.receipt_handle)
        except Exception:
            log.exception("SQS batch for %s failed", mapping.function_arn)
        finally:
            with self._lock:
                self._busy.discard(mapping.uuid)


def reported_failures(response, messages) -> set[str]:
    """Lambda's partial batch response; a malformed one fails the whole batch, as on AWS."""
    ids = {message.id for message in messages}
    if response is None or (isinstance(response, dict) and not response.get("batchItemFailures")):
        return set()
    try:
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
    except (TypeError, KeyError):
        return ids
    return failed if failed <= ids else ids


def sqs_event(messages, queue, region: str) -> dict:
    records = []
    for message in messages:
        records.append(
            {
                "messageId": message.id,
                "receiptHandle": message.receipt_handle,
                "body": message.body,
                "attributes": {
                    "ApproximateReceiveCount": str(message.approximate_receive_count),
                    "SentTimestamp": str(message.sent_timestamp),
                    "SenderId": message.sender_id,
                    "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
                },
                "messageAttributes": {
                    key: message_attribute(value) for key, value in message.message_attributes.items()
                },
                "md5OfBody": message.body_md5,
                "eventSource": "aws:sqs",
                "eventSourceARN": queue.queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def message_attribute(value: dict) -> dict:
    """One SQS message attribute as Lambda's SQS event shows it (moto keeps the API's casing)."""
    attribute = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
    if value.get("BinaryValue") is not None:
        binary = value["BinaryValue"]
        attribute["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
    else:
        attribute["stringValue"] = value.get("StringValue")
    return attribute
