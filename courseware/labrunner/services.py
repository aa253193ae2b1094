"""Writes for labs: drafts, versions, runs (deploy, invoke, grade), reset.

A run is recorded first and executed by a task (`tasks.lab_run_task`), so a deploy or a grade
never holds a web worker; the page polls the run. Every deploy snapshots the files as a version,
and the deployed version is what re-provisions an account the emulator has forgotten.
"""

import json
import logging
import re

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courseware.content.labs import MAX_FILE_BYTES
from courseware.pricing.engine.lambda_ import lambda_estimate

from .api_requests import ApiRequestInvalid, parse_api_request, send_api_request
from .client.aws import AccountAws, new_account_id
from .client.callers import CallerError
from .client.invocation import from_response, throttled
from .deploy import DeployError, deploy, validate_config
from .models import STALE_AFTER, Lab, LabRun, LabVersion, LabWorkspace
from .runner import grade_lab, lab_source

log = logging.getLogger(__name__)
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


def workspace_aws(workspace: LabWorkspace) -> AccountAws:
    return AccountAws(endpoint=settings.LABS_ENDPOINT, account_id=workspace.account_id, kind=settings.LABS_BACKEND)


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
    """Save what the learner is typing. Only the lab's own files, each within the size limit."""
    unknown = set(files) - set(workspace.lab.starter)
    if unknown:
        raise LabInputError(f"this lab has no file named {sorted(unknown)[0]!r}")
    for name, text in files.items():
        if len(text.encode()) > MAX_FILE_BYTES:
            raise LabInputError(f"{name} is larger than {MAX_FILE_BYTES // 1024} KB")
    with transaction.atomic():
        workspace = LabWorkspace.objects.select_for_update().get(pk=workspace.pk)
        workspace.files = {**workspace.files, **files}
        if config is not None and workspace.lab.deploy == "function":
            workspace.config = clean_config(lab=workspace.lab, raw=config)
        workspace.draft_saved_at = timezone.now()
        workspace.save(update_fields=["files", "config", "draft_saved_at"])
    return workspace


def parse_event(text: str) -> object:
    if len(text.encode()) > MAX_EVENT_BYTES:
        raise LabInputError("the event is larger than 256 KB")
    try:
        return json.loads(text or "{}")
    except ValueError as error:
        raise LabInputError(f"the event is not valid JSON: {error}") from error


def lab_run_start(
    *, workspace: LabWorkspace, kind: str, event_text: str = "", event_name: str = "", api_request: dict | None = None
) -> LabRun:
    """Record a run (one at a time per learner and lab) and queue its task."""
    from .tasks import lab_run_task

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
        run = LabRun.objects.create(
            workspace=workspace,
            kind=kind,
            version=version,
            account_id=workspace.account_id,
            request=request,
        )
    lab_run_task.enqueue(run.pk)
    run.refresh_from_db()  # a worker (or the immediate backend) may already have run it
    return run


def lab_run_execute(*, run_id: int) -> LabRun:
    """The task's body: do the step, record the outcome; failures are recorded, not raised."""
    updated = LabRun.objects.filter(pk=run_id, state=LabRun.State.QUEUED).update(
        state=LabRun.State.RUNNING, started_at=timezone.now()
    )
    run = LabRun.objects.select_related("workspace__lab", "version").get(pk=run_id)
    if not updated:
        return run  # already taken by another worker
    try:
        result, state = STEPS[run.kind](run), LabRun.State.DONE
    except DeployError as error:
        result, state = {"deploy_error": error.to_dict()}, LabRun.State.FAILED
    except CallerError as error:  # the template lacks what the request needs
        result, state = {"error": str(error)}, LabRun.State.FAILED
    except (BotoCoreError, ClientError, ConnectionError) as error:
        result = {"error": f"The lab backend did not answer ({type(error).__name__}: {error}). Try again in a moment."}
        state = LabRun.State.FAILED
    except Exception:  # recorded, so the page stops polling and the learner can go on
        log.exception("lab run %s failed", run_id)
        result = {"error": "Something went wrong on our side while running this step; it has been logged. Try again."}
        state = LabRun.State.FAILED
    run.result, run.state, run.finished_at = result, state, timezone.now()
    run.save(update_fields=["result", "state", "finished_at", "score"])
    return run


def _deploy(run: LabRun) -> dict:
    workspace, version = run.workspace, run.version
    deployment = deploy(aws=workspace_aws(workspace), spec=workspace.lab, files=version.files, config=version.config)
    version.deployment = deployment.to_dict()
    version.save(update_fields=["deployment"])
    LabWorkspace.objects.filter(pk=workspace.pk).update(deployed_version=version)
    return {"version": version.number, **deployment.to_dict()}


def ensure_provisioned(aws: AccountAws, workspace: LabWorkspace, version: LabVersion) -> bool:
    """Re-deploy the learner's deployed version if the emulator has lost it (restart)."""
    name = (version.deployment or {}).get("function_name")
    if name:
        try:
            aws.client("lambda").get_function(FunctionName=name)
            return False
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
    deployment = deploy(aws=aws, spec=workspace.lab, files=version.files, config=version.config)
    version.deployment = deployment.to_dict()
    version.save(update_fields=["deployment"])
    return True


def _invoke(run: LabRun) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace)  # one set of clients for the check and the invoke
    reprovisioned = ensure_provisioned(aws, workspace, version)
    lam = aws.client("lambda")
    try:
        response = lam.invoke(
            FunctionName=version.deployment["function_name"],
            Payload=json.dumps(run.request["event"]).encode(),
            LogType="Tail",
        )
        invocation = from_response(response)
    except ClientError as error:
        if error.response["Error"]["Code"] != "TooManyRequestsException":
            raise
        invocation = throttled()
    return {**invocation.to_dict(), "reprovisioned": reprovisioned, "cost": invocation_cost(invocation, version)}


def invocation_cost(invocation, version: LabVersion) -> dict | None:
    if not invocation.billed_duration_ms:
        return None
    config = version.config or {}
    values = {
        "duration_ms": str(invocation.billed_duration_ms),
        "memory_mb": str(invocation.memory_mb or config.get("memory_mb", 128)),
        "architecture": config.get("architecture", "x86_64"),
        "free_tier": "false",
    }
    one = lambda_estimate({**values, "requests": "1"}).to_dict()
    million = lambda_estimate({**values, "requests": "1000000"}).to_dict()
    return {
        "usd": one["total_exact_usd"],
        "per_million_usd": million["total_usd"],
        "formulas": [line["formula"] for line in one["lines"]],
        "price_set": million.get("price_set"),
    }


def _grade(run: LabRun) -> dict:
    workspace, version = run.workspace, run.version
    source = lab_source(settings.CONTENT_DIR, workspace.lab.slug)
    graded = grade_lab(
        lab=source,
        files=version.files,
        config=version.config,
        endpoint=settings.LABS_ENDPOINT,
        kind=settings.LABS_BACKEND,
    )
    data = graded.to_dict(source)
    run.score = data["score"]
    LabWorkspace.objects.filter(pk=workspace.pk, best_score__lt=data["score"]).update(best_score=data["score"])
    return data


def _api_request(run: LabRun) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace)
    reprovisioned = ensure_provisioned(aws, workspace, version)
    resources = version.deployment.get("resources", {})
    return {**send_api_request(aws, resources, run.request), "reprovisioned": reprovisioned}


STEPS = {
    LabRun.Kind.DEPLOY: _deploy,
    LabRun.Kind.INVOKE: _invoke,
    LabRun.Kind.GRADE: _grade,
    LabRun.Kind.REQUEST: _api_request,
}


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
