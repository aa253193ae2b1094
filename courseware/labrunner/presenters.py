"""What the lab page shows, assembled for its template from the selectors' reads."""

import json

from courseware.sandbox import Images

from . import selectors
from .client.callers import API_TYPES
from .execution_panel import state_machines
from .models import Lab, LabRun, LabWorkspace
from .request_panel import AUTH_CHOICES, METHODS

# Steps whose outcome lives in the learner's account; a grade runs in a fresh one of its own.
ACCOUNT_STEPS = (LabRun.Kind.DEPLOY, LabRun.Kind.INVOKE, LabRun.Kind.REQUEST, LabRun.Kind.EXECUTION)


def lab_page(*, lab: Lab, workspace: LabWorkspace | None, shown: str | None) -> dict:
    """The lab page's context: files, settings, events, each step's latest run (or the one `shown`),
    the request panel's choices, the invocation history and the versions."""
    runs = {}
    if workspace is not None:
        runs = {kind: selectors.lab_run_latest(workspace=workspace, kind=kind) for kind in LabRun.Kind}
        if shown and shown.isdigit():
            run = selectors.lab_run_get(workspace=workspace, run_id=int(shown))
            if run is not None:
                runs[run.kind] = run
        for kind in ACCOUNT_STEPS:  # after a reset, what was deployed to the old account is gone
            if runs[kind] is not None and runs[kind].account_id != workspace.account_id:
                runs[kind] = None
    return {
        "lab": lab,
        "workspace": workspace,
        **lab_editor(lab=lab, workspace=workspace),
        "config": (workspace.config if workspace else lab.config),
        "environment_text": "\n".join(
            f"{k}={v}" for k, v in ((workspace.config if workspace else lab.config).get("environment") or {}).items()
        ),
        "events": [(name, text) for name, text in sorted(lab.events.items())],
        "runtimes": Images().available(),
        "deploy_run": runs.get(LabRun.Kind.DEPLOY),
        "invoke_run": runs.get(LabRun.Kind.INVOKE),
        "grade_run": runs.get(LabRun.Kind.GRADE),
        "hint_panels": selectors.lab_hint_panels(workspace=workspace, run=runs.get(LabRun.Kind.GRADE)),
        "request_run": runs.get(LabRun.Kind.REQUEST),
        "api_methods": METHODS,
        "api_auth_choices": AUTH_CHOICES.items(),
        "api_names": api_names(workspace),
        **execution_panel(lab, workspace, runs.get(LabRun.Kind.EXECUTION)),
        "history": selectors.lab_run_history(workspace=workspace) if workspace else [],
        "versions": selectors.lab_versions(workspace=workspace) if workspace else [],
    }


def lab_editor(*, lab: Lab, workspace: LabWorkspace | None, selected: str | None = None) -> dict:
    """The editor's files, in the order a folder is read (the handler first), and which is open."""
    files = sorted((workspace.files if workspace else lab.starter).items(), key=file_order)
    names = [name for name, _ in files]
    return {
        "lab": lab,
        "workspace": workspace,
        "files": files,
        "selected": selected if selected in names else (names[0] if names else None),
    }


def execution_panel(lab: Lab, workspace: LabWorkspace | None, run: LabRun | None) -> dict:
    """The execution panel's choices: the deployed state machines, the one last run, and the
    input to start from (the last execution's, else the lab's first saved event)."""
    machines = deployed_state_machines(workspace)
    if run is not None and "input" in (run.result or {}):
        text = json.dumps(run.result["input"], indent=2)
    else:
        text = lab.events[min(lab.events)] if lab.events else "{}"
    return {
        "execution_run": run,
        "state_machines": machines,
        "execution_machine": run.request.get("machine") if run else None,
        "execution_event": run.request.get("event_name") if run else None,
        "execution_input": text,
        "execution_panel": bool(machines) or "stepfunctions" in lab.services,
    }


def deployed_state_machines(workspace: LabWorkspace | None) -> list[str]:
    """The logical ids of the deployed version's state machines, for the execution panel."""
    version = workspace.deployed_version if workspace else None
    return state_machines(((version.deployment or {}).get("resources") or {}) if version else {})


def api_names(workspace) -> list[str]:
    """The logical ids of the deployed APIs, for the request panel's API choice."""
    version = workspace.deployed_version if workspace else None
    resources = ((version.deployment or {}).get("resources") or {}) if version else {}
    return sorted(k for k, v in resources.items() if v.get("type") in API_TYPES)


def file_order(item):
    """Files at the top of the folder first (Python before the rest), then each sub-folder's."""
    name = item[0]
    return (name.count("/"), 0 if name.endswith(".py") else 1, name)
