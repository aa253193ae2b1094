from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import presenters, selectors, services
from .client.clock import ClockUnavailable
from .models import Lab, LabRun

CONFIG_FIELDS = ("memory_mb", "timeout_s", "architecture", "environment", "runtime")


def _workspace(request, slug):
    lab = get_object_or_404(Lab, slug=slug)
    return lab, services.lab_workspace_get(user=request.user, lab=lab)


@require_GET
def lab_list(request):
    rows = selectors.lab_list_with_scores(user=request.user)
    return render(request, "labrunner/lab_list.html", {"rows": rows})


@require_GET
def lab_page(request, slug):
    lab = get_object_or_404(Lab, slug=slug)
    workspace = None
    if request.user.is_authenticated:
        workspace = services.lab_workspace_get(user=request.user, lab=lab)
    return render(
        request, "labrunner/lab.html", presenters.lab_page(lab=lab, workspace=workspace, shown=request.GET.get("run"))
    )


def _posted_files(request, workspace) -> dict[str, str]:
    return {
        name: request.POST[f"file:{name}"].replace("\r\n", "\n")
        for name in workspace.files
        if f"file:{name}" in request.POST
    }


def _posted_config(request, lab) -> dict | None:
    if lab.deploy != "function" or "memory_mb" not in request.POST:
        return None
    return {key: request.POST.get(key, "") for key in CONFIG_FIELDS}


@require_POST
@login_required
def lab_draft(request, slug):
    if request.POST.get("step") == "deploy" and not request.htmx:  # the Deploy button, no JS
        return lab_run_create(request, slug, "deploy")
    lab, workspace = _workspace(request, slug)
    try:
        workspace = services.lab_draft_save(
            workspace=workspace,
            files=_posted_files(request, workspace),
            config=_posted_config(request, lab),
        )
        error = None
    except services.LabInputError as problem:
        error = str(problem)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Saved.")
        return redirect(lab.get_absolute_url())
    context = {"lab": lab, "workspace": workspace, "draft_error": error}
    return render(request, "labrunner/lab.html#draft-status", context, status=422 if error else 200)


def _file_action(post) -> tuple[str, str, str]:
    """(action, path, new path) from the editor's file buttons (each names its file)."""
    if post.get("create"):
        return "create", post.get("new_file", ""), ""
    if post.get("delete"):
        return "delete", post["delete"], ""
    if post.get("rename"):
        return "rename", post["rename"], post.get(f"rename_to:{post['rename']}", "")
    return "", "", ""


@require_POST
@login_required
def lab_file(request, slug):
    """Add, rename or delete a file of the learner's folder (what they typed is saved first)."""
    lab, workspace = _workspace(request, slug)
    action, path, new_path = _file_action(request.POST)
    try:
        workspace = services.lab_draft_save(workspace=workspace, files=_posted_files(request, workspace))
        workspace = services.lab_file_change(workspace=workspace, action=action, path=path, new_path=new_path)
        error = None
    except services.LabInputError as problem:
        error = str(problem)
    selected = None if error or action == "delete" else (new_path if action == "rename" else path)
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "Files updated.")
        return redirect(lab.get_absolute_url())
    context = presenters.lab_editor(lab=lab, workspace=workspace, selected=selected) | {"file_error": error}
    return render(request, "labrunner/lab.html#editor", context, status=422 if error else 200)


def _header(workspace) -> dict:
    """What a step's answer swaps out of band: the header (deployed version, best score), the
    versions to restore from and the state machines to start, which a finished deploy or check
    may have changed."""
    return {
        "status_oob": True,
        "versions": selectors.lab_versions(workspace=workspace),
        "state_machines": presenters.deployed_state_machines(workspace),
    }


RUN_PARTIALS = {
    "deploy": "deploy-run",
    "invoke": "invoke-run",
    "grade": "grade-run",
    "request": "request-run",
    "execution": "execution-run",
}
API_REQUEST_FIELDS = ("api", "method", "path", "headers", "body", "auth")
EXECUTION_FIELDS = ("machine", "event_name", "input", "execution_arn")


@require_POST
@login_required
def lab_run_create(request, slug, kind):
    if kind not in RUN_PARTIALS:
        raise Http404("no such step")
    lab, workspace = _workspace(request, slug)
    run, error = None, None
    try:
        if kind == LabRun.Kind.DEPLOY:  # deploy what is in the editor, even if autosave lagged
            workspace = services.lab_draft_save(
                workspace=workspace,
                files=_posted_files(request, workspace),
                config=_posted_config(request, lab),
            )
        run = services.lab_run_start(
            workspace=workspace,
            kind=kind,
            event_text=request.POST.get("event", ""),
            event_name=request.POST.get("event_name", ""),
            api_request={key: request.POST.get(key, "") for key in API_REQUEST_FIELDS},
            execution={key: request.POST.get(key, "") for key in EXECUTION_FIELDS},
        )
    except (services.LabInputError, services.LabBusy) as problem:
        error = str(problem)
    if not request.htmx:
        if error:
            messages.error(request, error)
            return redirect(lab.get_absolute_url())
        return redirect(f"{lab.get_absolute_url()}?run={run.pk}#{kind}")
    workspace.refresh_from_db()  # a deploy or a grade may have finished already (immediate tasks)
    context = {"lab": lab, "workspace": workspace, f"{kind}_run": run, "run_error": error, **_header(workspace)}
    context["hint_panels"] = selectors.lab_hint_panels(workspace=workspace, run=run)
    return render(request, f"labrunner/lab.html#{RUN_PARTIALS[kind]}", context, status=422 if error else 200)


@require_GET
@login_required
def lab_run_status(request, slug, run_id):
    lab, workspace = _workspace(request, slug)
    run = selectors.lab_run_get(workspace=workspace, run_id=run_id)
    if run is None:
        raise Http404("no such run")
    if not request.htmx:
        return redirect(f"{lab.get_absolute_url()}?run={run.pk}#{run.kind}")
    # The header (what is deployed, the best score) changes when a deploy or a check finishes.
    context = {
        "lab": lab,
        "workspace": workspace,
        f"{run.kind}_run": run,
        **(_header(workspace) if not run.active else {}),
    }
    context["hint_panels"] = selectors.lab_hint_panels(workspace=workspace, run=run)
    if run.kind == LabRun.Kind.INVOKE and not run.active:
        context["history"] = selectors.lab_run_history(workspace=workspace)
        context["history_oob"] = True
    return render(request, f"labrunner/lab.html#{RUN_PARTIALS[run.kind]}", context)


@require_POST
@login_required
def lab_hint(request, slug, check_name):
    """Reveal the next hint of a check that failed: the panel again, or back to the page."""
    lab, workspace = _workspace(request, slug)
    run_id = request.POST.get("run", "")
    try:
        tier = int(request.POST.get("tier", ""))
    except ValueError:
        tier = 0
    try:
        shown, error = services.lab_hint_reveal(workspace=workspace, check_name=check_name, tier=tier), ""
    except services.LabInputError as problem:
        shown, error = (
            selectors.lab_hints_revealed(workspace=workspace, check_name=check_name).get(check_name, 0),
            str(problem),
        )
    if not request.htmx:
        if error:
            messages.error(request, error)
        run = f"?run={run_id}" if run_id.isdigit() else ""
        return redirect(f"{lab.get_absolute_url()}{run}#check-{check_name}")
    panel = selectors.hint_panel(
        workspace=workspace, check_name=check_name, run_id=int(run_id) if run_id.isdigit() else None, revealed=shown
    )
    panel.error, panel.just_revealed = error, not error
    return render(request, "labrunner/lab.html#check-hints", {"lab": lab, "panel": panel}, status=422 if error else 200)


@require_POST
@login_required
def lab_reset(request, slug):
    lab, workspace = _workspace(request, slug)
    if request.POST.get("confirm") != "yes":  # the page's confirmation step sends it
        messages.error(request, "Nothing was reset: confirm the reset under “Versions and reset”.")
        return redirect(f"{lab.get_absolute_url()}#versions-title")
    try:
        services.lab_reset(workspace=workspace)
        messages.success(request, "Your lab account is clean: deploy again to start over. Your code is kept.")
    except services.LabBusy as problem:
        messages.error(request, str(problem))
    return redirect(lab.get_absolute_url())


@require_POST
@login_required
def lab_restore(request, slug):
    lab, workspace = _workspace(request, slug)
    raw = request.POST.get("version", "")
    try:
        number = None if raw == "starter" else int(raw)
        services.lab_files_restore(workspace=workspace, number=number)
        messages.success(
            request,
            "Restored the starter files." if number is None else f"Restored version {number}.",
        )
    except (ValueError, services.LabInputError):
        messages.error(request, "Choose a version to restore.")
    return redirect(lab.get_absolute_url())


@require_GET
@login_required
def lab_clock(request, slug):
    """The account's lab clock, for the card on the lab page."""
    lab, workspace = _workspace(request, slug)
    context, status = _clock(lab, workspace, step=None)
    return render(request, "labrunner/lab.html#lab-clock", context, status=status)


@require_POST
@login_required
def lab_clock_advance(request, slug):
    """Move the account's lab clock forward by `step` (minute, hour, day): what falls due runs."""
    lab, workspace = _workspace(request, slug)
    context, status = _clock(lab, workspace, step=request.POST.get("step", ""))
    if request.htmx:
        return render(request, "labrunner/lab.html#lab-clock", context, status=status)
    if context["clock_error"]:
        messages.error(request, context["clock_error"])
    else:
        messages.success(request, f"Lab time is now {context['clock']['now']}.")
    return redirect(f"{lab.get_absolute_url()}#clock-title")


def _clock(lab, workspace, *, step: str | None) -> tuple[dict, int]:
    """The clock card's context and status: the clock (moved first by `step`), or what went wrong."""
    context = {"lab": lab, "clock": None, "clock_error": None}
    try:
        context["clock"] = services.lab_clock(workspace=workspace, step=step)
    except services.LabInputError as problem:
        context["clock_error"] = f"Nothing moved: {problem}."
        return context, 400
    except ClockUnavailable as problem:
        context["clock_error"] = str(problem)
        return context, 503
    except OSError as error:  # the lab backend is down or restarting
        context["clock_error"] = f"The lab backend did not answer ({error}). Try again in a moment."
        return context, 503
    return context, 200
