"""Lambda's pollers: event source mappings for SQS (`.sqs`), DynamoDB Streams and Kinesis
(`.streams`, reading `.dynamodb` and `.kinesis`), with the mapping API made Lambda's (`.api`,
`.mappings`), the event filter language (`.filtering`) and on-failure destinations
(`.destinations`).

moto delivers all three inline, inside the write that produced the record, one record per call;
`install` stops that, and one thread (`Pollers`) finds every mapping each `POLL_SECONDS`, moves
mappings that were just created or changed to Enabled or Disabled, and hands each enabled
mapping's next step (per shard, for streams) to the invoker's pool, one step in flight per
queue or shard, so records stay in order. Every step acts inside the function's own account.
"""

import logging
import threading

from moto.awslambda.models import lambda_backends
from moto.sqs.models import Queue

from .. import lambda_patches
from ..tenancy import acting_as
from . import api, dynamodb, kinesis, mappings
from .sqs import SqsPoller
from .streams import StreamPoller

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2


def install() -> None:
    """moto's inline deliveries off, the mapping API Lambda's. Idempotent."""
    # moto would hand each message to the function inside SendMessage: the poller does it.
    Queue.lambda_event_source_mappings = property(lambda self: {}, lambda self, value: None)
    dynamodb.install()
    kinesis.install()
    api.install()


class Pollers:
    """One thread that steps every enabled mapping, through the invoker's pool."""

    def __init__(self, invoker):
        self.invoker = invoker
        self.sqs = SqsPoller(invoker.backend)
        self.streams = StreamPoller(invoker.backend)
        self._busy: set = set()  # queues and shards with a step in flight: one at a time each
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll_forever, daemon=True, name="lambda-pollers")

    def start(self) -> None:
        install()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _poll_forever(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                self.poll_once()
            except Exception:
                log.exception("event source mapping poll failed")

    def poll_once(self) -> None:
        if lambda_patches.current() is not self.invoker:
            return  # another backend in this process is the one in charge
        live = set()
        for account_id, regions in list(lambda_backends.items()):
            for lambdas in list(regions.values()):
                for esm in list(lambdas._event_source_mappings.values()):
                    live.add(esm.uuid)
                    mappings.settle(esm)
                    if mappings.is_polled(esm):
                        self._schedule(account_id, lambdas, esm)
        self.streams.forget(live)

    def _schedule(self, account_id: str, lambdas, esm) -> None:
        function = lambdas._lambdas.get_arn(esm.function_arn)
        if function is None:
            return
        if mappings.is_stream(esm.event_source_arn):
            with acting_as(account_id, "lambda"):
                shards = self.streams.shard_ids(esm)
            keys = [(esm.uuid, shard) for shard in shards]
        else:
            keys = [(esm.uuid, None)]
        for key in keys:
            with self._lock:
                if key in self._busy:
                    continue
                self._busy.add(key)
            self.invoker.pool.submit(self._step, account_id, esm, function, key)

    def _step(self, account_id: str, esm, function, key) -> None:
        try:
            with acting_as(account_id, "lambda"):
                if key[1] is None:
                    self.sqs.step(esm, function)
                else:
                    self.streams.step(esm, function, key[1])
        except Exception:
            log.exception("event source mapping %s failed a step", esm.uuid)
        finally:
            with self._lock:
                self._busy.discard(key)
