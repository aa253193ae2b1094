"""Reads for labs."""

from dataclasses import dataclass

from .models import Lab, LabRun, LabVersion, LabWorkspace


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
