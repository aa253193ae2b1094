#!/usr/bin/env python
"""What a Step Functions execution costs here, beside baselines from the same run.

- A one-task machine (`lambda:invoke` of a warm function), started and polled to its end,
  against a direct synchronous Invoke of the same function: medians of `--runs` each, and the
  ratio (the machine's overhead is the engine, two more API calls and the polling).
- StartSyncExecution of the same machine as Express, against the same Invoke.
- State transitions per second: a loop of Pass states run until the history limit fails it
  (`--events` events), which bounds what a runaway machine costs the class in CPU time.

    .venv/bin/python bench/stepfunctions.py [--runs 20] [--events 5000]
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

from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.emulator.backend import LabBackend  # noqa: E402
from courseware.labrunner.emulator.stepfunctions import clocked  # noqa: E402
from courseware.sandbox import Sandbox, SandboxLimits  # noqa: E402
from tests.labrunner.emulator.sfn_helpers import finished, function, machine  # noqa: E402


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=4))).start()
    try:
        aws = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
        sfn, lam = aws.client("stepfunctions"), aws.client("lambda")
        arn = function(aws, "echo", "def handler(event, context):\n    return event\n")
        task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                "Parameters": {"FunctionName": arn, "Payload.$": "$"}}  # fmt: skip
        standard = machine(aws, "one", {"StartAt": "T", "States": {"T": task}})
        express = machine(aws, "fast", {"StartAt": "T", "States": {"T": task}}, "EXPRESS")
        lam.invoke(FunctionName=arn, Payload=b"{}")  # warm

        invoke = median_ms(lambda: lam.invoke(FunctionName=arn, Payload=b'{"a": 1}')["Payload"].read(), args.runs)
        run = median_ms(
            lambda: finished(aws, sfn.start_execution(stateMachineArn=standard, input='{"a": 1}')["executionArn"]),
            args.runs,
        )
        sync = median_ms(lambda: sfn.start_sync_execution(stateMachineArn=express, input='{"a": 1}'), args.runs)
        print(f"direct Invoke:                 {invoke:8.1f} ms (baseline)")
        print(f"Standard, start + poll to end: {run:8.1f} ms ({run / invoke:.1f}x)")
        print(f"Express, StartSyncExecution:   {sync:8.1f} ms ({sync / invoke:.1f}x)")

        clocked.HISTORY_LIMIT = args.events
        loop = machine(aws, "loop", {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}})
        start = time.perf_counter()
        done = finished(aws, sfn.start_execution(stateMachineArn=loop)["executionArn"], attempts=100_000)
        seconds = time.perf_counter() - start
        print(f"Pass loop: {args.events} events in {seconds:.1f} s, {args.events / seconds:,.0f} events/s "
              f"({done['error']}); AWS's limit of 25,000 would take {25_000 / (args.events / seconds):.0f} s")  # fmt: skip
        print(json.dumps({"invoke_ms": invoke, "standard_ms": run, "express_ms": sync}))
    finally:
        backend.stop()
        backend.sandbox.shutdown()


if __name__ == "__main__":
    main()
