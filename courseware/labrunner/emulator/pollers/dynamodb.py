"""DynamoDB Streams as Lambda reads them: one shard per table, records kept in order.

moto (5.2.5) keeps a table's stream records in `StreamShard.items`, numbers each record
`starting_sequence_number + len(items)`, hands the whole list to each mapped function inside the
write that made it, and then empties the list: so every record got the same SequenceNumber, each
write was delivered on its own, and a reader of the stream (GetRecords) lost what Lambda had
seen. `install` keeps the records (each with its own, increasing number), writes each record's
region and event version as DynamoDB does, and leaves delivery to the poller (`.streams`), which
reads the shard as Lambda's pollers read it.

A record's retention is 24 hours on AWS; here records are kept while the lab backend runs, and a
mapping counts anything older than 24 hours as expired (`RETENTION_SECONDS`).
"""

import dataclasses
from datetime import UTC, datetime

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import StreamRecord, StreamShard

RETENTION_SECONDS = 24 * 3600
BATCH_INFO = "DDBStreamBatchInfo"
_original_record_init = StreamRecord.__init__


@dataclasses.dataclass(frozen=True)
class Record:
    seq: int
    arrival: float  # seconds since the epoch
    event: dict  # the record as Lambda hands it to the function

    @property
    def sequence_number(self) -> str:
        return str(self.seq)


def _record_init(self, table, stream_type, event_name, old, new, seq):
    _original_record_init(self, table, stream_type, event_name, old, new, seq)
    self.record["awsRegion"] = table.region_name
    self.record["eventVersion"] = "1.1"  # what DynamoDB Streams writes today, in GetRecords and for Lambda


def _add(self: StreamShard, old, new) -> None:
    """Keep every record, numbered in order; the poller delivers them (moto's add invoked Lambda here)."""
    view = self.table.stream_specification["StreamViewType"]
    event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    seq = self.starting_sequence_number + len(self.items)
    self.items.append(StreamRecord(self.table, view, event_name, old, new, seq))


def install() -> None:
    StreamShard.add = _add
    StreamRecord.__init__ = _record_init


def _table(account_id: str, region: str, arn: str):
    """The table whose current stream is `arn`, or None."""
    tables = dynamodb_backends[account_id][region].tables
    parts = arn.split(":", 5)[-1].split("/")
    table = tables.get(parts[1]) if len(parts) == 4 else None
    if table is None or table.stream_shard is None or table.latest_stream_label != parts[3]:
        return None
    return table


def exists(account_id: str, region: str, arn: str) -> bool:
    return _table(account_id, region, arn) is not None


def start_positions(account_id: str, region: str, arn: str, position: str, timestamp=None) -> dict:
    """The last sequence number a new mapping counts as read, per shard (LATEST: all of them so far)."""
    shard = _table(account_id, region, arn).stream_shard
    if position == "LATEST":
        return {shard.id: shard.starting_sequence_number + len(shard.items) - 1}
    return {shard.id: shard.starting_sequence_number - 1}


def shard_ids(account_id: str, region: str, arn: str) -> list[str]:
    table = _table(account_id, region, arn)
    return [table.stream_shard.id] if table else []


def read(account_id: str, region: str, arn: str, shard_id: str, after: int, limit: int, function) -> list[Record]:
    """Up to `limit` records after sequence number `after`, in order, shaped as Lambda sends them."""
    table = _table(account_id, region, arn)
    if table is None or table.stream_shard.id != shard_id:
        return []
    shard = table.stream_shard
    start = max(0, after + 1 - shard.starting_sequence_number)
    return [_record(item.to_json(), arn) for item in shard.items[start : start + limit]]


def _record(stored: dict, arn: str) -> Record:
    created = stored["dynamodb"]["ApproximateCreationDateTime"]
    created = created.replace(tzinfo=UTC) if isinstance(created, datetime) else created
    arrival = created.timestamp() if isinstance(created, datetime) else float(created)
    change = {key: value for key, value in stored["dynamodb"].items() if key != "ApproximateCreationDateTime"}
    event = {
        "eventID": stored["eventID"],
        "eventName": stored["eventName"],
        "eventVersion": stored["eventVersion"],
        "eventSource": "aws:dynamodb",
        "awsRegion": stored["awsRegion"],
        "dynamodb": {"ApproximateCreationDateTime": float(int(arrival)), **change},  # epoch seconds, as a float
        "eventSourceARN": arn,
    }
    return Record(seq=int(stored["dynamodb"]["SequenceNumber"]), arrival=arrival, event=event)


def filter_view(record: Record) -> dict:
    """A DynamoDB record is filtered as it is sent (`dynamodb.NewImage.status.S`, `eventName`...)."""
    return record.event


def arrival_text(arrival: float) -> str:
    """How a DDBStreamBatchInfo writes a time: seconds, no fraction."""
    return datetime.fromtimestamp(arrival, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
