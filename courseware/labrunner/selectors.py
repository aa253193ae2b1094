"""Reads for labs."""

from dataclasses import dataclass

from .models import Lab, LabHintReveal, LabRun, LabVersion, LabWorkspace


@dataclass
class LabStanding:
    """Where a learner stands in a lab, in one word and one line."""

    lab: Lab
    workspace: LabWorkspace | None

    @property
    def status(self) -> str:  # not-started | started | deployed | checked | complete
        workspace = self.workspace
        if workspace is None:
            return "not-started"
        if workspace.best_score >= self.lab.points:
            return "complete"
        if workspace.best_score:
            return "checked"
        return "deployed" if workspace.deployed_version_id else "started"

    @property
    def label(self) -> str:
        status, workspace = self.status, self.workspace
        if status == "not-started":
            return "Not started"
        if status == "started":
            return "Started: nothing deployed yet"
        if status == "deployed":
            return f"Deployed version {workspace.deployed_version.number}"
        if status == "checked":
            return f"In progress: best score {workspace.best_score}/{self.lab.points}"
        return f"Complete: {self.lab.points}/{self.lab.points}"


def lab_list_with_scores(*, user) -> list[LabStanding]:
    labs = list(Lab.objects.all())
    workspaces = {}
    if user.is_authenticated:
        workspaces = {w.lab_id: w for w in LabWorkspace.objects.filter(user=user).select_related("deployed_version")}
    return [LabStanding(lab, workspaces.get(lab.pk)) for lab in labs]


def lab_run_history(*, workspace: LabWorkspace, limit: int = 10) -> list[LabRun]:
    return list(workspace.runs.filter(kind=LabRun.Kind.INVOKE)[:limit])


def lab_run_latest(*, workspace: LabWorkspace, kind: str) -> LabRun | None:
    return workspace.runs.filter(kind=kind).first()


def lab_run_get(*, workspace: LabWorkspace, run_id: int) -> LabRun | None:
    return workspace.runs.filter(pk=run_id).select_related("version").first()


def lab_versions(*, workspace: LabWorkspace, limit: int = 10) -> list[LabVersion]:
    return list(workspace.versions.all()[:limit])


@dataclass
class HintPanel:
    """What a failed check shows of its hints: the tiers revealed so far, and which comes next."""

    check: str
    shown: list[str]  # HTML, one per revealed tier, in order
    total: int
    run_id: int | None = None  # the progress check the panel sits in (where no-JS returns to)
    error: str = ""
    just_revealed: bool = False  # the answer to a reveal: the page moves focus to the new tier

    @property
    def next_tier(self) -> int | None:
        return len(self.shown) + 1 if len(self.shown) < self.total else None


def failed_checks(run: LabRun | None) -> list[str]:
    """The visible checks a finished progress check failed (not those it did not run)."""
    if run is None or run.kind != LabRun.Kind.GRADE or run.state != LabRun.State.DONE:
        return []
    checks = (run.result or {}).get("checks") or []
    return [c["name"] for c in checks if c.get("status") == "failed" and not c.get("hidden")]


def lab_check_failed_run(*, workspace: LabWorkspace, check_name: str) -> LabRun | None:
    """The learner's latest progress check in which `check_name` failed, if it ever did."""
    runs = workspace.runs.filter(kind=LabRun.Kind.GRADE, state=LabRun.State.DONE).only("pk", "kind", "state", "result")
    return next((run for run in runs if check_name in failed_checks(run)), None)


def lab_hints_revealed(*, workspace: LabWorkspace, check_name: str | None = None) -> dict[str, int]:
    """How many tiers of each check's hints the learner has revealed (tiers come in order)."""
    reveals = LabHintReveal.objects.filter(workspace=workspace)
    if check_name is not None:
        reveals = reveals.filter(check_name=check_name)
    counts: dict[str, int] = {}
    for name, tier in reveals.values_list("check_name", "tier"):
        counts[name] = max(counts.get(name, 0), tier)
    return counts


def hint_panel(*, workspace: LabWorkspace, check_name: str, run_id: int | None, revealed: int) -> HintPanel:
    hints = workspace.lab.hints.get(check_name) or []
    return HintPanel(check_name, hints[: min(revealed, len(hints))], len(hints), run_id)


def lab_hint_panels(*, workspace: LabWorkspace | None, run: LabRun | None) -> dict[str, HintPanel]:
    """A panel for each visible check that failed in `run` and has hints; nothing for the rest, so
    no hint reaches the page before its check failed (a hidden check's are not even stored)."""
    failed = [name for name in failed_checks(run) if workspace and name in workspace.lab.hints]
    if not failed:
        return {}
    revealed = lab_hints_revealed(workspace=workspace)
    return {
        name: hint_panel(workspace=workspace, check_name=name, run_id=run.pk, revealed=revealed.get(name, 0))
        for name in failed
    }
