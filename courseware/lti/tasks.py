"""Score pushes as Django tasks (django-tasks; `db_worker` runs them): sent after the grade's
transaction commits, retried with a growing delay while the platform fails."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .passback import score_push_send


def score_push_enqueue(push_id: int, delay_seconds: int = 0) -> None:
    run = score_push_task
    if delay_seconds:
        run = score_push_task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    run.enqueue(push_id)


@task()
def score_push_task(push_id: int) -> str:
    outcome = score_push_send(push_id=push_id)
    if outcome.retry_in:
        score_push_enqueue(push_id, outcome.retry_in)
    return outcome.state
