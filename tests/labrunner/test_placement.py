"""Placement: each workspace on one live node, the least loaded for its capacity, sticky, moved
only off a lost or draining node; nodes marked lost after their missed heartbeats; runs left on a
lost node handed to their workspace's new node's queue."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from courseware.labrunner import services
from courseware.labrunner.fleet import fleet_sweep, node_heartbeat, node_register
from courseware.labrunner.models import Lab, LabNode, LabRun, LabWorkspace
from courseware.labrunner.placement import NoLabNode, workspace_place
from tests.factories import LabNodeFactory, UserFactory


def workspace():
    return services.lab_workspace_get(user=UserFactory(), lab=Lab.objects.get(slug="hello-lambda"))


def age(node: LabNode, seconds: float) -> None:
    LabNode.objects.filter(pk=node.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))


def test_without_nodes_there_is_no_fleet(fleet):
    assert workspace_place(workspace_id=workspace().pk).node is None


def test_a_workspace_goes_to_the_least_loaded_node_for_its_capacity_and_stays(fleet):
    small = LabNodeFactory(name="small", capacity=1)
    big = LabNodeFactory(name="big", capacity=4)
    placed = [workspace_place(workspace_id=workspace().pk).node.name for _ in range(5)]
    assert placed == ["big", "small", "big", "big", "big"]  # 0/4 < 0/1 by name; then 1/4 < 1/1 ...
    first = LabWorkspace.objects.order_by("pk").first()
    assert first.node == big
    assert workspace_place(workspace_id=first.pk).node == big  # sticky
    assert small.workspaces.count() == 1 and big.workspaces.count() == 4


def test_concurrent_placements_of_one_workspace_agree(fleet):
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.fail("this test needs a database that threads share")
    LabNodeFactory(name="a")
    LabNodeFactory(name="b")
    target = workspace().pk
    barrier, chosen = threading.Barrier(4), []

    def place():
        barrier.wait()
        try:
            chosen.append(workspace_place(workspace_id=target).node.name)
        finally:
            connection.close()

    threads = [threading.Thread(target=place) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(chosen) == 4 and len(set(chosen)) == 1
    assert LabWorkspace.objects.get(pk=target).node.name == chosen[0]


def test_a_node_that_misses_its_heartbeats_is_lost_and_its_workspaces_move(fleet, settings):
    a, b = LabNodeFactory(name="a"), LabNodeFactory(name="b")
    ws = workspace()
    assert workspace_place(workspace_id=ws.pk).node == a
    age(a, settings.LABS_HEARTBEAT_S * (settings.LABS_NODE_LOST_AFTER - 1))
    assert fleet_sweep() == ([], 0)  # late, not lost
    age(a, settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER + 1)
    assert fleet_sweep() == (["a"], 0)
    moved = workspace_place(workspace_id=ws.pk)
    assert moved.node == b and moved.moved_from == "a"
    assert node_heartbeat(name="a", boot_id=a.boot_id)  # back: active again, and empty
    assert LabNode.objects.get(name="a").state == "active"
    assert workspace_place(workspace_id=ws.pk).node == b  # sticky on its new node


def test_no_live_node_is_a_clear_refusal(fleet, settings):
    node = LabNodeFactory(name="only")
    age(node, settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER + 1)
    with pytest.raises(NoLabNode, match="No lab node is running"):
        workspace_place(workspace_id=workspace().pk)


def test_nodes_are_added_drained_and_activated_without_a_restart(fleet, capsys):
    call_command("labs", "nodes", "add", "one", "--endpoint", "http://127.0.0.1:5001")
    one = LabNode.objects.get(name="one")
    assert one.heartbeat_at is None  # announced; it takes placements once it beats
    assert node_heartbeat(name="one", boot_id="") and LabNode.objects.get(name="one").heartbeat_at
    two = LabNodeFactory(name="two")
    ws = workspace()
    assert workspace_place(workspace_id=ws.pk).node.name == "one"
    call_command("labs", "nodes", "drain", "one")
    assert workspace_place(workspace_id=ws.pk).node == two  # moves on its next step
    assert workspace_place(workspace_id=workspace().pk).node == two  # and no new ones go there
    call_command("labs", "nodes", "activate", "one")
    assert workspace_place(workspace_id=workspace().pk).node.name == "one"
    call_command("labs", "nodes", "list")
    listing = capsys.readouterr().out
    assert "one" in listing and "active" in listing and "two" in listing
    with pytest.raises(Exception, match="no node named 'three'"):
        call_command("labs", "nodes", "drain", "three")
    with pytest.raises(Exception, match="already a node named 'two'"):
        call_command("labs", "nodes", "add", "two", "--endpoint", "http://127.0.0.1:5002")


def test_a_draining_node_that_restarts_stays_draining_and_a_lost_one_comes_back(fleet):
    node_register(name="d", endpoint="http://127.0.0.1:5001")
    LabNode.objects.filter(name="d").update(state="draining")
    assert node_register(name="d", endpoint="http://127.0.0.1:5001").state == "draining"
    LabNode.objects.filter(name="d").update(state="lost")
    again = node_register(name="d", endpoint="http://127.0.0.1:5003")
    assert again.state == "active" and again.endpoint.endswith(":5003")


def test_runs_waiting_on_a_lost_node_go_to_the_new_nodes_queue(fleet, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    a, b = LabNodeFactory(name="a"), LabNodeFactory(name="b")
    ws = workspace()
    services.lab_draft_save(workspace=ws, files=ws.files)
    run = services.lab_run_start(workspace=ws, kind="deploy")
    assert run.node == a and DBTaskResult.objects.get().queue_name == "labs-a"
    age(a, settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER + 1)
    assert fleet_sweep() == (["a"], 1)
    run.refresh_from_db()
    assert run.node == b and run.state == "queued" and run.moves == 1
    assert sorted(DBTaskResult.objects.values_list("queue_name", flat=True)) == ["labs-a", "labs-b"]
    # A worker beside a (back again) finds nothing to do: the run is b's now.
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "labs-a", verbosity=0)
    run.refresh_from_db()
    assert run.state == "queued" and run.node == b
    assert LabRun.objects.filter(node=a).count() == 0


def test_steps_in_flight_count_before_workspaces_placed(fleet):
    crowded, idle = LabNodeFactory(name="crowded"), LabNodeFactory(name="idle")
    for _ in range(3):
        LabWorkspace.objects.filter(pk=workspace().pk).update(node=idle)
    busy = workspace()
    LabWorkspace.objects.filter(pk=busy.pk).update(node=crowded)
    LabRun.objects.create(workspace=busy, kind="grade", state="running", node=crowded, account_id=busy.account_id)
    assert workspace_place(workspace_id=workspace().pk).node == idle  # 0 steps in flight, 3 workspaces
    LabRun.objects.filter(node=crowded).update(state="done")
    assert workspace_place(workspace_id=workspace().pk).node == crowded  # then the fewer workspaces
