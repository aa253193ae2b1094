"""A stream mapping's on-failure destination: the invocation record Lambda sends when it gives up
on a batch, to an SQS queue, an SNS topic or an S3 bucket, in AWS's shape.

SQS and SNS get the record with the batch's position (`KinesisBatchInfo` / `DDBStreamBatchInfo`:
shard, first and last sequence numbers, arrival times, size) but not the records themselves, which
the reader fetches from the stream; S3 gets the records too (`payload`), under
`aws/lambda/<mapping UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`, as AWS writes it.
"""

import json
import logging
import uuid
from datetime import UTC, datetime

from ...client.aws import AccountAws

log = logging.getLogger(__name__)


def failure_record(*, esm, function, condition: str, invokes: int, function_error, source, shard_id, records) -> dict:
    """`condition`: RetryAttemptsExhausted (with the last response's context) or RecordAgeExceeded."""
    record = {
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": function.function_arn,
            "condition": condition,
            "approximateInvokeCount": invokes,
        },
    }
    if condition == "RetryAttemptsExhausted":
        record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST", "functionError": function_error}
    record["version"] = "1.0"
    record["timestamp"] = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    record[source.BATCH_INFO] = {
        "shardId": shard_id,
        "startSequenceNumber": records[0].sequence_number,
        "endSequenceNumber": records[-1].sequence_number,
        "approximateArrivalOfFirstRecord": source.arrival_text(records[0].arrival),
        "approximateArrivalOfLastRecord": source.arrival_text(records[-1].arrival),
        "batchSize": len(records),
        "streamArn": esm.event_source_arn,
    }
    return record


def send(endpoint: str, esm, record: dict, shard_id: str, records) -> None:
    """Deliver `record` to the mapping's OnFailure destination, as the function's account."""
    arn = ((esm.destination_config or {}).get("OnFailure") or {}).get("Destination")
    if not arn:
        return
    aws = AccountAws(endpoint=endpoint, account_id=esm.account_id)
    service = arn.split(":")[2]
    try:
        if service == "sqs":
            sqs = aws.client("sqs")
            url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))
        elif service == "sns":
            aws.client("sns").publish(TopicArn=arn, Message=json.dumps(record))
        elif service == "s3":
            body = {**record, "payload": {"Records": [r.event for r in records]}}
            aws.client("s3").put_object(Bucket=arn.split(":")[-1], Key=s3_key(esm, shard_id), Body=json.dumps(body))
    except Exception:  # as on AWS, a destination that cannot take the record loses it
        log.exception("on-failure destination %s of mapping %s refused the record", arn, esm.uuid)


def s3_key(esm, shard_id: str) -> str:
    now = datetime.now(UTC)
    return f"aws/lambda/{esm.uuid}/{shard_id}/{now:%Y/%m/%d}/{now:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4()}"
