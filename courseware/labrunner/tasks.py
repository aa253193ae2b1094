"""Lab steps as Django tasks (django-tasks; the database queue by default, `db_worker` runs it).

`services` enqueues them when a run is committed; `steps` does the work. With a fleet, each
node has its own queue (`labs-NAME`), taken only by the workers beside that node, so a step
reaches its node's emulator over loopback and the emulator's control token never leaves that
machine. A run whose node was lost or drained is forwarded to its workspace's new node's queue.
"""

from django_tasks import task

from .models import LabRun
from .steps import lab_run_execute


@task()
def lab_run_task(run_id: int, node: str = "") -> str:
    run = lab_run_execute(run_id=run_id, node=node)
    if getattr(run, "forwarded", False):
        lab_run_enqueue(run)  # moved to another node while it waited: that node's workers take it
    return run.state


def lab_run_enqueue(run: LabRun) -> None:
    """Queue a run on its node's queue (the default queue when there is no fleet)."""
    if run.node_id is None:
        lab_run_task.enqueue(run.pk)
    else:
        lab_run_task.using(queue_name=run.node.queue_name).enqueue(run.pk, run.node.name)
