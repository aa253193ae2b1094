#!/usr/bin/env python
"""Throughput of a lesson page against a bare HttpResponse("ok") view, on one gunicorn server.

Both endpoints are measured in the same run, interleaved over several rounds, so the ratio holds
up on a shared, noisy machine even when the absolute figures move. Load comes from wrk (Debian's
`wrk`, installed when missing and running as root), on loopback only, for a bounded time.

    .venv/bin/python bench/pages.py [--lesson lambda-pricing] [--rounds 3] [--seconds 5]

The signed-in learner sends what a learner's browser sends: a session made as logging in makes it,
in the server's own session engine, and the CSRF cookie the site set on the first page.

Targets: the anonymous lesson page reaches at least 70% of the bare view's throughput (issue 2), the
signed-in one at least 50% (issue 21). Socket errors and timeouts (a saturated server) are counted
and printed beside each figure; a wrong answer (not 2xx or 3xx) stops the run.
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
SIGNED_IN_TARGET = 0.50  # issue 21: a signed-in lesson page, which is rendered per learner


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


def learner_cookies(url: str, session_cookie: str) -> str:
    """The cookies a learner's browser sends: the session, and the CSRF cookie the site sets on the
    first page (a browser keeps it; without it every request would make and set a new one). Stops
    if the page is not a signed-in learner's (it offers to log out): a session the server does not
    find would be measured as an anonymous page."""
    request = urllib.request.Request(url, headers={"Cookie": session_cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read()
        csrf = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", ""))
    if b'action="/accounts/logout/"' not in page or csrf is None:
        sys.exit("the learner's session was not found by the server: its page would be measured as anonymous")
    return f"{session_cookie}; csrftoken={csrf.group(1)}"


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


# A learner's session as logging in makes it (django.contrib.auth's login, after the site's own
# authentication backends), in the server's own session engine (the database without REDIS_URL,
# Redis with it), so the server finds it whichever configuration is measured.
LEARNER_SESSION = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login
from django.test import RequestFactory
user, _ = get_user_model().objects.get_or_create(username="bench-learner")
user.set_password("bench-learner-passphrase")
user.save()
request = RequestFactory().post("/accounts/login/")
request.session = import_module(settings.SESSION_ENGINE).SessionStore()
login(request, authenticate(request, username="bench-learner", password="bench-learner-passphrase"))
request.session.save()
print(request.session.session_key)
"""


SOCKET_ERRORS_RE = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def run_wrk(wrk: str, url: str, seconds: int, connections: int, cookie: str = "") -> tuple[float, int]:
    """Requests per second, and how many requests wrk gave up on (socket errors and timeouts: a
    saturated server, reported with the figures). A wrong answer (not 2xx/3xx) stops the run."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    result = subprocess.run(
        [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx or 3xx responses" in result.stdout:
        sys.exit(f"wrong answers while loading {url}:\n{result.stdout}")
    errors = SOCKET_ERRORS_RE.search(result.stdout)
    lost = sum(int(n) for n in errors.groups()) if errors else 0
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1)), lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
            subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
        session_key = (
            subprocess.run(
                [python, "manage.py", "shell", "--no-imports", "-c", LEARNER_SESSION],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "courseware.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            lesson_url = f"{base}/lessons/{args.lesson}/"
            loads = {
                "bare": (f"{base}/bench/ok", ""),
                "lesson": (lesson_url, ""),
                "learner": (lesson_url, f"sessionid={session_key}"),
            }
            wait_until_up(loads["bare"][0])
            wait_until_up(lesson_url)
            loads["learner"] = (lesson_url, learner_cookies(*loads["learner"]))
            for url, cookie in loads.values():
                run_wrk(wrk, url, 2, args.connections, cookie)  # warm up
            results: dict[str, list[float]] = {name: [] for name in loads}
            lost: dict[str, int] = dict.fromkeys(loads, 0)
            for _ in range(args.rounds):
                for name, (url, cookie) in loads.items():
                    rate, gave_up = run_wrk(wrk, url, args.seconds, args.connections, cookie)
                    results[name].append(rate)
                    lost[name] += gave_up
        finally:
            server.terminate()
            server.wait(timeout=20)
    bare, lesson = statistics.median(results["bare"]), statistics.median(results["lesson"])
    learner = statistics.median(results["learner"])
    ratio = lesson / bare
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    rows = [
        ("bare HttpResponse('ok')", bare, "bare"),
        (f"lesson /lessons/{args.lesson}/, anonymous", lesson, "lesson"),
        ("same lesson, signed-in learner", learner, "learner"),
    ]
    print(
        f"gunicorn workers={args.workers}, wrk 2 threads x {args.connections} connections, "
        f"{args.rounds} rounds x {args.seconds}s; median req/s (each round):"
    )
    for label, value, key in rows:
        timeouts = f"; {lost[key]} socket errors or timeouts" if lost[key] else ""
        print(f"  {label:45} {value:9.1f}  ({', '.join(f'{v:.0f}' for v in results[key])}){timeouts}")
    signed_in = learner / bare
    print(f"  ratio anonymous lesson / bare: {ratio:.1%} (target >= {TARGET_RATIO:.0%}: {met})")
    print(
        f"  ratio signed-in lesson / bare: {signed_in:.1%} "
        f"(target >= {SIGNED_IN_TARGET:.0%}: {'met' if signed_in >= SIGNED_IN_TARGET else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
