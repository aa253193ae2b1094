"""The lab nodes: registration and heartbeats (each `labs_backend --node NAME`), loss, draining,
and the runs a lost node leaves behind. Coordination is rows in the database and tasks in the
queue: a node that stops beating is marked lost by any other node's heartbeat loop, and its
waiting runs go to its workspaces' new nodes' queues.
"""

import json
import logging
import secrets
import threading
import urllib.request
from dataclasses import dataclass

from django.db import close_old_connections
from django.db.models import Count, F, Q
from django.utils import timezone

from .models import STALE_AFTER, LabNode, LabRun
from .placement import NoLabNode, nodes_lost_mark, workspace_place
from .tasks import lab_run_enqueue

log = logging.getLogger(__name__)


class NodeError(ValueError):
    """A node command that cannot be done; the message says why."""


def node_register(*, name: str, endpoint: str, capacity: int | None = None) -> LabNode:
    """A node starting: a new boot id (its emulator is empty), a first heartbeat. A lost node
    comes back active; a draining one stays draining until `labs nodes activate`."""
    boot_id = secrets.token_hex(8)
    node, created = LabNode.objects.get_or_create(
        name=name,
        defaults={
            "endpoint": endpoint,
            "capacity": capacity or 100,
            "boot_id": boot_id,
            "heartbeat_at": timezone.now(),
        },
    )
    if not created:
        node.endpoint, node.boot_id, node.heartbeat_at = endpoint, boot_id, timezone.now()
        node.capacity = capacity or node.capacity
        if node.state == LabNode.State.LOST:
            node.state = LabNode.State.ACTIVE
        node.save()
    return node


def node_heartbeat(*, name: str, boot_id: str) -> bool:
    """False when the row is not this process's any more (deleted, or another process started
    under the same name): the caller says so loudly."""
    beat = LabNode.objects.filter(name=name, boot_id=boot_id)
    beat.filter(state=LabNode.State.LOST).update(state=LabNode.State.ACTIVE)
    return bool(beat.update(heartbeat_at=timezone.now()))


def node_add(*, name: str, endpoint: str, capacity: int = 100) -> LabNode:
    """Announce a node before it starts; it takes placements once it beats."""
    if LabNode.objects.filter(name=name).exists():
        raise NodeError(f"there is already a node named {name!r}")
    return LabNode.objects.create(name=name, endpoint=endpoint, capacity=capacity)


def node_state_set(*, name: str, state: str) -> LabNode:
    """Drain a node (no new placements; its workspaces move on their next step) or activate it."""
    if state not in (LabNode.State.DRAINING, LabNode.State.ACTIVE):
        raise NodeError(f"a node can be drained or activated, not set {state!r}")
    if not LabNode.objects.filter(name=name).update(state=state):
        raise NodeError(f"there is no node named {name!r}; `manage.py labs nodes list` shows them")
    return LabNode.objects.get(name=name)


def runs_reroute() -> int:
    """Runs waiting or running on a lost node (whose workers may be gone with it) go to their
    workspace's new node's queue. Conditional updates: one caller moves each run."""
    moved = 0
    stranded = LabRun.objects.filter(
        node__state=LabNode.State.LOST,
        state__in=[LabRun.State.QUEUED, LabRun.State.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    )
    for run in stranded.only("pk", "node_id", "state", "workspace_id"):
        try:
            node = workspace_place(workspace_id=run.workspace_id).node
        except NoLabNode:
            return moved  # nowhere to go yet; the next sweep tries again
        if LabRun.objects.filter(pk=run.pk, node_id=run.node_id, state=run.state).update(
            node=node, state=LabRun.State.QUEUED, started_at=None, moves=F("moves") + 1
        ):
            lab_run_enqueue(LabRun.objects.select_related("node").get(pk=run.pk))
            moved += 1
    return moved


def fleet_sweep() -> tuple[list[str], int]:
    """Nodes newly lost, and how many runs were moved off lost nodes."""
    return nodes_lost_mark(), runs_reroute()


@dataclass
class NodeStanding:
    node: LabNode
    workspaces: int
    active_runs: int
    heartbeat_age_s: float | None

    def to_dict(self) -> dict:
        return {
            "state": self.node.state,
            "workspaces": self.workspaces,
            "active_runs": self.active_runs,
            "heartbeat_age_s": self.heartbeat_age_s,
        }


def node_standings() -> list[NodeStanding]:
    active = Q(runs__state__in=[LabRun.State.QUEUED, LabRun.State.RUNNING])
    nodes = LabNode.objects.annotate(
        placed=Count("workspaces", distinct=True), running=Count("runs", filter=active, distinct=True)
    )
    now = timezone.now()
    return [
        NodeStanding(
            node,
            node.placed,
            node.running,
            round((now - node.heartbeat_at).total_seconds(), 1) if node.heartbeat_at else None,
        )
        for node in nodes
    ]


def heartbeat_loop(*, node: LabNode, interval: float, stop: threading.Event) -> None:
    """Beat while the node's own emulator answers its health probe, and sweep the fleet."""
    while not stop.wait(interval):
        try:
            _probe(node.endpoint)
            if not node_heartbeat(name=node.name, boot_id=node.boot_id):
                log.error("lab node %s: its row belongs to another process now; heartbeats are refused", node.name)
                continue
            lost, moved = fleet_sweep()
            if lost or moved:
                log.warning("lab nodes lost: %s; runs moved: %s", ", ".join(lost) or "none", moved)
        except Exception:  # noqa: BLE001 (a missed beat is the signal; the loop goes on)
            log.exception("lab node %s: heartbeat failed", node.name)
        finally:
            close_old_connections()


def _probe(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint + "/_courseware/health", timeout=2) as response:  # noqa: S310 (loopback)
        json.loads(response.read() or b"{}")
