"""Which lab node holds a learner's workspace: placed once on the least-loaded live node, sticky
after that, and moved only when its node is lost or draining.

The placement is a column of the workspace row, decided while that row is locked
(`select_for_update` on PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at
BEGIN), so two web or task processes never place one workspace twice. With no node registered
there is no fleet: steps go to the one backend at `LABS_ENDPOINT` on the default queue (`make run`,
LocalStack, and the tests that embed a backend).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import LabNode, LabWorkspace


class NoLabNode(Exception):
    """Nodes are registered, but none is live to take a workspace."""


def lost_cutoff():
    """A node whose last heartbeat is older than this has missed LABS_NODE_LOST_AFTER beats."""
    return timezone.now() - timedelta(seconds=settings.LABS_HEARTBEAT_S * settings.LABS_NODE_LOST_AFTER)


def live_nodes():
    """Nodes that take placements: active, with a heartbeat within the last N beats."""
    return LabNode.objects.filter(state=LabNode.State.ACTIVE, heartbeat_at__gte=lost_cutoff())


def fleet_in_use() -> bool:
    return LabNode.objects.exists()


@dataclass
class Placement:
    node: LabNode | None  # None: no fleet, the backend at LABS_ENDPOINT
    moved_from: str = ""  # the node the workspace left, if it just moved

    @property
    def endpoint(self) -> str:
        return self.node.endpoint if self.node else settings.LABS_ENDPOINT

    @property
    def boot_id(self) -> str:
        return self.node.boot_id if self.node else ""


def least_loaded(*, exclude: tuple[int, ...] = ()) -> LabNode:
    """The live node with the fewest steps in flight, then the fewest workspaces, for its capacity
    (ties: the name, so it is stable). Steps in flight first: after a node is lost, the one that
    took its workspaces holds the most, yet may be the idler."""
    in_flight = Q(runs__state__in=["queued", "running"])
    nodes = list(
        live_nodes()
        .exclude(pk__in=exclude)
        .annotate(placed=Count("workspaces", distinct=True), busy=Count("runs", filter=in_flight, distinct=True))
    )
    if not nodes:
        raise NoLabNode("No lab node is running: labs cannot run until one is back. Try again in a minute.")
    return min(
        nodes, key=lambda node: (node.busy / max(node.capacity, 1), node.placed / max(node.capacity, 1), node.name)
    )


def workspace_place(*, workspace_id: int, avoid: int | None = None) -> Placement:
    """The workspace's node, placing or moving it if needed. Call inside a transaction; the
    workspace row is locked here until it ends. `avoid`: a node that just failed a step."""
    if not fleet_in_use():
        return Placement(None)
    with transaction.atomic():
        workspace = LabWorkspace.objects.select_for_update().get(pk=workspace_id)
        node = LabNode.objects.filter(pk=workspace.node_id).first() if workspace.node_id else None
        if node is not None and node.pk != avoid and live_nodes().filter(pk=node.pk).exists():
            return Placement(node)
        chosen = least_loaded(exclude=(avoid,) if avoid else ())
        LabWorkspace.objects.filter(pk=workspace_id).update(node=chosen)
        return Placement(chosen, moved_from=node.name if node else "")


def nodes_lost_mark() -> list[str]:
    """Mark nodes that missed their heartbeats lost (any node's heartbeat loop calls this; the
    update is conditional, so two callers agree). Returns the names newly marked."""
    stale = Q(heartbeat_at__lt=lost_cutoff()) | Q(heartbeat_at__isnull=True)
    candidates = LabNode.objects.filter(stale, state__in=[LabNode.State.ACTIVE, LabNode.State.DRAINING])
    names = []
    for node in candidates:
        if LabNode.objects.filter(stale, pk=node.pk, state=node.state).update(state=LabNode.State.LOST):
            names.append(node.name)
    return names
