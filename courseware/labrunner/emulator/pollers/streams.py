"""DynamoDB Streams and Kinesis mappings, polled shard by shard as Lambda polls them.

Each (mapping, shard) keeps a checkpoint: the last sequence number done with. A step reads the
records after it, drops those no filter matches, and waits for a full batch or the batching
window; then it invokes the function with up to `BatchSize` records, in order. A shard is
blocked while its batch fails, as on AWS: the same records are retried (after a short backoff:
0.25 s doubling to 4 s, not AWS's longer waits) until they succeed, `MaximumRetryAttempts`
runs out, or they are older than `MaximumRecordAgeInSeconds` (or the stream's retention); then
the batch goes to the on-failure destination (`.destinations`) and the shard moves on.

- `ReportBatchItemFailures`: the lowest reported sequence number is the new checkpoint; only the
  records from it on are retried (and they alone reach the destination).
- `BisectBatchOnFunctionError`: a failed batch is split in two, each half tried in turn, which
  does not count as a retry, until the failing record is alone.
- Throttles (the account's environments all busy) are retried without counting.

One step does at most one invocation, so a blocked shard holds no thread while it waits.
"""

import dataclasses
import time
from collections import deque

from . import destinations, dynamodb, kinesis
from .batching import reported_failures, window_open
from .filtering import matches_any, parse_criteria

SOURCES = {"dynamodb": dynamodb, "kinesis": kinesis}
READ_LIMIT = 10000  # records read per step, before filtering
BACKOFF = (0.25, 4.0)


@dataclasses.dataclass
class Attempt:
    records: list
    invokes: int = 0  # invocations that held these records (bisecting keeps the count)
    retries: int = 0  # failures counted against MaximumRetryAttempts


@dataclasses.dataclass
class Shard:
    checkpoint: int
    pending: deque = dataclasses.field(default_factory=deque)
    retry_at: float = 0.0


def source_of(esm):
    return SOURCES[esm.event_source_arn.split(":")[2]]


def start_positions(esm) -> dict:
    """Where a new mapping starts reading each shard (StartingPosition, taken at creation)."""
    source = source_of(esm)
    return source.start_positions(
        esm.account_id, esm.region, esm.event_source_arn, esm.starting_position, esm.starting_position_timestamp
    )


class StreamPoller:
    """Steps one shard of one mapping at a time (the caller keeps one step per shard in flight)."""

    def __init__(self, backend):
        self.backend = backend
        self.shards: dict[tuple[str, str], Shard] = {}

    def shard_ids(self, esm) -> list[str]:
        return source_of(esm).shard_ids(esm.account_id, esm.region, esm.event_source_arn)

    def forget(self, live_uuids: set[str]) -> None:
        for key in [key for key in self.shards if key[0] not in live_uuids]:
            del self.shards[key]

    def step(self, esm, function, shard_id: str) -> None:
        shard = self._shard(esm, shard_id)
        if not shard.pending and not self._next_batch(esm, function, shard_id, shard):
            return
        if time.monotonic() < shard.retry_at:
            return
        attempt = shard.pending[0]
        if not self._drop_expired(esm, function, shard_id, shard, attempt):
            return
        self._invoke(esm, function, shard_id, shard, attempt)

    def _shard(self, esm, shard_id: str) -> Shard:
        key = (esm.uuid, shard_id)
        if key not in self.shards:
            positions = getattr(esm, "positions", None) or {}
            self.shards[key] = Shard(checkpoint=positions.get(shard_id, 0 if "kinesis" in esm.event_source_arn else -1))
        return self.shards[key]

    def _next_batch(self, esm, function, shard_id: str, shard: Shard) -> bool:
        source = source_of(esm)
        records = source.read(
            esm.account_id, esm.region, esm.event_source_arn, shard_id, shard.checkpoint, READ_LIMIT, function
        )
        patterns = parse_criteria(esm.filter_criteria)
        batch, last_dropped = [], None
        for record in records:
            if not matches_any(patterns, source.filter_view(record)):
                if not batch:
                    last_dropped = record.seq  # dropped records at the head are done with
                continue
            batch.append(record)
            if len(batch) == esm.batch_size:
                break
        if last_dropped is not None:
            shard.checkpoint = last_dropped
        if not batch or window_open(len(batch), esm.batch_size, esm.max_batch_window or 0, batch[0].arrival):
            return False
        shard.pending.append(Attempt(records=batch))
        return True

    def _max_age(self, esm) -> float:
        source = source_of(esm)
        retention = (
            source.retention_seconds(esm.account_id, esm.region, esm.event_source_arn)
            if source is kinesis
            else dynamodb.RETENTION_SECONDS
        )
        age = esm.max_record_age if esm.max_record_age not in (None, -1) else retention
        return min(float(age), float(retention))

    def _drop_expired(self, esm, function, shard_id: str, shard: Shard, attempt: Attempt) -> bool:
        """Send records past their age to the destination; False if none of the batch is left."""
        limit = time.time() - self._max_age(esm)
        expired = [record for record in attempt.records if record.arrival < limit]
        if not expired:
            return True
        self._give_up(esm, function, shard_id, "RecordAgeExceeded", max(attempt.invokes, 1), None, expired)
        shard.checkpoint = max(shard.checkpoint, expired[-1].seq)
        attempt.records = attempt.records[len(expired) :]
        if not attempt.records:
            shard.pending.popleft()
            return False
        return True

    def _invoke(self, esm, function, shard_id: str, shard: Shard, attempt: Attempt) -> None:
        result = self.backend.execute(function, {"Records": [record.event for record in attempt.records]})
        if result.status == "throttled":  # never reached the function: not a retry
            shard.retry_at = time.monotonic() + BACKOFF[0]
            return
        attempt.invokes += 1
        failed_from = None
        if result.status != "ok":
            failed_from, function_error = 0, "Unhandled"
        elif "ReportBatchItemFailures" in (esm.function_response_types or []):
            failed_from, function_error = self._partial(result.response, attempt.records), None
        esm.last_processing_result = "OK" if failed_from is None else "PROBLEM: Function call failed"
        if failed_from is None:
            shard.checkpoint = attempt.records[-1].seq
            shard.pending.popleft()
            shard.retry_at = 0.0
            return
        if failed_from:  # the records before the lowest reported failure are done
            shard.checkpoint = attempt.records[failed_from - 1].seq
            attempt.records = attempt.records[failed_from:]
        self._failed(esm, function, shard_id, shard, attempt, function_error)

    @staticmethod
    def _partial(response, records) -> int | None:
        """Index of the first record to retry after a partial batch response (None: all done)."""
        numbers = [record.sequence_number for record in records]
        failed = reported_failures(response, numbers)
        if failed is None:
            return 0
        if not failed:
            return None
        return min(numbers.index(number) for number in failed)

    def _failed(self, esm, function, shard_id: str, shard: Shard, attempt: Attempt, function_error) -> None:
        if function_error and esm.bisect_on_error and len(attempt.records) > 1:
            half = len(attempt.records) // 2
            shard.pending.popleft()
            for part in (attempt.records[half:], attempt.records[:half]):
                shard.pending.appendleft(Attempt(records=part, invokes=attempt.invokes, retries=attempt.retries))
            return
        attempt.retries += 1
        limit = esm.max_retry_attempts if esm.max_retry_attempts is not None else -1
        if limit != -1 and attempt.retries > limit:
            self._give_up(
                esm, function, shard_id, "RetryAttemptsExhausted", attempt.invokes, function_error, attempt.records
            )
            shard.checkpoint = attempt.records[-1].seq
            shard.pending.popleft()
            shard.retry_at = 0.0
            return
        shard.retry_at = time.monotonic() + min(BACKOFF[0] * 2 ** (attempt.retries - 1), BACKOFF[1])

    def _give_up(self, esm, function, shard_id, condition, invokes, function_error, records) -> None:
        source = source_of(esm)
        record = destinations.failure_record(
            esm=esm,
            function=function,
            condition=condition,
            invokes=invokes,
            function_error=function_error,
            source=source,
            shard_id=shard_id,
            records=records,
        )
        destinations.send(self.backend.endpoint, esm, record, shard_id, records)
