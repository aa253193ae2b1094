#!/usr/bin/env python
"""A class of learners against `make serve` on PostgreSQL: latency, throughput and errors.

N simulated learners (locust, bench/locustfile.py) sign in through the login form, read the
outline and lessons, take quizzes (start, htmx saves, submit, review), use the pricing calculator
(page and htmx swaps) and the JSON pricing API, with 1-3 s of think time between actions. Each
also requests the bare view `/bench/ok` (BENCH_ENDPOINTS=1), and one extra locust user samples it
twice a second for the whole run: the baseline, measured under the same load in the same run, so
each page type's latency is also given as a ratio to it (the machine is shared and noisy; the
ratios hold up better than the absolute figures).

    .venv/bin/python bench/load.py [--users 100] [--duration 90] [--spawn-rate 20] [--keep]

It creates a scratch PostgreSQL database (dropped and recreated; dropped again afterwards unless
--keep) and uses a scratch Redis db (flushed), starts the site with `make serve` on free loopback
ports, seeds the learners, runs locust headless for --duration seconds, then checks in the database
that every quiz submission the learners saw succeed is stored, submitted and graded, with its
answers. Loopback only: it refuses a database or Redis that is not on 127.0.0.1/localhost.

How to read it: one row per page type with its request count, failures and p50/p95/p99 in ms
as the learners saw them, then p50 and p95 as multiples of the baseline's ("x3.0" = three times
the bare view's latency), then the median time spent inside Django (the site's request log): the
rest of a request's latency is waiting for a free gunicorn worker or for the CPU. Then p50/p95
every 10 s (a burst of logins shows up at the start), and where the machine's CPU went during the
run: the site (gunicorn, task workers, lab backend), PostgreSQL and Redis, locust, and other
processes (on a shared machine, other people's work; the site competes with it for the cores).
With --labs (bench/load_labs.py) the class does labs instead, through the web UI as a browser
would (htmx polling included), on `make serve` with LAB_NODES=2: first grading throughput (lab 1,
--grade-burst learners pressing Check at once) with one node (n2 drained) and then two; then
--users learners each do lab 1 (deploy, invoke x3, check) and the SQS lab (deploy, invoke with the
saved batch, check), and node n1 is killed (SIGKILL) once --kill-at of their steps are done. It
prints each step's click-to-result p50/p95, the pages' p95, errors, runs lost (never finished)
and moved, re-provisions, and the verdict against the targets: page p95 < 300 ms, lab 1 step p95
< 5 s, SQS check p95 < 15 s, no errors, no lost runs, every learner complete.

    .venv/bin/python bench/load.py --labs [--users 60] [--spawn-rate 1] [--task-workers 6]

Targets (issue): with the whole class at work (requests started after the last learner signed
in), p95 under 300 ms over all the learners' requests (the probe's left out); no errors over the
whole run; every submission stored. The ramp-up before (100 learners arriving within seconds on
a cold site) is printed on its own line. The exit status is non-zero when a target is missed.
"""

import argparse
import contextlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from load_labs import Record, grade_burst, labs_report, learner
from load_report import report, server_times

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
USER_PREFIX = "load-learner-"

SEED = """
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from courseware.catalog.models import Lesson
from courseware.quizzes.models import Quiz
User, prefix = get_user_model(), os.environ["LOAD_USER_PREFIX"]
password = make_password(os.environ["LOAD_PASSWORD"])  # hashed once, shared: seeding stays fast
User.objects.bulk_create(
    User(username=f"{prefix}{i:03d}", email=f"{prefix}{i:03d}@example.com", password=password)
    for i in range(int(os.environ["LOAD_USERS"]))
)
print(json.dumps({
    "lessons": list(Lesson.objects.order_by("order").values_list("slug", flat=True)),
    "quizzes": list(Quiz.objects.filter(questions__retired=False).distinct()
                    .values_list("lesson__slug", flat=True)),
}))
"""

CHECK = """
import json, os
from django.db.models import Count, Q
from courseware.quizzes.models import Attempt, QuizGrade
recorded = {}
for line in open(os.environ["LOAD_ATTEMPTS_FILE"]):
    attempt_id, answered = line.split()
    recorded[int(attempt_id)] = int(answered)
rows = Attempt.objects.filter(pk__in=recorded).annotate(
    answers=Count("responses", filter=Q(responses__answer__isnull=False))
).values("pk", "state", "submitted_at", "answers", "max_score", "user_id", "quiz_id")
found = {row["pk"]: row for row in rows}
problems = []
for attempt_id, answered in sorted(recorded.items()):
    row = found.get(attempt_id)
    if row is None:
        problems.append(f"attempt {attempt_id}: not in the database")
    elif row["state"] != "submitted" or row["submitted_at"] is None or not row["max_score"]:
        problems.append(f"attempt {attempt_id}: state {row['state']}, not submitted and graded")
    elif row["answers"] < answered:
        problems.append(f"attempt {attempt_id}: {row['answers']} answers stored, {answered} sent")
    elif not QuizGrade.objects.filter(user_id=row["user_id"], quiz_id=row["quiz_id"]).exists():
        problems.append(f"attempt {attempt_id}: no grade for the learner")
print(json.dumps({
    "recorded": len(recorded),
    "submitted_in_db": Attempt.objects.filter(state="submitted").count(),
    "problems": problems,
}))
"""


CHECK_LABS = """
import json, os
from django.db.models import Count
from courseware.labrunner.models import LabNode, LabRun, LabWorkspace
runs = LabRun.objects.filter(workspace__user__username__startswith=os.environ["LOAD_USER_PREFIX"])
placed = LabWorkspace.objects.filter(user__username__startswith=os.environ["LOAD_USER_PREFIX"])
if os.environ.get("LOAD_LAB"):
    placed = placed.filter(lab__slug=os.environ["LOAD_LAB"])
failed = {}
for result in runs.filter(kind="grade", state="done").values_list("result", flat=True):
    for item in (result or {}).get("checks") or []:
        if not item.get("passed"):
            reason = f"{item['name']}: {item.get('message', '')}"[:200]
            failed[reason] = failed.get(reason, 0) + 1
    if (result or {}).get("function_error"):
        reason = f"function error: {result['function_error']}"[:200]
        failed[reason] = failed.get(reason, 0) + 1
print(json.dumps({
    "failed_checks": failed,
    "states": dict(runs.values_list("state").annotate(n=Count("pk"))),
    "moved": runs.filter(moves__gt=0).count(),
    "reprovisioned": runs.filter(result__reprovisioned=True).count(),
    "nodes": {node.name: node.state for node in LabNode.objects.all()},
    "placed": dict(placed.values_list("node__name").annotate(n=Count("pk"))),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loopback_url(url: str, what: str) -> str:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        sys.exit(f"refusing {what} on {host!r}: this load test runs on loopback only")
    return url


def recreate_database(server_url: str, name: str, *, create: bool = True) -> str:
    """Drop (and recreate) the scratch database; returns its URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in (
        "postgres",
        "template0",
        "template1",
    ):
        sys.exit(f"refusing {name!r} as a scratch database name")
    with psycopg.connect(urlunsplit(urlsplit(server_url)._replace(path="/postgres"))) as conn:
        conn.autocommit = True
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def start_server(env: dict, log: Path) -> subprocess.Popen:
    """`make serve` (install, migrate, content sync, collectstatic, then the Procfile's processes)
    in a process group of its own, its output in the log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    output = log.read_text(errors="replace")[-6000:]
    raise RuntimeError(f"the server did not answer {url} with 200 in {timeout:.0f}s:\n{output}")


def wait_nodes(url: str, count: int, log: Path, timeout: float = 180) -> None:
    """Until /healthz counts `count` live lab nodes: the site is healthy once the first beats,
    and each node joins when its sandbox's self-check is done."""
    deadline, summary = time.monotonic() + timeout, ""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError, KeyError), urllib.request.urlopen(url, timeout=2) as response:
            summary = json.loads(response.read())["checks"]["lab_nodes"]["summary"]
            if summary == f"{count} of {count} nodes live":
                return
        time.sleep(0.5)
    output = log.read_text(errors="replace")[-6000:]
    raise RuntimeError(f"{count} lab nodes never came up ({summary or 'no answer'}):\n{output}")


def stop_server(server: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM to make's process group (`manage.py serve` stops its children); whatever the site
    started and is still running after the timeout gets SIGKILL, by process id (the Procfile's
    processes run in sessions of their own, so a signal to the group would miss them)."""
    table = processes()
    started = descendants(table, [server.pid])
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server.poll()  # reaps make once it exits
        survivors = [pid for pid in started if running(pid, table[pid][1])]
        if not survivors:
            return
        time.sleep(0.2)
    for pid in survivors:
        print(f"SIGKILL to {table[pid][1]} ({pid}): still running {timeout:.0f}s after SIGTERM")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.wait()


def django_shell(env: dict, code: str) -> dict:
    """Run code in `manage.py shell` against the scratch database; its last line is JSON."""
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py shell failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_locust(env: dict, args, base: str, prefix: Path) -> None:
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "-u",
        str(args.users + 1),
        "-r",
        str(args.spawn_rate),
        "-t",
        f"{args.duration}s",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    print(f"locust: {args.users} learners, spawning {args.spawn_rate}/s, for {args.duration}s")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=args.duration + 120)
    if result.returncode != 0 or not prefix.with_name(prefix.name + "_stats.csv").exists():
        raise RuntimeError(f"locust failed ({result.returncode}):\n{result.stderr[-4000:]}")
    warnings = [line for line in result.stderr.splitlines() if "CPU usage" in line]
    for line in warnings[:2]:
        print(f"locust warning: {line.strip()}")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return (total - fields[3] - fields[4]) / ticks, total / ticks


def processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, name, CPU ticks used by it and its reaped children), from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        fields = tail.split()  # utime stime cutime cstime are fields 11..14 after the name
        ticks = sum(int(value) for value in fields[11:15])
        found[int(stat.parent.name)] = (int(fields[1]), head.split("(", 1)[1], ticks)
    return found


def running(pid: int, name: str) -> bool:
    """The process is still there, not a zombie, and still the one we knew by that id."""
    try:
        head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
    except (OSError, ValueError):
        return False
    return head.split("(", 1)[1] == name and tail.split()[0] != "Z"


def descendants(table: dict, roots: list[int]) -> list[int]:
    """The roots and every process below them."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_cpu(table: dict, roots: list[int]) -> float:
    """CPU seconds used by processes and their descendants."""
    ticks = sum(table[pid][2] for pid in descendants(table, roots) if pid in table)
    return ticks / os.sysconf("SC_CLK_TCK")


def service_roots(table: dict) -> list[int]:
    """PostgreSQL's postmaster and redis-server (shared with everyone else on the machine)."""
    names = {"postgres", "redis-server"}
    return [
        pid
        for pid, (parent, name, _) in table.items()
        if name in names and table.get(parent, (0, "", 0))[1] not in names
    ]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_snapshot(server: subprocess.Popen) -> dict:
    busy, total = machine_cpu()
    table = processes()
    return {
        "busy": busy,
        "total": total,
        "site": tree_cpu(table, [server.pid]),
        "services": tree_cpu(table, service_roots(table)),
        "children": children_cpu(),
    }


def cpu_shares(before: dict, after: dict) -> dict:
    """Cores used during the run: the whole machine, the site, PostgreSQL and Redis, locust,
    and everything else (other people's work on this shared machine)."""
    cores = os.cpu_count() or 1
    wall = (after["total"] - before["total"]) / cores
    used = {key: (after[key] - before[key]) / wall for key in before if key != "total"}
    used["others"] = max(0.0, used["busy"] - used["site"] - used["services"] - used["children"])
    return {"cores": cores, **used}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=90, help="seconds of load (the cap)")
    parser.add_argument("--spawn-rate", type=float, default=20, help="learners started per second")
    parser.add_argument("--port", type=int, default=0, help="the site's port (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--web-concurrency", help="WEB_CONCURRENCY for make serve (default: its own)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="courseware_load", help="scratch database name")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="scratch Redis db")
    parser.add_argument("--labs", action="store_true", help="a class doing labs on 2 lab nodes, one killed")
    parser.add_argument("--task-workers", type=int, default=2, help="--labs: task workers beside each node")
    parser.add_argument("--grade-burst", type=int, default=8, help="--labs: learners grading at once, per phase")
    parser.add_argument("--kill-at", type=float, default=0.35, help="--labs: share of steps done when n1 dies")
    args = parser.parse_args()
    if not 1 <= args.duration <= 3600 or args.users < 1:
        parser.error("--duration must be 1..3600 seconds and --users at least 1")
    loopback_url(args.postgres, "PostgreSQL")
    loopback_url(args.redis, "Redis")
    return args


def server_env(args, database_url: str, port: int) -> dict:
    env = {
        **os.environ,
        "PORT": str(port),
        "LABS_PORT": str(free_port()),
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "BENCH_ENDPOINTS": "1",
    }
    if args.web_concurrency:
        env["WEB_CONCURRENCY"] = args.web_concurrency
    return env


def load_test(args, env: dict, scratch: Path) -> tuple[Path, dict, dict, dict]:
    """Start the site, seed the learners, run locust; returns the CSV prefix, the DB check, the
    CPU shares and the time inside Django per page type."""
    base = f"http://127.0.0.1:{env['PORT']}"
    log = scratch / "server.log"
    started = time.monotonic()
    server = start_server(env, log)
    try:
        wait_healthy(f"{base}/healthz", server, log)
        print(f"site up on {base} in {time.monotonic() - started:.0f}s (server log: {log})")
        password = secrets.token_urlsafe(16)
        content = django_shell(
            {**env, "LOAD_USERS": str(args.users), "LOAD_PASSWORD": password, "LOAD_USER_PREFIX": USER_PREFIX},
            SEED,
        )
        attempts = scratch / "attempts.txt"
        attempts.touch()
        learners = {
            **env,
            "LOAD_PASSWORD": password,
            "LOAD_USER_PREFIX": USER_PREFIX,
            "LOAD_LESSONS": ",".join(content["lessons"]),
            "LOAD_QUIZZES": ",".join(content["quizzes"]),
            "LOAD_ATTEMPTS_FILE": str(attempts),
            "LOAD_REQUESTS_FILE": str(scratch / "requests.json"),
        }
        prefix = scratch / "locust"
        before, since = cpu_snapshot(server), time.time()
        run_locust(learners, args, base, prefix)
        cpu = cpu_shares(before, cpu_snapshot(server))
        check = django_shell({**env, "LOAD_ATTEMPTS_FILE": str(attempts)}, CHECK)
    finally:
        stop_server(server)
    tracebacks = log.read_text(errors="replace").count("Traceback")
    if tracebacks:
        print(f"server log: {tracebacks} tracebacks")
    return prefix, check, cpu, server_times(log, since)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def seed(env: dict, prefix: str, count: int, password: str) -> list[str]:
    django_shell({**env, "LOAD_USERS": str(count), "LOAD_PASSWORD": password, "LOAD_USER_PREFIX": prefix}, SEED)
    return [f"{prefix}{i:03d}" for i in range(count)]


def kill_node(server: subprocess.Popen, name: str) -> int:
    """SIGKILL the `labs_backend --node NAME` that the site started (by its process id)."""
    for pid in descendants(processes(), [server.pid]):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            if "labs_backend" in argv and "--node" in argv and argv[argv.index("--node") + 1] == name:
                os.kill(pid, signal.SIGKILL)
                return pid
    raise RuntimeError(f"no lab node {name} to kill")


def class_at_labs(args, env: dict, base: str, server, password: str) -> tuple[Record, dict, dict]:
    """The learners at their labs, arriving at --spawn-rate; node n1 killed once --kill-at of
    their steps are done."""
    record, usernames = Record(), seed(env, USER_PREFIX, args.users, password)
    threads = [threading.Thread(target=learner, args=(base, name, password, record)) for name in usernames]
    started, killed = time.monotonic(), {}
    for thread in threads:
        thread.start()
        time.sleep(1 / args.spawn_rate)
    while any(thread.is_alive() for thread in threads):
        if not killed and len(record.steps) >= args.kill_at * args.users * 8:
            killed = {"pid": kill_node(server, "n1"), "at_s": time.monotonic() - started}
            killed["after_steps"] = len(record.steps)
            print(f"killed lab node n1 (pid {killed['pid']}) after {killed['after_steps']} steps")
        time.sleep(0.2)
    killed["wall_s"] = time.monotonic() - started
    return record, killed, {}


def labs_test(args, env: dict, scratch: Path) -> bool:
    """`--labs`: grading throughput with 1 and then 2 nodes, then the class with a node killed."""
    env = {**env, "LAB_NODES": "2", "TASK_WORKERS": str(args.task_workers)}
    base, log = f"http://127.0.0.1:{env['PORT']}", scratch / "server.log"
    server = start_server(env, log)
    try:
        wait_healthy(f"{base}/healthz", server, log)
        wait_nodes(f"{base}/healthz", 2, log)
        password = secrets.token_urlsafe(16)
        bursts, site_cpu = {}, lambda: cpu_snapshot(server)["site"]
        for nodes, prefix in (("1 node", "load-burst1-"), ("2 nodes", "load-burst2-")):
            usernames = seed(env, prefix, args.grade_burst, password)
            if nodes == "1 node":
                manage(env, "labs", "nodes", "drain", "n2")
            for slug in ("hello-lambda", "sqs-lambda"):
                burst = grade_burst(base, usernames, password, slug, site_cpu)
                shell_env = {**env, "LOAD_USER_PREFIX": prefix, "LOAD_LAB": slug}
                bursts[f"{slug}, {nodes}"] = burst | {"placed": django_shell(shell_env, CHECK_LABS)["placed"]}
            manage(env, "labs", "nodes", "activate", "n2")
        before = cpu_snapshot(server)
        record, killed, _ = class_at_labs(args, env, base, server, password)
        cpu = cpu_shares(before, cpu_snapshot(server))
        db = django_shell({**env, "LOAD_USER_PREFIX": USER_PREFIX}, CHECK_LABS)
    finally:
        stop_server(server)
    tracebacks = log.read_text(errors="replace").count("Traceback")
    if tracebacks:
        print(f"server log: {tracebacks} tracebacks ({log})")
    return labs_report(record, db, bursts, cpu, killed, args.users)


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the site and clean up first
    port = args.port or free_port()
    database_url = recreate_database(args.postgres, args.database)
    scratch_redis = redis.Redis.from_url(args.redis)
    scratch_redis.flushdb()  # only the scratch db number
    scratch = Path(tempfile.mkdtemp(prefix="courseware-load-"))
    try:
        if args.labs:
            met = labs_test(args, server_env(args, database_url, port), scratch)
        else:
            prefix, check, cpu, inside = load_test(args, server_env(args, database_url, port), scratch)
            met = report(prefix, check, cpu, inside, args)
    finally:
        if not args.keep:
            recreate_database(args.postgres, args.database, create=False)
            scratch_redis.flushdb()
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"kept: database {database_url}, files in {scratch}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
