"""Who is stuck, and why, in words an instructor can act on. Pure rules over what the selectors
read; the thresholds are here, in one place.

In a lab: the same check failing on each of the last REPEATS checks; the same error on each of
the last REPEATS deploys, invokes or requests; or no new best score for IDLE (having run
something). In a quiz: REPEATS submitted attempts without passing, every allowed attempt used
without passing, or an attempt left open and untouched for IDLE.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.utils.timezone import now as utc_now

from courseware.labrunner.progress import RunRow

REPEATS = 3
IDLE = timedelta(days=1)
KIND_WORDS = {
    "deploy": "deploy",
    "invoke": "invoke",
    "grade": "progress check",
    "request": "API request",
    "execution": "execution",
}


def ago(moment: datetime, now: datetime) -> str:
    days = (now - moment).days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = int((now - moment).total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def lab_reasons(*, workspace: dict, runs: list[RunRow], points: int, now: datetime | None = None) -> list[str]:
    """Why one learner is stuck in one lab (nothing when they are not). `runs` are their recent
    runs in it, newest first, at most REPEATS of each kind (`progress.recent_runs`)."""
    now = now or utc_now()
    by_kind: dict[str, list[RunRow]] = defaultdict(list)
    for run in runs:
        if run.state in ("done", "failed"):
            by_kind[run.kind].append(run)
    reasons = []
    grades = by_kind.get("grade", [])[:REPEATS]
    if len(grades) == REPEATS and all(run.outcome.failed for run in grades):
        common = set.intersection(*({name for name, _title in run.outcome.failed} for run in grades))
        titles = [f"“{title}”" for name, title in grades[0].outcome.failed if name in common]  # as last seen
        if len(titles) == 1:
            reasons.append(f"The check {titles[0]} failed on each of the last {REPEATS} checks")
        elif titles:
            reasons.append(
                f"The same {len(titles)} checks failed on each of the last {REPEATS} checks: {', '.join(titles)}"
            )
    for kind, items in by_kind.items():
        items = items[:REPEATS]
        errors = {run.outcome.error for run in items}
        if len(items) == REPEATS and len(errors) == 1 and "" not in errors:
            reasons.append(f"The same error on each of the last {REPEATS} {KIND_WORDS[kind]}s: {items[0].outcome.text}")
    since = workspace.get("best_reached_at") or workspace["created_at"]
    if workspace["run_count"] and workspace["best_score"] < points and now - since > IDLE:
        best = f"best {workspace['best_score']}/{points}" if workspace.get("best_reached_at") else "no points yet"
        reasons.append(f"No progress for {ago(since, now)} ({best})")
    return reasons


def quiz_reasons(
    *, best, submitted: int, attempts: int, open_attempt: bool, idle: list[datetime], allowed: int, now=None
) -> list[str]:
    """Why one learner is stuck in one quiz. `best`: their best percent when they have a grade and
    have not passed (None otherwise); `idle`: when each attempt left open was last touched, if
    that is over IDLE ago."""
    now = now or utc_now()
    reasons = []
    if best is not None:
        if allowed and attempts >= allowed and not open_attempt:
            reasons.append(f"Used all {allowed} attempts without passing (best {best:.0f}%)")
        elif submitted >= REPEATS:
            reasons.append(f"Not passed after {submitted} attempts (best {best:.0f}%)")
    for touched in idle:
        reasons.append(f"An attempt left open, untouched for {ago(touched, now)}")
    return reasons
