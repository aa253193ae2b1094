"""What every poller shares: when a batch is ready, and what a partial batch response says."""

import time


def window_open(count: int, batch_size: int, window_s: float, oldest_arrival: float) -> bool:
    """True while Lambda would still wait for more records: fewer than a full batch, and the
    oldest has waited less than MaximumBatchingWindowInSeconds."""
    return bool(window_s) and count < batch_size and time.time() - oldest_arrival < float(window_s)


def reported_failures(response, identifiers: list[str]) -> set[str] | None:
    """The identifiers a function reported as failed (`batchItemFailures`), or None when its
    answer fails the whole batch, as Lambda documents: an item without an `itemIdentifier`, an
    empty or null one, one that is not in the batch, or an answer that is not a response object.
    An empty or null answer, an empty object and an empty or null list mean complete success."""
    if response is None or response == "" or response == {}:
        return set()
    if not isinstance(response, dict):
        return None
    items = response.get("batchItemFailures")
    if not items:
        return set()
    if not isinstance(items, list):
        return None
    failed = set()
    for item in items:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in identifiers:
            return None
        failed.add(identifier)
    return failed
