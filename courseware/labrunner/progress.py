"""Read-only selectors over learners' lab work, for the instructor's pages: scores, the runs a
learner made and what each came to, in a fixed number of queries whatever the class size.

Nothing here writes, and nothing reads a lab's solution or checks.py: what a grade run stored
is all there is (hidden checks were already reduced to "Hidden check", passed or failed). A
run's JSON is read key by key in SQL, so an invocation's logs never leave the database for a
class-wide page.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import RowNumber

from .models import Lab, LabRun, LabVersion, LabWorkspace

# The parts of LabRun.result an outcome needs (never the logs, files or responses), each read as
# text in SQL and only for the runs that have it (a CASE per key, so the database parses a run's
# JSON once or twice, not once per key): nothing is decoded in Python but a check's list.
GRADE, INVOKE, DEPLOY, REQUEST = (LabRun.Kind.GRADE, LabRun.Kind.INVOKE, LabRun.Kind.DEPLOY, LabRun.Kind.REQUEST)
EXECUTION = LabRun.Kind.EXECUTION
OUTCOME_KEYS = {
    "status": ("result__status", Q(kind__in=[INVOKE, EXECUTION])),
    "machine": ("result__machine", Q(kind=EXECUTION, state=LabRun.State.DONE)),
    "execution_error": ("result__error", Q(kind=EXECUTION, state=LabRun.State.DONE)),
    "error": ("result__error", Q(state=LabRun.State.FAILED)),
    "error_type": ("result__error__errorType", Q(kind=INVOKE, state=LabRun.State.DONE)),
    "error_message": ("result__error__errorMessage", Q(kind=INVOKE, state=LabRun.State.DONE)),
    "deploy_error": ("result__deploy_error__text", Q(kind__in=[DEPLOY, GRADE])),
    "checks": ("result__checks", Q(kind=GRADE, state=LabRun.State.DONE)),
    "total": ("result__total", Q(kind=GRADE, state=LabRun.State.DONE)),
    "version": ("result__version", Q(kind=DEPLOY, state=LabRun.State.DONE)),
    "http": ("result__response__status", Q(kind=REQUEST, state=LabRun.State.DONE)),
}


@dataclass(frozen=True)
class RunOutcome:
    """What one run came to, in a line an instructor reads, and what the stuck list compares."""

    ok: bool
    text: str
    error: str = ""  # the error's signature, "" when the run went well
    failed: tuple[tuple[str, str], ...] = ()  # grade runs: (check name, title) of each failed check
    passed: tuple[tuple[str, str], ...] = ()


def run_outcome(kind: str, state: str, result: dict | None, score: int | None = None) -> RunOutcome:
    result = result or {}
    if state in (LabRun.State.QUEUED, LabRun.State.RUNNING):
        return RunOutcome(True, state.capitalize() + "…")
    deploy_error = result.get("deploy_error")
    if deploy_error:
        text = deploy_error.get("text") or deploy_error.get("message") or "the deploy failed"
        return RunOutcome(False, f"Deploy failed: {text}", f"deploy: {text}")
    if state == LabRun.State.FAILED:
        text = str(result.get("error") or "the step failed")
        return RunOutcome(False, f"Failed: {text}", f"{kind}: {text}")
    if kind == LabRun.Kind.GRADE:
        checks = result.get("checks") or []
        failed = tuple((c.get("name", ""), c.get("title", "")) for c in checks if not c.get("passed"))
        passed = tuple((c.get("name", ""), c.get("title", "")) for c in checks if c.get("passed"))
        total = result.get("total") or sum(c.get("points", 0) for c in checks)
        return RunOutcome(not failed, f"Score {score if score is not None else 0}/{total}", "", failed, passed)
    if kind == LabRun.Kind.INVOKE:
        status = result.get("status") or "ok"
        if status == "ok":
            return RunOutcome(True, "Invoked: ok")
        error = result.get("error") or {}
        text = f"{error.get('errorType', status)}: {error.get('errorMessage', '')}".strip(": ")
        return RunOutcome(False, f"Invoked: {status} ({text})", f"invoke: {text}")
    if kind == LabRun.Kind.DEPLOY:
        return RunOutcome(True, f"Version {result.get('version', '?')} deployed")
    if kind == LabRun.Kind.EXECUTION:  # a FAILED workflow may be what the lab asks for: not an error
        status, error = result.get("status") or "?", result.get("execution_error") or result.get("error") or ""
        text = f"Execution of {result.get('machine', '?')}: {status}" + (f" ({error})" if error else "")
        return RunOutcome(status in ("SUCCEEDED", "RUNNING"), text)
    status = result.get("http") or (result.get("response") or {}).get("status")
    return RunOutcome(True, f"Request: HTTP {status}" if status else "Request sent")


@dataclass
class RunRow:
    user_id: int
    lab_id: int
    kind: str
    state: str
    created_at: datetime
    outcome: RunOutcome


def _outcome_values(runs: QuerySet) -> QuerySet:
    keys = {
        f"r_{name}": Case(When(condition, then=KT(path)), default=Value(None), output_field=TextField())
        for name, (path, condition) in OUTCOME_KEYS.items()
    }
    extra = ("space",) if "space" in runs.query.annotations else ()
    return runs.values(
        "kind",
        "state",
        "created_at",
        "score",
        *extra,
        user_id=F("workspace__user_id"),
        lab_id=F("workspace__lab_id"),
        **keys,
    )


def _row(values: dict) -> RunRow:
    outcome = run_outcome(values["kind"], values["state"], _result(values), values["score"])
    return RunRow(values["user_id"], values["lab_id"], values["kind"], values["state"], values["created_at"], outcome)


def _result(values: dict) -> dict:
    """The stored result's outcome keys, rebuilt from the text SQL read (`OUTCOME_KEYS`)."""
    text = {name: values[f"r_{name}"] for name in OUTCOME_KEYS if values.get(f"r_{name}") is not None}
    result = {key: text[key] for key in ("status", "version", "http", "machine", "execution_error") if key in text}
    if "error_type" in text or "error_message" in text:  # an invocation's error object
        result["error"] = {"errorType": text.get("error_type", ""), "errorMessage": text.get("error_message", "")}
    elif "error" in text:
        result["error"] = text["error"]
    if "deploy_error" in text:
        result["deploy_error"] = {"text": text["deploy_error"]}
    if "checks" in text:
        checks = text["checks"]
        result["checks"] = json.loads(checks) if isinstance(checks, str) else checks
    if "total" in text:
        result["total"] = int(float(text["total"]))
    return result


def _ranked(runs: QuerySet) -> QuerySet:
    """Runs numbered newest first within each workspace and kind."""
    order = [F("created_at").desc(), F("pk").desc()]
    return runs.annotate(recency=Window(RowNumber(), partition_by=[F("workspace_id"), F("kind")], order_by=order))


def _runs_of(users, labs: list[int] | None) -> QuerySet:
    runs = LabRun.objects.filter(workspace__user__in=users)
    return runs.filter(workspace__lab_id__in=labs) if labs is not None else runs


def recent_runs(*, users, labs: list[int] | None = None, per_kind: int = 3) -> list[RunRow]:
    """Each learner's last `per_kind` runs of each kind in each lab (newest first), each with its
    outcome: one query, however long a learner's history."""
    ranked = _ranked(_runs_of(users, labs)).filter(recency__lte=per_kind)
    return [_row(values) for values in _outcome_values(ranked).order_by("workspace__user_id", "-created_at")]


def repeated_failures(*, users, labs: list[int] | None = None, repeats: int = 3) -> list[RunRow]:
    """The last `repeats` runs of a kind in a lab, only where every one of them went wrong (a
    failed step, an invoke that errored, a check short of full marks): the only runs in which a
    repeated failing check or error can be. Two queries; the first, which reads every learner's
    last runs, counts them in SQL and reads no JSON but an invoke's status."""
    bad = Case(
        When(Q(state=LabRun.State.FAILED), then=Value(1)),
        When(
            Q(kind=LabRun.Kind.GRADE) & (Q(score__isnull=True) | Q(score__lt=F("workspace__lab__points"))),
            then=Value(1),
        ),
        When(Q(kind=LabRun.Kind.INVOKE) & ~Q(result__status="ok"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    inner = _ranked(_runs_of(users, labs).filter(state__in=[LabRun.State.DONE, LabRun.State.FAILED]))
    inner = inner.annotate(bad=bad).values("workspace_id", "kind", "recency", "bad")
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # no labs, or no learners: nothing can repeat
        return []
    counted = (
        f"SELECT ranked.workspace_id, ranked.kind FROM ({sql}) ranked WHERE ranked.recency <= %s "
        "GROUP BY ranked.workspace_id, ranked.kind HAVING SUM(ranked.bad) = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(counted, [*params, repeats, repeats])
        groups = set(cursor.fetchall())
    if not groups:
        return []
    runs = LabRun.objects.filter(workspace_id__in={workspace for workspace, _kind in groups})
    ranked = _ranked(runs.filter(state__in=[LabRun.State.DONE, LabRun.State.FAILED])).filter(recency__lte=repeats)
    rows = _outcome_values(ranked.annotate(space=F("workspace_id"))).order_by("workspace__user_id", "-created_at")
    return [_row(values) for values in rows if (values["space"], values["kind"]) in groups]


@dataclass
class CheckReach:
    name: str
    title: str
    learners: set[int] = field(default_factory=set)  # who has passed it in some grade run


def check_reach(*, lab: Lab, users: QuerySet) -> list[CheckReach]:
    """Each check of a lab (in the order the latest grade run lists them) and who has passed it."""
    rows = (
        LabRun.objects.filter(
            workspace__lab=lab, workspace__user__in=users, kind=LabRun.Kind.GRADE, state=LabRun.State.DONE
        )
        .order_by("-created_at")
        .values_list("workspace__user_id", "result__checks")
    )
    checks: dict[str, CheckReach] = {}
    for user_id, items in rows:
        for item in items or []:
            reach = checks.setdefault(item.get("name", ""), CheckReach(item.get("name", ""), item.get("title", "")))
            if item.get("passed"):
                reach.learners.add(user_id)
    return list(checks.values())


def lab_history(*, user, lab: Lab) -> tuple[LabWorkspace | None, list[LabVersion], list[tuple[LabRun, RunOutcome]]]:
    """One learner's whole history in one lab: the workspace, every version (with its files) and
    every run, newest first, each with its outcome."""
    workspace = LabWorkspace.objects.filter(user=user, lab=lab).select_related("deployed_version").first()
    if workspace is None:
        return None, [], []
    versions = list(workspace.versions.order_by("-number"))
    runs = list(workspace.runs.select_related("version").order_by("-created_at", "-pk"))
    return workspace, versions, [(run, run_outcome(run.kind, run.state, run.result, run.score)) for run in runs]
