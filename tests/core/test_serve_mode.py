"""`make serve` end to end on the machine's real PostgreSQL and Redis: gunicorn workers, several
task workers, the lab backend, Redis sessions and cache, hashed static files through whitenoise,
JSON logs, and a clean stop. It runs the scale-out mode whichever database the suite itself uses."""

import json
import os
import re
import signal
import subprocess
import time
import uuid

import psycopg
import pytest
import redis
import requests

from courseware.labrunner.emulator.backend import free_port, free_ports
from courseware.settings import BASE_DIR

PG = "postgres://postgres@127.0.0.1:5432"
REDIS_DB = 11  # a Redis database of its own, flushed before and after


@pytest.fixture(scope="module")
def site():
    name = f"courseware_serve_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    cache = redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}")
    cache.flushdb()
    port = free_port()
    labs_port = free_ports(2)  # make serve's two lab nodes take LABS_PORT and the next
    env = {
        **os.environ,
        "PORT": str(port),
        "LABS_PORT": str(labs_port),
        "DATABASE_URL": f"{PG}/{name}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "TASK_WORKERS": "3",
        "WEB_CONCURRENCY": "3",
    }
    log = open(BASE_DIR / "var" / f"{name}.log", "w+")  # noqa: SIM115 (read back at the end)
    server = subprocess.Popen(
        ["make", "serve"], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, log)
        yield {
            "base": base,
            "labs": f"http://127.0.0.1:{labs_port}",
            "db": f"{PG}/{name}",
            "redis": cache,
            "server": server,
            "log": log,
        }
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        cache.flushdb()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log.close()
        os.unlink(log.name)


def _wait_healthy(base, server, log, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "make serve exited:\n" + _tail(log)
        try:
            if requests.get(f"{base}/healthz", timeout=2).json()["status"] == "ok":
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError("make serve never became healthy:\n" + _tail(log))


def _tail(log, lines=60):
    """The log's last lines, without the health checks' own requests (a test polling /healthz
    would fill the tail with them)."""
    log.seek(0)
    return "".join([line for line in log.readlines() if "/healthz" not in line][-lines:])


def _signed_up(base) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/signup/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    name = f"learner{uuid.uuid4().hex[:6]}"
    answer = session.post(
        f"{base}/accounts/signup/",
        headers={"Referer": f"{base}/accounts/signup/"},
        data={
            "csrfmiddlewaretoken": token,
            "username": name,
            "email": f"{name}@example.org",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
        },
    )
    assert answer.url.endswith("/dashboard/"), answer.text[:500]
    return session


def test_health_reports_postgresql_redis_workers_and_the_lab_nodes(site):
    # Health is "ok" once the first node beats; the second joins when its sandbox self-check is done.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        checks = requests.get(f"{site['base']}/healthz").json()["checks"]
        if checks["lab_nodes"]["summary"] == "2 of 2 nodes live":
            break
        time.sleep(0.5)
    assert checks["database"]["summary"] == "postgresql"
    assert checks["cache"]["summary"] == "RedisCache"
    nodes = checks["lab_nodes"]  # make serve runs LAB_NODES=2 nodes, each beating
    assert nodes["status"] == "ok" and nodes["summary"] == "2 of 2 nodes live", _tail(site["log"], 80)
    assert {name: node["state"] for name, node in nodes["figures"].items()} == {"n1": "active", "n2": "active"}
    assert all(node["heartbeat_age_s"] is not None for node in nodes["figures"].values())
    assert checks["task_queue"]["status"] == "ok"


def test_static_files_are_hashed_compressed_and_cached_forever(site):
    page = requests.get(f"{site['base']}/")
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page should link a hashed stylesheet"
    response = requests.get(site["base"] + stylesheet[1], headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_sessions_live_in_redis_so_any_worker_knows_the_learner(site):
    session = _signed_up(site["base"])
    keys = site["redis"].keys("courseware:*django.contrib.sessions.cache*")
    assert keys, "the session should be stored in Redis"
    # Three gunicorn workers: a dozen requests land on more than one, and all see the login.
    for _ in range(12):
        assert "Log out" in session.get(f"{site['base']}/dashboard/").text


def test_several_task_workers_run_lab_steps(site):
    sessions = [_signed_up(site["base"]) for _ in range(4)]
    for session in sessions:
        lab = session.get(f"{site['base']}/labs/hello-lambda/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', lab.text)[1]
        queued = session.post(
            f"{site['base']}/labs/hello-lambda/deploy",
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": lab.url},
        )
        assert queued.status_code == 200
    with psycopg.connect(site["db"]) as db:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = [row[0] for row in db.execute("SELECT state FROM labrunner_labrun")]
            if len(states) == 4 and all(state in ("done", "failed") for state in states):
                break
            time.sleep(0.5)
        assert states == ["done"] * 4, _tail(site["log"])
        workers = {
            row[0]
            for row in db.execute(
                "SELECT DISTINCT jsonb_array_elements_text(worker_ids::jsonb) FROM django_tasks_database_dbtaskresult"
            )
        }
    assert len(workers) >= 2, f"four deploys should be shared by the workers, ran on {workers}"


def test_logs_are_json_lines_with_request_ids_and_sigterm_stops_everything(site):
    requests.get(f"{site['base']}/pricing/")
    site["log"].seek(0)
    entries = [
        json.loads(line.split("| ", 1)[1]) for line in site["log"] if line.startswith("web.1 ") and "| {" in line
    ]
    pricing = [e for e in entries if e.get("path") == "/pricing/"]
    assert pricing and pricing[-1]["status"] == 200 and len(pricing[-1]["request_id"]) == 32
    os.killpg(site["server"].pid, signal.SIGTERM)
    # make dies of the signal at once; `manage.py serve` stops its processes, then says so.
    deadline = time.monotonic() + 30
    while "Stopped." not in _tail(site["log"], 5) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Stopped." in _tail(site["log"], 5)
    for url in (site["base"], site["labs"]):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{url}/healthz", timeout=2)
