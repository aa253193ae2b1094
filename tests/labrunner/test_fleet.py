"""The fleet with real lab backends: a node killed in the middle of a step, a node lost by its
heartbeats, and a `labs_backend --node` process that beats and marks a silent node lost. What
the database holds (files, versions, scores) survives each; the learner sees "re-provisioned"."""

import threading
import time
from datetime import timedelta
from urllib.parse import quote

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courseware.labrunner.fleet import fleet_sweep, node_register
from courseware.labrunner.models import LabNode, LabRun, LabWorkspace
from tests.lab_fixtures import HTMX, SOLUTION, solution_post

SLEEPY = "import time\n" + (SOLUTION / "handler.py").read_text().replace(
    "    global cold_start\n", "    global cold_start\n    time.sleep(event.get('sleep', 0))\n"
)


def url(kind: str) -> str:
    return reverse("labrunner:run_create", args=["hello-lambda", kind])


def two_nodes(backend_process, labs):
    """n1, a backend process of its own (which tests kill), and n2, the embedded backend."""
    process = backend_process()
    n1 = node_register(name="n1", endpoint=process.endpoint)
    n2 = node_register(name="n2", endpoint=labs.endpoint)
    return process, n1, n2


def test_a_node_killed_in_the_middle_of_an_invoke_the_step_finishes_on_another(
    student_client, student, fleet, backend_process
):
    process, n1, n2 = two_nodes(backend_process, fleet)
    page = student_client.post(url("deploy"), solution_post() | {"file:handler.py": SLEEPY}, **HTMX)
    assert "Version 1 deployed" in page.content.decode()
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.node == n1 and workspace.provisioned_on == n1.boot_id

    def kill_once_running():
        while not LabRun.objects.filter(kind="invoke", state="running", node=n1).exists():
            time.sleep(0.05)
        time.sleep(1)  # the handler sleeps 3 s: the invoke is under way on n1
        process.kill()

    killer = threading.Thread(target=kill_once_running, daemon=True)
    killer.start()
    page = student_client.post(url("invoke"), {"event": '{"name": "Ada", "sleep": 3}'}, **HTMX).content.decode()
    killer.join(timeout=60)
    assert "re-provisioned" in page and "Hello, Ada!" in page
    run = LabRun.objects.get(kind="invoke")
    assert run.state == "done" and run.node == n2 and run.moves == 1
    assert run.result["reprovisioned"] is True and run.result["status"] == "ok"
    workspace.refresh_from_db()
    assert workspace.node == n2 and workspace.provisioned_on == n2.boot_id
    assert workspace.versions.count() == 1 and workspace.deployed_version.number == 1
    assert workspace.files["handler.py"] == SLEEPY


def test_a_node_killed_in_the_middle_of_a_grade_the_grade_runs_again_on_another(
    student_client, student, fleet, backend_process
):
    """A check that loses its node is not the learner's failure: the grade moves, whole."""
    process, n1, n2 = two_nodes(backend_process, fleet)
    slow_init = "import time\ntime.sleep(3)\n" + (SOLUTION / "handler.py").read_text()  # the checks wait on INIT
    page = student_client.post(url("deploy"), solution_post() | {"file:handler.py": slow_init}, **HTMX)
    assert "Version 1 deployed" in page.content.decode()

    def kill_once_grading():
        while not LabRun.objects.filter(kind="grade", state="running", node=n1).exists():
            time.sleep(0.05)
        time.sleep(1.5)  # deployed into the grade's account; the first check waits on INIT
        process.kill()

    killer = threading.Thread(target=kill_once_grading, daemon=True)
    killer.start()
    page = student_client.post(url("grade"), **HTMX).content.decode()
    killer.join(timeout=60)
    run = LabRun.objects.get(kind="grade")
    assert run.state == "done" and run.node == n2 and run.moves == 1, run.result
    assert "10/10" in page and run.score == 10
    assert not [check for check in run.result["checks"] if not check["passed"]]


def test_a_lost_nodes_workspaces_are_re_provisioned_on_their_next_step(
    student_client, student, fleet, backend_process, settings
):
    process, n1, n2 = two_nodes(backend_process, fleet)
    assert "Version 1 deployed" in student_client.post(url("deploy"), solution_post(), **HTMX).content.decode()
    assert "10/10" in student_client.post(url("grade"), **HTMX).content.decode()
    process.kill()
    silent = timezone.now() - timedelta(seconds=settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER + 1)
    LabNode.objects.filter(pk=n1.pk).update(heartbeat_at=silent)
    assert fleet_sweep() == (["n1"], 0)
    page = student_client.post(url("invoke"), {"event_name": "hello"}, **HTMX).content.decode()
    assert "re-provisioned" in page and "Hello, Ada!" in page
    again = student_client.post(url("invoke"), {"event_name": "hello"}, **HTMX).content.decode()
    assert "Hello, Ada!" in again and "re-provisioned" not in again  # once, then warm on n2
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.node == n2 and workspace.best_score == 10 and workspace.deployed_version.number == 1
    assert "10/10" in student_client.post(url("grade"), **HTMX).content.decode()
    assert set(LabRun.objects.values_list("state", flat=True)) == {"done"}


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_node_process_registers_beats_and_marks_a_silent_node_lost(fleet, backend_process):
    ghost = LabNode.objects.create(
        name="ghost", endpoint="http://127.0.0.1:9", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    env = {"DATABASE_URL": database_url(), "LABS_HEARTBEAT_S": "0.3", "LABS_NODE_LOST_AFTER": "2"}
    process = backend_process("--node", "real", "--capacity", "7", env=env)
    assert any("Lab node real (active), queue labs-real" in line for line in process.output)
    node = LabNode.objects.get(name="real")
    assert node.endpoint == process.endpoint and node.capacity == 7 and node.boot_id
    first, boot = node.heartbeat_at, node.boot_id
    for _ in range(300):  # until it has beaten again and swept; the loop stops on the first
        node.refresh_from_db()
        ghost.refresh_from_db()
        if node.heartbeat_at > first and ghost.state == "lost":
            break
        time.sleep(0.1)
    assert node.heartbeat_at > first and node.state == "active"
    assert ghost.state == "lost"
    process.kill()
    restarted = backend_process("--node", "real", env=env)
    node.refresh_from_db()
    assert node.endpoint == restarted.endpoint and node.boot_id != boot  # a new boot: an empty emulator
