#!/usr/bin/env python
"""What EventBridge costs here, each figure beside a baseline from the same run.

- PutEvents to an SQS target (one rule, one target): median latency from the call to the message
  being receivable, against SendMessage straight to the queue (the same delivery without a bus).
- A clock jump over a schedule: `advance_clock` by one day on `rate(1 hour)` (24 deliveries made
  before it answers), against 24 sequential SendMessage calls.
- The pattern matcher: matches per second of a six-field pattern (prefix, numeric, anything-but,
  exists, wildcard, `$or`) against one event, against moto's own matcher on the same pattern.

    .venv/bin/python bench/events.py [--calls 50]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

import django  # noqa: E402

django.setup()

from moto.events.models import EventPattern  # noqa: E402

from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.client.clock import advance_clock  # noqa: E402
from courseware.labrunner.emulator.backend import LabBackend  # noqa: E402
from courseware.labrunner.emulator.events import patterns  # noqa: E402
from courseware.sandbox import Sandbox, SandboxLimits  # noqa: E402

PATTERN = {
    "source": [{"prefix": "shop."}],
    "detail": {
        "total": [{"numeric": [">", 10, "<=", 500]}],
        "state": [{"anything-but": ["cancelled", "failed"]}],
        "coupon": [{"exists": False}],
        "file": [{"wildcard": "orders/*.json"}],
    },
    "$or": [{"detail-type": ["OrderPlaced"]}, {"detail-type": ["OrderUpdated"]}],
}
EVENT = {
    "source": "shop.orders",
    "detail-type": "OrderPlaced",
    "detail": {"total": 120, "state": "new", "file": "orders/o-1.json"},
}


MOTO_MATCHES = EventPattern.matches_event  # moto's own, taken before the lab backend replaces it


def drain_one(sqs, url: str) -> None:
    while not (messages := sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages")):
        pass
    sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])


def latency(call, sqs, url: str, count: int) -> float:
    found = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        drain_one(sqs, url)
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def matcher_rate(match, seconds: float = 1.0) -> float:
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        match()
        count += 1
    return count / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    calls = parser.parse_args().calls
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=2))).start()
    try:
        aws = AccountAws(endpoint=backend.endpoint, account_id=new_account_id(), control=backend.control_token)
        sqs, events = aws.client("sqs"), aws.client("events")
        url = sqs.create_queue(QueueName="bench")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="bench", EventPattern=json.dumps({"source": ["bench"]}))
        events.put_targets(Rule="bench", Targets=[{"Id": "q", "Arn": arn}])
        entry = {"Source": "bench", "DetailType": "x", "Detail": "{}"}
        direct = latency(lambda: sqs.send_message(QueueUrl=url, MessageBody="{}"), sqs, url, calls)
        bus = latency(lambda: events.put_events(Entries=[entry]), sqs, url, calls)
        print(f"PutEvents -> SQS target: {bus:.1f} ms median; SendMessage: {direct:.1f} ms; ratio {bus / direct:.2f}")

        events.remove_targets(Rule="bench", Ids=["q"])
        events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
        events.put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": arn}])
        start = time.perf_counter()
        advance_clock(aws, 86400)
        jump = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        for _ in range(24):
            sqs.send_message(QueueUrl=url, MessageBody="{}")
        sends = (time.perf_counter() - start) * 1000
        print(
            f"advance_clock(1 day) on rate(1 hour): {jump:.0f} ms; 24 SendMessage: {sends:.0f} ms; ratio {jump / sends:.2f}"
        )
    finally:
        backend.stop()
        backend.sandbox.shutdown()

    ours = patterns.parse(json.dumps(PATTERN))
    theirs = EventPattern(json.dumps(PATTERN), PATTERN)
    assert patterns.matches(ours, EVENT)
    mine = matcher_rate(lambda: patterns.matches(ours, EVENT))
    moto = matcher_rate(lambda: MOTO_MATCHES(theirs, EVENT))
    print(f"pattern matches/s: {mine:,.0f}; moto's matcher: {moto:,.0f}; ratio {mine / moto:.2f}")


if __name__ == "__main__":
    main()
