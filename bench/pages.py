#!/usr/bin/env python
"""Throughput of a lesson page against a bare HttpResponse("ok") view, on one gunicorn server.

Both endpoints are measured in the same run, interleaved over several rounds, so the ratio holds
up on a shared, noisy machine even when the absolute figures move. Load comes from wrk (Debian's
`wrk`, installed when missing and running as root), on loopback only, for a bounded time.

    .venv/bin/python bench/pages.py [--lesson lambda-pricing] [--rounds 3] [--seconds 5]

Target (issue 2): the lesson page reaches at least 70% of the bare view's throughput.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.70


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk")
    sys.exit("wrk is missing: sudo apt-get install wrk")


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server did not answer {url} within {timeout}s")


def run_wrk(wrk: str, url: str, seconds: int, connections: int) -> float:
    result = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx or 3xx responses" in result.stdout or "Socket errors" in result.stdout:
        sys.exit(f"errors while loading {url}:\n{result.stdout}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lesson", default="lambda-pricing")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    wrk = ensure_wrk()
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            **os.environ,
            "BENCH_ENDPOINTS": "1",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3"),
        }
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["content", "sync"],
            ["collectstatic", "--no-input", "-v0"],
        ):
            subprocess.run(
                [python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        port = free_port()
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "courseware.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            urls = {"bare": f"{base}/bench/ok", "lesson": f"{base}/lessons/{args.lesson}/"}
            wait_until_up(urls["bare"])
            wait_until_up(urls["lesson"])
            for url in urls.values():
                run_wrk(wrk, url, 2, args.connections)  # warm up
            results: dict[str, list[float]] = {"bare": [], "lesson": []}
            for _ in range(args.rounds):
                for name, url in urls.items():
                    results[name].append(run_wrk(wrk, url, args.seconds, args.connections))
        finally:
            server.terminate()
            server.wait(timeout=20)
    bare, lesson = statistics.median(results["bare"]), statistics.median(results["lesson"])
    ratio = lesson / bare
    print(f"gunicorn workers={args.workers}, wrk 2 threads x {args.connections} connections, "
          f"{args.rounds} rounds x {args.seconds}s, medians:")  # fmt: skip
    print(
        f"  bare HttpResponse('ok'): {bare:10.1f} req/s   rounds: {', '.join(f'{v:.0f}' for v in results['bare'])}"
    )
    print(
        f"  lesson /lessons/{args.lesson}/: {lesson:10.1f} req/s   rounds: {', '.join(f'{v:.0f}' for v in results['lesson'])}"
    )
    print(
        f"  ratio lesson/bare: {ratio:.1%} (target >= {TARGET_RATIO:.0%}: {'met' if ratio >= TARGET_RATIO else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
