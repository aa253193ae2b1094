from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courseware.labrunner.emulator.backend import free_port


@pytest.fixture
def healthy(settings, lab_backend, db):
    settings.LABS_ENDPOINT = lab_backend.endpoint
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def test_healthz_reports_every_service(client, healthy):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "task_queue", "lab_backend"}
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["lab_backend"]["figures"]["sandbox"] == "bwrap"
    assert body["checks"]["lab_backend"]["figures"]["standby_runtimes"] >= 0  # runtimes started ahead
    assert body["checks"]["task_queue"]["figures"] == {
        "ready": 0,
        "running": 0,
        "oldest_ready_s": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_missing_lab_backend_degrades_but_still_serves(client, healthy):
    healthy.LABS_ENDPOINT = f"http://127.0.0.1:{free_port()}"
    response = client.get("/healthz")
    assert response.status_code == 200  # pages still work; a load balancer keeps the node
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["lab_backend"]["status"] == "error"
    assert "fix" not in body["checks"]["lab_backend"]  # hints name hosts and commands: doctor only


def test_a_task_nobody_picks_up_degrades_the_queue(client, healthy):
    from courseware.labrunner.tasks import lab_run_task

    lab_run_task.enqueue(run_id=0)
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=5))
    queue = client.get("/healthz").json()["checks"]["task_queue"]
    assert queue["status"] == "warning"
    assert queue["figures"]["ready"] == 1
    assert queue["figures"]["oldest_ready_s"] >= 300


def test_an_unreachable_cache_takes_the_node_out(client, healthy):
    healthy.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["cache"]["status"] == "error"


def test_healthz_answers_head_for_load_balancers(client, healthy):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_bench_endpoint_is_not_routed_by_default(client, db):
    assert client.get("/bench/ok").status_code == 404


def test_healthz_shows_the_lab_nodes_and_their_heartbeat_ages(client, healthy):
    from tests.factories import LabNodeFactory

    LabNodeFactory(name="n1")
    LabNodeFactory(name="n2", heartbeat_at=timezone.now() - timedelta(minutes=5))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and "lab_backend" not in body["checks"]
    nodes = body["checks"]["lab_nodes"]
    assert nodes["status"] == "warning" and nodes["summary"] == "1 of 2 nodes live; lost: n2"
    assert nodes["figures"]["n1"]["heartbeat_age_s"] < nodes["figures"]["n2"]["heartbeat_age_s"]
    assert nodes["figures"]["n2"]["heartbeat_age_s"] >= 300
    assert nodes["figures"]["n1"] == nodes["figures"]["n1"] | {"state": "active", "workspaces": 0, "active_runs": 0}
    assert "127.0.0.1" not in str(body)  # endpoints are hosts: doctor only
    from courseware.labrunner.models import LabNode

    LabNode.objects.filter(name="n1").update(state="draining")
    assert client.get("/healthz").json()["checks"]["lab_nodes"]["status"] == "error"  # no live node
