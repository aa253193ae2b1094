#!/usr/bin/env python
"""Median latency of the pricing API against a bare HttpResponse("ok") view on the same gunicorn.

Sequential requests on loopback (latency, not throughput), interleaved round by round so the three
endpoints share the machine's noise: a Lambda estimate, a 40-point memory sweep, and the bare view.

    .venv/bin/python bench/pricing.py [--requests 300]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import free_port, wait_until_up  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = {
    "bare HttpResponse('ok')": "/bench/ok",
    "Lambda estimate": "/api/pricing/lambda?requests=5000000&duration_ms=120&memory_mb=512&architecture=arm64",
    "40-point memory sweep": "/api/pricing/lambda/sweep?requests=5000000&duration_ms=1200&memory_mb=512&points=40",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "BENCH_ENDPOINTS": "1",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
        }
        for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "courseware.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        timings: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base + "/bench/ok")
            for _ in range(20):  # warm up every worker and code path
                for path in ENDPOINTS.values():
                    urllib.request.urlopen(base + path, timeout=10).read()
            for _ in range(args.requests):
                for name, path in ENDPOINTS.items():
                    began = time.perf_counter()
                    with urllib.request.urlopen(base + path, timeout=10) as response:
                        response.read()
                        assert response.status == 200, (name, response.status)
                    timings[name].append((time.perf_counter() - began) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=20)
    bare = statistics.median(timings["bare HttpResponse('ok')"])
    print(f"gunicorn 2 workers, {args.requests} sequential requests per endpoint, interleaved; latency in ms:")
    for name, values in timings.items():
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[18]
        print(f"  {name:26} median {median:7.2f}  p95 {p95:7.2f}  ({median / bare:5.2f}x bare)")


if __name__ == "__main__":
    main()
