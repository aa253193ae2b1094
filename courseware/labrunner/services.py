"""Writes for labs: drafts, versions, runs (deploy, invoke, grade, request, execution), reset.

A run is only recorded here, and queued when its transaction commits; a task executes it
(`steps`), so a deploy or a grade never holds a web worker; the page polls the run. Every
deploy snapshots the files as a version, and the deployed version is what re-provisions an
account the emulator has forgotten.
"""

import json
import re
from functools import partial

from django.db import transaction
from django.utils import timezone

from courseware.content.labs import MAX_FILE_BYTES

from . import selectors, workspace_files
from .client.aws import new_account_id
from .client.clock import ClockUnavailable, advance_clock, read_clock
from .deploy import DeployError, validate_config
from .execution_panel import ExecutionInvalid, parse_execution
from .models import STALE_AFTER, Lab, LabHintReveal, LabRun, LabVersion, LabWorkspace
from .placement import NoLabNode, workspace_place
from .request_panel import ApiRequestInvalid, parse_api_request
from .steps import workspace_aws
from .tasks import lab_run_enqueue

MAX_EVENT_BYTES = 256 * 1024  # Lambda's asynchronous payload limit; plenty for a lab
ENV_LINE_RE = re.compile(r"^([A-Za-z]\w*)=(.*)$")


class LabInputError(ValueError):
    """Something the learner sent that cannot be used; the message says what to fix."""


class LabBusy(Exception):
    pass


def active_runs(workspace: LabWorkspace):
    return workspace.runs.filter(
        state__in=[LabRun.State.QUEUED, LabRun.State.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    )


def lab_workspace_get(*, user, lab: Lab) -> LabWorkspace:
    workspace, _ = LabWorkspace.objects.get_or_create(
        user=user,
        lab=lab,
        defaults={"account_id": new_account_id(), "files": lab.starter, "config": lab.config},
    )
    return workspace


def parse_environment(text: str) -> dict[str, str]:
    """`NAME=value` lines from the settings form; errors name the line."""
    environment = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = ENV_LINE_RE.match(line.strip())
        if not match:
            raise LabInputError(f"environment line {number}: write NAME=value, not {line.strip()!r}")
        environment[match[1]] = match[2]
    return environment


def clean_config(*, lab: Lab, raw: dict) -> dict:
    """The settings form of a function lab, validated as Lambda would."""
    try:
        environment = raw.get("environment", {})
        if isinstance(environment, str):
            environment = parse_environment(environment)
        return validate_config({**lab.config, **raw, "environment": environment})
    except DeployError as error:
        raise LabInputError(error.message) from error


def lab_draft_save(*, workspace: LabWorkspace, files: dict[str, str], config: dict | None = None):
    """Save what the learner is typing: the folder's existing files, each within the size limit
    (files are added, renamed and removed by `lab_file_change`)."""
    for name, text in files.items():
        if len(text.encode()) > MAX_FILE_BYTES:
            raise LabInputError(f"{name} is larger than {MAX_FILE_BYTES // 1024} KB")
    with transaction.atomic():
        workspace = LabWorkspace.objects.select_for_update().get(pk=workspace.pk)
        unknown = set(files) - set(workspace.files)
        if unknown:
            raise LabInputError(f"there is no file named {sorted(unknown)[0]!r} in your folder")
        workspace.files = {**workspace.files, **files}
        if config is not None and workspace.lab.deploy == "function":
            workspace.config = clean_config(lab=workspace.lab, raw=config)
        workspace.draft_saved_at = timezone.now()
        workspace.save(update_fields=["files", "config", "draft_saved_at"])
    return workspace


def lab_file_change(*, workspace: LabWorkspace, action: str, path: str, new_path: str = "") -> LabWorkspace:
    """Add an empty file, rename one (a folder moves with its files) or delete one, in the
    learner's function folder; the folder stays within its limits."""
    try:
        path = workspace_files.clean_path(path)
        with transaction.atomic():
            workspace = LabWorkspace.objects.select_for_update().get(pk=workspace.pk)
            files = dict(workspace.files)
            if action == "create":
                if path in files:
                    raise LabInputError(f"{path} already exists")
                files[path] = ""
            elif action == "rename":
                target = workspace_files.clean_path(new_path)
                moved = {name: text for name, text in files.items() if name == path or name.startswith(path + "/")}
                if not moved:
                    raise LabInputError(f"there is no file or folder {path}")
                renamed = {target + name[len(path) :]: text for name, text in moved.items()}
                if set(renamed) & (set(files) - set(moved)):
                    raise LabInputError(f"{target} already exists")
                files = {name: text for name, text in files.items() if name not in moved} | renamed
            elif action == "delete":
                if path not in files:
                    raise LabInputError(f"there is no file {path}")
                if len(files) == 1:
                    raise LabInputError("a function needs at least one file")
                del files[path]
            else:
                raise LabInputError(f"unknown file action {action!r}")
            workspace_files.check_folder(files)
            workspace.files, workspace.draft_saved_at = files, timezone.now()
            workspace.save(update_fields=["files", "draft_saved_at"])
    except workspace_files.BadPath as error:
        raise LabInputError(str(error)) from error
    return workspace


def parse_event(text: str) -> object:
    if len(text.encode()) > MAX_EVENT_BYTES:
        raise LabInputError("the event is larger than 256 KB")
    try:
        return json.loads(text or "{}")
    except ValueError as error:
        raise LabInputError(f"the event is not valid JSON: {error}") from error


def lab_run_start(
    *,
    workspace: LabWorkspace,
    kind: str,
    event_text: str = "",
    event_name: str = "",
    api_request: dict | None = None,
    execution: dict | None = None,
) -> LabRun:
    """Record a run (one at a time per learner and lab) and queue its task."""
    request = {}
    if kind == LabRun.Kind.REQUEST:
        try:
            request = parse_api_request(api_request or {})
        except ApiRequestInvalid as error:
            raise LabInputError(str(error)) from error
    if kind == LabRun.Kind.INVOKE:
        if event_name:
            if event_name not in workspace.lab.events:
                raise LabInputError(f"no saved event named {event_name!r}")
            event_text = workspace.lab.events[event_name]
        request = {"event": parse_event(event_text), "event_name": event_name or "custom"}
    with transaction.atomic():
        workspace = LabWorkspace.objects.select_for_update().get(pk=workspace.pk)
        if active_runs(workspace).exists():
            raise LabBusy("Another step is still running; wait for it to finish.")
        version = workspace.deployed_version
        if kind == LabRun.Kind.DEPLOY:
            latest = workspace.versions.order_by("-number").first()
            version = LabVersion.objects.create(
                workspace=workspace,
                number=(latest.number + 1) if latest else 1,
                files=workspace.files,
                config=workspace.config,
            )
        elif version is None:
            raise LabInputError("Deploy your code first.")
        if kind == LabRun.Kind.EXECUTION:
            request = _execution_request(workspace, version, execution or {})
        try:  # the workspace's node, placed (or moved off a lost or draining one) under its row lock
            node = workspace_place(workspace_id=workspace.pk).node
        except NoLabNode as error:
            raise LabBusy(str(error)) from error
        run = LabRun.objects.create(
            workspace=workspace,
            kind=kind,
            version=version,
            node=node,
            account_id=workspace.account_id,
            request=request,
        )
        # Queued (on its node's queue) once committed, so no worker looks for a row it cannot see yet.
        transaction.on_commit(partial(lab_run_enqueue, run))
    run.refresh_from_db()  # a worker (or the immediate backend) may already have run it
    return run


def _execution_request(workspace: LabWorkspace, version: LabVersion, form: dict) -> dict:
    """The execution panel's form, checked against the deployed version's state machines (and
    again when it runs, should the account have changed)."""
    try:
        return parse_execution(form, (version.deployment or {}).get("resources") or {}, workspace.lab.events)
    except ExecutionInvalid as error:
        raise LabInputError(str(error)) from error


def lab_reset(*, workspace: LabWorkspace) -> LabWorkspace:
    """A clean account: nothing deployed. Drafts and versions are kept."""
    with transaction.atomic():
        workspace = LabWorkspace.objects.select_for_update().get(pk=workspace.pk)
        if active_runs(workspace).exists():
            raise LabBusy("Wait for the running step to finish before resetting.")
        workspace.account_id = new_account_id()
        workspace.deployed_version = None
        workspace.save(update_fields=["account_id", "deployed_version"])
    return workspace


def lab_files_restore(*, workspace: LabWorkspace, number: int | None) -> LabWorkspace:
    """Bring back a deployed version's files (or the starter's, with `number=None`)."""
    if number is None:
        files, config = workspace.lab.starter, workspace.lab.config
    else:
        version = workspace.versions.filter(number=number).first()
        if version is None:
            raise LabInputError(f"there is no version {number}")
        files, config = version.files, version.config
    LabWorkspace.objects.filter(pk=workspace.pk).update(files=files, config=config, draft_saved_at=timezone.now())
    workspace.refresh_from_db()
    return workspace


def lab_hint_reveal(*, workspace: LabWorkspace, check_name: str, tier: int) -> int:
    """Reveal one tier of a check's hints, recorded; the number of tiers now revealed. Only after
    the check failed for this learner, and only the next tier (asking again for one already
    shown changes nothing)."""
    hints = workspace.lab.hints.get(check_name)
    if not hints:  # a hidden check's hints are not there to reveal
        raise LabInputError("This check has no hints.")
    if not 1 <= tier <= len(hints):
        raise LabInputError(f"This check has {len(hints)} hint{'s' if len(hints) > 1 else ''}.")
    failed_in = selectors.lab_check_failed_run(workspace=workspace, check_name=check_name)
    if failed_in is None:
        raise LabInputError("Hints open once this check has failed in one of your progress checks.")
    with transaction.atomic():
        LabWorkspace.objects.select_for_update().get(pk=workspace.pk)  # one reveal at a time
        shown = selectors.lab_hints_revealed(workspace=workspace, check_name=check_name).get(check_name, 0)
        if tier > shown + 1:
            raise LabInputError(f"Read hint {shown + 1} first: hints come one at a time.")
        if tier == shown + 1:
            LabHintReveal.objects.create(workspace=workspace, check_name=check_name, tier=tier, run=failed_in)
            shown = tier
    return shown


CLOCK_STEPS = {"minute": 60, "hour": 3600, "day": 86400}  # the lab page's buttons


def lab_clock(*, workspace: LabWorkspace, step: str | None = None) -> dict:
    """The workspace account's lab clock ({"now", "offset_seconds"}), moved forward by one of
    `CLOCK_STEPS` first if `step` is given; what falls due has started when this returns."""
    if step is not None and step not in CLOCK_STEPS:  # refused before anything is placed or moved
        raise LabInputError(f"move the clock by one of: {', '.join(CLOCK_STEPS)}")
    try:  # the clock is the node's that holds the workspace's account
        aws = workspace_aws(workspace, workspace_place(workspace_id=workspace.pk))
    except NoLabNode as error:
        raise ClockUnavailable(str(error)) from None
    if step is None:
        return read_clock(aws)
    return advance_clock(aws, CLOCK_STEPS[step])
