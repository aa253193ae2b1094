#!/usr/bin/env python
"""What tenancy costs, and what it buys: two figures, each beside a baseline from the same run.

- Ingress cost: an SQS `ListQueues` (the smallest API call) through the lab backend's ingress,
  against the same call through moto's own dispatcher (the bare `ThreadedMotoServer`), both on
  the host port of one process. Median latency of `--calls` sequential calls.
- Noisy neighbour: one account's function invoked `--calls` times while idle, then while another
  account's function (one vCPU) hammers its own socket with 24 threads and no SDK retries; the
  medians and their ratio (the test holds it under 2x), and what the hammer got.

    .venv/bin/python bench/tenancy.py [--calls 200]
"""

import argparse
import io
import json
import os
import statistics
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

import django  # noqa: E402

django.setup()

from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402

from courseware.labrunner.client.aws import AccountAws, new_account_id  # noqa: E402
from courseware.labrunner.deploy.function import execution_role  # noqa: E402
from courseware.labrunner.emulator.backend import LabBackend, free_port  # noqa: E402
from courseware.sandbox import Sandbox, SandboxLimits  # noqa: E402
from tests.labrunner.emulator.test_account_limits import HAMMER  # noqa: E402


def zipped(source: str) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("handler.py", source)
    return archive.getvalue()


def median_ms(call, count: int) -> float:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        found.append(time.perf_counter() - started)
    return statistics.median(found) * 1000


def deploy(aws: AccountAws, name: str, source: str, memory: int = 128) -> None:
    aws.client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.11",
        Handler="handler.handler",
        Timeout=60,
        MemorySize=memory,
        Role=execution_role(aws),
        Code={"ZipFile": zipped(source)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    calls = parser.parse_args().calls
    backend = LabBackend(sandbox=Sandbox(SandboxLimits(max_environments=4))).start()
    bare_port = free_port()
    bare = ThreadedMotoServer(ip_address="127.0.0.1", port=bare_port, verbose=False)
    bare.start()
    try:
        ours = AccountAws(endpoint=backend.endpoint, account_id=new_account_id()).client("sqs")
        theirs = AccountAws(endpoint=f"http://127.0.0.1:{bare_port}", account_id=new_account_id()).client("sqs")
        for client in (ours, theirs):
            median_ms(client.list_queues, 20)
        baseline, ingress = median_ms(theirs.list_queues, calls), median_ms(ours.list_queues, calls)
        print(
            f"ListQueues: moto's dispatcher {baseline:.2f} ms, the ingress {ingress:.2f} ms ({ingress / baseline:.2f}x)"
        )

        quiet = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
        loud = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
        deploy(quiet, "steady", "def handler(event, context):\n    return event\n")
        deploy(loud, "hammer", HAMMER, memory=1769)
        steady = quiet.client("lambda")

        def invoke():
            steady.invoke(FunctionName="steady", Payload=b"{}")

        median_ms(invoke, 10)
        idle = median_ms(invoke, calls)
        outcome = {}
        seconds = max(10, calls // 20)

        def hammer():
            response = loud.client("lambda").invoke(
                FunctionName="hammer", Payload=json.dumps({"threads": 24, "seconds": seconds})
            )
            outcome.update(json.loads(response["Payload"].read()))

        thread = threading.Thread(target=hammer)
        thread.start()
        time.sleep(2)
        busy = median_ms(invoke, calls)
        thread.join()
        print(
            f"Invoke of a quiet account: idle {idle:.2f} ms, while another account hammers "
            f"{busy:.2f} ms ({busy / idle:.2f}x)"
        )
        served, refused = outcome.get("ok", 0), outcome.get("SlowDown", 0)
        print(
            f"The hammer in {seconds} s: {served} calls served ({served / seconds:.0f}/s), "
            f"{refused} throttled, {outcome.get('connection', 0)} connection errors"
        )
    finally:
        bare.stop()
        backend.stop()
        backend.sandbox.shutdown()


if __name__ == "__main__":
    main()
