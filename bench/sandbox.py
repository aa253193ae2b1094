#!/usr/bin/env python
"""Sandbox speed, with each figure beside its baseline from the same run.

- Cold start: a trivial handler's first invocation through the sandbox against `python -c` running
  the same handler in a bare subprocess. Two ways: from a standby runtime (started ahead of its
  function, the usual path: see courseware/sandbox/standby.py), and fresh (bwrap, cgroups, runtime
  start, import, invoke: the path when a burst has used up the standbys). The target is judged on
  the first; both are printed.
- Warm invocation: the overhead a warm environment adds to a trivial handler, against calling the
  function in-process.
- Throughput: invocations per second with warm environments, from 4 threads.

    .venv/bin/python bench/sandbox.py [--runs 30]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from courseware.sandbox import FunctionConfig, Sandbox, SandboxLimits  # noqa: E402

HANDLER = "def handler(event, context):\n    return {'ok': True, 'n': event}\n"


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def cold_start(box: Sandbox, code: str) -> float:
    function = FunctionConfig(name=f"cold-{uuid.uuid4().hex[:8]}", handler="handler.handler", code=Path(code))
    began = time.perf_counter()
    result = box.invoke(function, 1)
    elapsed = time.perf_counter() - began
    assert result.status == "ok" and result.cold_start, result.to_dict()
    return elapsed


def wait_for_standby(box: Sandbox) -> None:
    deadline = time.monotonic() + 10
    while box.standby.ready_count() < 1:
        if time.monotonic() > deadline:
            sys.exit("no standby runtime started within 10 s")
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as code:
        (Path(code) / "handler.py").write_text(HANDLER)
        # Room for every cold environment, so no eviction clean-up competes with the measurement.
        box = Sandbox(SandboxLimits(max_environments=args.runs + 8, max_per_function=8))
        check = box.self_check()
        print(f"self-check: {'ok' if check.ok else 'FAILED'}; cgroups: {box.cgroups}")
        floor_cmd = [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {code!r}); import handler, json; print(json.dumps(handler.handler(1, None)))",
        ]
        fresh_box = Sandbox(SandboxLimits(max_environments=args.runs + 8, max_per_function=8, standby_per_runtime=0))
        box.invoke(FunctionConfig(name="first", handler="handler.handler", code=Path(code)), 0)  # the runtime in use
        cold, fresh, floor = [], [], []
        for _ in range(args.runs):
            began = time.perf_counter()
            subprocess.run(floor_cmd, check=True, capture_output=True)
            floor.append(time.perf_counter() - began)
            fresh.append(cold_start(fresh_box, code))
            wait_for_standby(box)
            served = box.standby.served
            cold.append(cold_start(box, code))
            assert box.standby.served == served + 1, "the cold start did not take the standby runtime"
        fresh_box.shutdown()
        warm_fn = FunctionConfig(name="warm", handler="handler.handler", code=Path(code))
        box.invoke(warm_fn, 0)
        sys.path.insert(0, code)
        import handler  # noqa: PLC0415 (the in-process baseline)

        warm, inproc = [], []
        for i in range(args.runs * 10):
            began = time.perf_counter()
            handler.handler(i, None)
            inproc.append(time.perf_counter() - began)
            began = time.perf_counter()
            result = box.invoke(warm_fn, i)
            warm.append(time.perf_counter() - began)
            assert result.status == "ok" and not result.cold_start
        count, began = 0, time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            for result in pool.map(lambda i: box.invoke(warm_fn, i), range(args.runs * 40)):
                count += result.status == "ok"
        throughput = count / (time.perf_counter() - began)
        box.shutdown()
    cold_ms, fresh_ms, floor_ms = median_ms(cold), median_ms(fresh), median_ms(floor)
    warm_ms, inproc_ms = median_ms(warm), median_ms(inproc)
    print(
        f"cold start (median of {args.runs}), from a standby runtime: {cold_ms:.1f} ms vs bare `python -c` "
        f"{floor_ms:.1f} ms = {cold_ms / floor_ms:.2f}x the floor (target <= 1.5x)"
    )
    print(
        f"cold start (median of {args.runs}), fresh (no standby ready): {fresh_ms:.1f} ms "
        f"= {fresh_ms / floor_ms:.2f}x the floor"
    )
    print(
        f"warm invocation (median of {args.runs * 10}): {warm_ms:.3f} ms vs in-process {inproc_ms:.4f} ms "
        f"= {warm_ms - inproc_ms:.3f} ms overhead (target <= 3 ms)"
    )
    print(f"throughput, warm, 4 threads: {throughput:.0f} invocations/s ({count} ok)")


if __name__ == "__main__":
    main()
