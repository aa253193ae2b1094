"""Kinesis Data Streams as Lambda reads them: each shard's records in order, one batch per shard.

moto (5.2.5) numbers each shard's records 1, 2, 3... (distinct and increasing, as AWS's are, if
shorter) and calls each mapped function inside PutRecord, one record at a time; `install` stops
that, and the poller (`.streams`) reads each shard as Lambda does. Shards are read as they are
when the mapping first meets them: resharding (splits and merges, parent shards first) is not
emulated. Records expire after the stream's retention period.
"""

import base64
import dataclasses
import json
from datetime import UTC, datetime

from moto.kinesis.models import Stream, kinesis_backends

BATCH_INFO = "KinesisBatchInfo"


@dataclasses.dataclass(frozen=True)
class Record:
    seq: int
    arrival: float
    event: dict

    @property
    def sequence_number(self) -> str:
        return str(self.seq)


def install() -> None:
    # moto would invoke every mapped function inside PutRecord: the poller does it instead.
    Stream.lambda_event_source_mappings = property(lambda self: {}, lambda self, value: None)


def _stream(account_id: str, region: str, arn: str):
    for stream in kinesis_backends[account_id][region].streams.values():
        if stream.arn == arn:
            return stream
    return None


def exists(account_id: str, region: str, arn: str) -> bool:
    return _stream(account_id, region, arn) is not None


def retention_seconds(account_id: str, region: str, arn: str) -> int:
    stream = _stream(account_id, region, arn)
    return int(getattr(stream, "retention_period_hours", 24) or 24) * 3600


def start_positions(account_id: str, region: str, arn: str, position: str, timestamp=None) -> dict:
    stream = _stream(account_id, region, arn)
    positions = {}
    for shard in stream.shards.values():
        if position == "LATEST":
            positions[shard.shard_id] = shard.get_max_sequence_number()
        elif position == "AT_TIMESTAMP":
            at = timestamp.timestamp() if isinstance(timestamp, datetime) else float(timestamp or 0)
            before = [seq for seq, record in shard.records.items() if record.created_at < at]
            positions[shard.shard_id] = before[-1] if before else 0
        else:
            positions[shard.shard_id] = 0
    return positions


def shard_ids(account_id: str, region: str, arn: str) -> list[str]:
    stream = _stream(account_id, region, arn)
    return [shard.shard_id for shard in stream.shards.values()] if stream else []


def read(account_id: str, region: str, arn: str, shard_id: str, after: int, limit: int, function) -> list[Record]:
    stream = _stream(account_id, region, arn)
    shard = next((s for s in stream.shards.values() if s.shard_id == shard_id), None) if stream else None
    if shard is None:
        return []
    found = []
    for seq, record in list(shard.records.items()):
        if seq > after:
            found.append(_record(record, shard_id, arn, region, function))
            if len(found) == limit:
                break
    return found


def _record(record, shard_id: str, arn: str, region: str, function) -> Record:
    arrival = round(float(record.created_at), 3)
    event = {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record.partition_key,
            "sequenceNumber": str(record.sequence_number),
            "data": record.data,  # moto keeps the base64 text PutRecord carried, as Lambda sends it
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{record.sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": function.role,
        "awsRegion": region,
        "eventSourceARN": arn,
    }
    return Record(seq=int(record.sequence_number), arrival=arrival, event=event)


def filter_view(record: Record) -> dict:
    """`data` is matched as the JSON it holds (Lambda decodes it); other data matches no data filter."""
    view = dict(record.event)
    kinesis = dict(view["kinesis"])
    try:
        kinesis["data"] = json.loads(base64.b64decode(kinesis["data"]))
    except ValueError:
        pass
    view["kinesis"] = kinesis
    view["data"] = kinesis["data"]
    return view


def arrival_text(arrival: float) -> str:
    """How a KinesisBatchInfo writes a time: with milliseconds."""
    return datetime.fromtimestamp(arrival, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
