"""Checks of the services a running site depends on: the database, the cache, the task queue and
the lab backend (or, with a fleet, the lab nodes and their heartbeats). `/healthz` reports them to a load balancer or monitor; `manage.py doctor` runs
them with more checks and says what to fix.

Each check is quick (the lab backend probe has a two-second timeout) and never raises.
"""

import json
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from courseware.labrunner.fleet import node_standings
from courseware.labrunner.models import LabNode

OK, WARNING, ERROR = "ok", "warning", "error"
TASK_QUEUE_STALE = timedelta(seconds=60)  # a ready task older than this: no worker keeps up
PROBE_TIMEOUT_S = 2


@dataclass
class Check:
    name: str
    status: str
    summary: str
    fix: str = ""
    figures: dict = field(default_factory=dict)

    def public(self) -> dict:
        """What /healthz shows anyone: no fix hints (they name commands and hosts)."""
        return {key: value for key, value in asdict(self).items() if key not in ("name", "fix")}


def _timed(function):
    started = time.perf_counter()
    value = function()
    return value, round((time.perf_counter() - started) * 1000, 1)


def check_database() -> Check:
    try:
        _, elapsed = _timed(_select_one)
    except Exception as error:  # noqa: BLE001 (a failure is the answer, not a crash)
        return Check(
            "database",
            ERROR,
            f"unreachable ({error.__class__.__name__})",
            fix="check DATABASE_URL and that the database server is running",
        )
    return Check("database", OK, connection.vendor, figures={"latency_ms": elapsed})


def check_cache() -> Check:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    key = "health:probe"
    try:
        value, elapsed = _timed(lambda: cache.set(key, "1", 10) or cache.get(key))
        if value != "1":
            raise RuntimeError("a value written could not be read back")
    except Exception as error:  # noqa: BLE001
        return Check(
            "cache",
            ERROR,
            f"{backend} unreachable ({error.__class__.__name__})",
            fix="check REDIS_URL and that Redis is running",
        )
    return Check("cache", OK, backend, figures={"latency_ms": elapsed})


def check_task_queue() -> Check:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != "django_tasks_db.DatabaseBackend":
        return Check("task_queue", OK, f"{backend.rsplit('.', 1)[-1]} (not inspected)")
    from django_tasks_db.models import DBTaskResult

    try:
        now = timezone.now()
        ready = DBTaskResult.objects.ready().filter(run_after__lte=now)
        figures = {
            "ready": ready.count(),
            "running": DBTaskResult.objects.running().count(),
        }
        oldest = ready.order_by("run_after").values_list("run_after", flat=True).first()
    except Exception as error:  # noqa: BLE001
        return Check(
            "task_queue", ERROR, f"unreadable ({error.__class__.__name__})", fix="run `python manage.py migrate`"
        )
    figures["oldest_ready_s"] = round((now - oldest).total_seconds()) if oldest else None
    if oldest and now - oldest > TASK_QUEUE_STALE:
        return Check(
            "task_queue",
            WARNING,
            f"{figures['ready']} task(s) waiting, the oldest for {figures['oldest_ready_s']} s",
            fix="start task workers: `python manage.py db_worker` (make run and make serve do)",
            figures=figures,
        )
    return Check("task_queue", OK, "database queue", figures=figures)


def check_lab_backend() -> Check:
    if settings.LABS_BACKEND == "localstack":
        url, start = settings.LABS_ENDPOINT + "/_localstack/health", "start LocalStack"
    else:
        url = settings.LABS_ENDPOINT + "/_courseware/health"
        start = f"start it: `python manage.py labs_backend --port {settings.LABS_PORT}`"
    try:
        body, elapsed = _timed(lambda: _get_json(url))
    except Exception as error:  # noqa: BLE001
        return Check(
            "lab_backend",
            ERROR,
            f"{settings.LABS_BACKEND} unreachable ({error.__class__.__name__})",
            fix=f"labs cannot deploy or run: {start} (LABS_ENDPOINT={settings.LABS_ENDPOINT})",
        )
    figures = {key: body[key] for key in ("sandbox", "environments", "standby_runtimes") if key in body}
    if body.get("sandbox") == "unsafe":
        return Check(
            "lab_backend",
            WARNING,
            "moto, sandbox UNSAFE (no containment)",
            fix="unset LABS_SANDBOX_UNSAFE and install bubblewrap",
            figures=figures,
        )
    return Check("lab_backend", OK, settings.LABS_BACKEND, figures={**figures, "latency_ms": elapsed})


def check_lab_nodes() -> Check:
    """The fleet: each node's state, heartbeat age, workspaces and runs. Lost or silent nodes
    warn (their workspaces move on their next step); no live node at all is an error."""
    window = settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER
    standings = node_standings()
    figures = {s.node.name: s.to_dict() for s in standings}
    live = [
        s.node.name
        for s in standings
        if s.node.state == "active" and s.heartbeat_age_s is not None and s.heartbeat_age_s <= window
    ]
    silent = [s.node.name for s in standings if s.node.state != "draining" and s.node.name not in live]
    summary = f"{len(live)} of {len(standings)} nodes live" + (f"; lost: {', '.join(silent)}" if silent else "")
    if not live:
        fix = "start `python manage.py labs_backend --node NAME` on a lab machine, or `labs nodes activate NAME`"
        return Check("lab_nodes", ERROR, summary, fix=fix, figures=figures)
    if silent:
        fix = f"their workspaces move on their next step; restart them or `labs nodes drain` (window {window:g} s)"
        return Check("lab_nodes", WARNING, summary, fix=fix, figures=figures)
    return Check("lab_nodes", OK, summary, figures=figures)


def check_labs() -> Check:
    """The fleet when nodes are registered, otherwise the one lab backend at LABS_ENDPOINT."""
    try:
        fleet = LabNode.objects.exists()
    except Exception as error:  # noqa: BLE001
        return Check("lab_nodes", ERROR, f"unreadable ({error.__class__.__name__})", fix="run `manage.py migrate`")
    return check_lab_nodes() if fleet else check_lab_backend()


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S) as response:  # noqa: S310 (our endpoint)
        return json.loads(response.read() or b"{}")


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def health_report() -> tuple[str, list[Check]]:
    """("ok" | "degraded" | "down", checks). Down means pages cannot be served at all."""
    checks = [check_database(), check_cache(), check_task_queue(), check_labs()]
    if any(c.status == ERROR for c in checks if c.name in ("database", "cache")):
        return "down", checks
    return ("ok" if all(c.status == OK for c in checks) else "degraded"), checks
