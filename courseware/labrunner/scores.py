"""Read-only selectors over learners' lab scores, for the gradebook, its CSV and a learner's
record: best scores, how many runs and checks, the last activity, and SQL expressions to sort a
class by a lab or by its labs' total. Nothing here writes."""

from datetime import datetime

from django.db.models import Count, F, FloatField, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from .models import LabRun, LabVersion, LabWorkspace


def workspaces(*, users: QuerySet, labs: list[int] | None = None) -> QuerySet:
    """Each learner's workspace per lab with what a gradebook and the stuck list read: the best
    score, how many runs and grade runs, the last run, and when the best score was first reached."""
    rows = LabWorkspace.objects.filter(user__in=users)
    if labs is not None:
        rows = rows.filter(lab_id__in=labs)
    reached = (
        LabRun.objects.filter(workspace=OuterRef("pk"), kind=LabRun.Kind.GRADE, score=OuterRef("best_score"))
        .order_by()
        .values("workspace")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    return rows.annotate(
        grade_runs=Count("runs", filter=Q(runs__kind=LabRun.Kind.GRADE)),
        run_count=Count("runs"),
        last_run_at=Max("runs__created_at"),
        best_reached_at=Subquery(reached[:1]),
    ).values(
        "user_id",
        "lab_id",
        "best_score",
        "created_at",
        "draft_saved_at",
        "grade_runs",
        "run_count",
        "last_run_at",
        "best_reached_at",
    )


def best_score(*, lab_id: int) -> Subquery:
    """A learner's best score in one lab, for sorting users (OuterRef("pk") is the user)."""
    return Subquery(LabWorkspace.objects.filter(user=OuterRef("pk"), lab_id=lab_id).values("best_score")[:1])


def percent_sum() -> Coalesce:
    """The sum over a learner's labs of best score as a percentage of the lab's points (0 for a
    lab not started), for a course total in SQL (OuterRef("pk") is the user)."""
    share = Cast(F("best_score"), FloatField()) * 100.0 / Cast(F("lab__points"), FloatField())
    total = (
        LabWorkspace.objects.filter(user=OuterRef("pk"), lab__points__gt=0)
        .order_by()
        .values("user")
        .annotate(total=Sum(share))
        .values("total")
    )
    return Coalesce(Subquery(total[:1], output_field=FloatField()), Value(0.0))


def last_lab_activity(*, user_ids) -> dict[int, tuple[datetime, str]]:
    """Per learner: when they last ran a step in a lab or saved a draft, and which it was."""
    found = {}
    rows = (
        LabWorkspace.objects.filter(user__in=user_ids)
        .order_by()
        .values("user_id")
        .annotate(draft=Max("draft_saved_at"), run=Max("runs__created_at"))
    )
    for row in rows:
        moments = [(row["run"], "ran a lab step"), (row["draft"], "edited lab code")]
        moments = [moment for moment in moments if moment[0] is not None]
        if moments:
            found[row["user_id"]] = max(moments)
    return found


def score_rows(*, users: QuerySet):
    """(user id, lab id, best score, grade runs) for every workspace of `users`, ordered as the
    gradebook CSV lists learners (username, then id), streamed from a server-side cursor."""
    return (
        LabWorkspace.objects.filter(user__in=users)
        .annotate(grade_runs=Count("runs", filter=Q(runs__kind=LabRun.Kind.GRADE)))
        .order_by("user__username", "user_id")
        .values_list("user_id", "lab_id", "best_score", "grade_runs")
        .iterator(chunk_size=5000)
    )


def version_counts(*, user) -> dict[int, int]:
    """How many versions (deploys) a learner made in each lab, by lab id."""
    rows = LabVersion.objects.filter(workspace__user=user).order_by().values("workspace__lab_id")
    return {row["workspace__lab_id"]: row["count"] for row in rows.annotate(count=Count("pk"))}


def full_marks(*, user, labs: list[int]) -> dict[int, datetime | None]:
    """The labs among `labs` (ids) where `user`'s best score reached the lab's points, each with
    when a progress check first scored them (None if no such run is kept), in one query."""
    if not labs:
        return {}
    scored = Q(runs__kind=LabRun.Kind.GRADE, runs__state=LabRun.State.DONE, runs__score__gte=F("lab__points"))
    rows = (
        LabWorkspace.objects.filter(user=user, lab_id__in=labs, best_score__gte=F("lab__points"))
        .order_by()
        .values("lab_id")
        .annotate(reached=Min("runs__finished_at", filter=scored))
    )
    return {row["lab_id"]: row["reached"] for row in rows}
