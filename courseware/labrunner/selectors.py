"""Reads for labs."""

from .models import Lab, LabRun, LabVersion, LabWorkspace


def lab_list_with_scores(*, user) -> list[tuple[Lab, LabWorkspace | None]]:
    labs = list(Lab.objects.all())
    workspaces = {}
    if user.is_authenticated:
        workspaces = {w.lab_id: w for w in LabWorkspace.objects.filter(user=user).select_related("deployed_version")}
    return [(lab, workspaces.get(lab.pk)) for lab in labs]


def lab_run_history(*, workspace: LabWorkspace, limit: int = 10) -> list[LabRun]:
    return list(workspace.runs.filter(kind=LabRun.Kind.INVOKE)[:limit])


def lab_run_latest(*, workspace: LabWorkspace, kind: str) -> LabRun | None:
    return workspace.runs.filter(kind=kind).first()


def lab_run_get(*, workspace: LabWorkspace, run_id: int) -> LabRun | None:
    return workspace.runs.filter(pk=run_id).select_related("version").first()


def lab_versions(*, workspace: LabWorkspace, limit: int = 10) -> list[LabVersion]:
    return list(workspace.versions.all()[:limit])
