"""Lab steps as Django tasks (django-tasks; the database queue by default, `db_worker` runs it).

`services` enqueues them when a run is committed; `steps` does the work.
"""

from django_tasks import task

from .steps import lab_run_execute


@task()
def lab_run_task(run_id: int) -> str:
    return lab_run_execute(run_id=run_id).state
