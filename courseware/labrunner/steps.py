"""Executing a lab step for the site: deploy, invoke, grade, an API request or an execution.

`services.lab_run_start` records what a learner asked for (a `LabRun`, queued); a task worker
runs it here (`tasks.lab_run_task`) against the learner's account on the lab backend, and the
page polls the run. Failures are recorded on the run, never raised: the page stops polling
and the learner can go on. Every deploy's outcome is kept on its version, so an invoke or a
request can re-provision an account the emulator has forgotten.
"""

import json
import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from courseware.pricing.engine.lambda_ import lambda_estimate

from .client.aws import BACKEND_GONE, AccountAws, control_token
from .client.callers import CallerError
from .client.invocation import from_response, throttled
from .deploy import DeployError, deploy
from .execution_panel import start_execution
from .grading.runner import grade_lab, lab_source
from .models import LabNode, LabRun, LabVersion, LabWorkspace
from .placement import NoLabNode, Placement, workspace_place
from .request_panel import send_api_request

log = logging.getLogger(__name__)


MAX_MOVES = 3  # a run re-routed this many times off failing nodes fails instead
NODE_GONE = BACKEND_GONE  # the emulator process is gone, and its state


def lab_run_execute(*, run_id: int, node: str = "") -> LabRun:
    """The task's body: do the step, record the outcome; failures are recorded, not raised.
    With a fleet, `node` is the node whose queue the task came from: a run since moved elsewhere
    is left to that node's workers, and a run whose node is gone is forwarded (`run.forwarded`)."""
    claim = LabRun.objects.filter(pk=run_id, state=LabRun.State.QUEUED)
    if node:
        claim = claim.filter(node__name=node)  # a task left behind in a lost node's queue finds nothing
    updated = claim.update(state=LabRun.State.RUNNING, started_at=timezone.now())
    run = LabRun.objects.select_related("workspace__lab", "version", "node").get(pk=run_id)
    if not updated:
        return run  # already taken by another worker, or moved to another node
    try:
        placement = workspace_place(workspace_id=run.workspace_id)
    except NoLabNode as error:
        return run_finish(run, {"error": str(error)}, LabRun.State.FAILED)
    if placement.node is not None and placement.node.pk != run.node_id:
        return run_forward(run, placement.node)  # its node was lost or drained while it waited
    try:
        result, state = STEPS[run.kind](run, placement), LabRun.State.DONE
    except NODE_GONE as error:
        moved = _move_off(run, placement)
        if moved is not None:
            return moved
        result = {"error": f"The lab backend did not answer ({type(error).__name__}). Try again in a moment."}
        state = LabRun.State.FAILED
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
    return run_finish(run, result, state)


def run_finish(run: LabRun, result: dict, state: str) -> LabRun:
    """Record the outcome, unless the run was moved off this node meanwhile (then its new node's
    worker records it, and this outcome, from a node declared lost, is dropped)."""
    with transaction.atomic():  # saved, not updated in bulk: post_save announces the grade (instructor.grades)
        still_ours = LabRun.objects.select_for_update().filter(
            pk=run.pk, state=LabRun.State.RUNNING, node_id=run.node_id
        )
        if not still_ours.exists():
            run.refresh_from_db()
            return run
        run.result, run.state, run.finished_at = result, state, timezone.now()
        run.save(update_fields=["result", "state", "finished_at", "score"])
    return run


def run_forward(run: LabRun, node: LabNode) -> LabRun:
    """Hand a run to another node's queue; the task enqueues it there when `forwarded` is set."""
    LabRun.objects.filter(pk=run.pk, state=LabRun.State.RUNNING, node_id=run.node_id).update(
        state=LabRun.State.QUEUED, node=node, moves=F("moves") + 1, started_at=None
    )
    run.refresh_from_db()
    run.forwarded = run.state == LabRun.State.QUEUED and run.node_id == node.pk
    return run


def _move_off(run: LabRun, placement: Placement) -> LabRun | None:
    """The node's emulator died under the step: move the workspace to another live node and run
    the step there (re-provisioned from the database), unless there is none or it moved too often."""
    if placement.node is None or run.moves >= MAX_MOVES:
        return None
    log.warning("lab node %s did not answer; moving run %s", placement.node.name, run.pk)
    try:
        moved = workspace_place(workspace_id=run.workspace_id, avoid=placement.node.pk)
    except NoLabNode:
        return None
    return run_forward(run, moved.node)


def workspace_aws(workspace: LabWorkspace, placement: Placement | None = None) -> AccountAws:
    endpoint = placement.endpoint if placement else settings.LABS_ENDPOINT
    return AccountAws(
        endpoint=endpoint,
        account_id=workspace.account_id,
        kind=settings.LABS_BACKEND,
        control=control_token(settings.SECRET_KEY),
    )


def _deploy(run: LabRun, placement: Placement) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace, placement)
    deployment = deploy(aws=aws, spec=workspace.lab, files=version.files, config=version.config)
    version.deployment = deployment.to_dict()
    version.save(update_fields=["deployment"])
    LabWorkspace.objects.filter(pk=workspace.pk).update(deployed_version=version, provisioned_on=placement.boot_id)
    return {"version": version.number, **deployment.to_dict()}


def ensure_provisioned(aws: AccountAws, workspace: LabWorkspace, version: LabVersion, placement: Placement) -> bool:
    """Re-deploy the learner's deployed version where the emulator does not hold it: on a fleet,
    a node (or a restart of one) other than the one it was deployed to; without one, when the
    function is missing (the backend restarted)."""
    if placement.node is not None:
        if workspace.provisioned_on == placement.boot_id:
            return False
        return _redeploy(aws, workspace, version, placement)
    name = (version.deployment or {}).get("function_name")
    if name:
        try:
            aws.client("lambda").get_function(FunctionName=name)
            return False
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
    return _redeploy(aws, workspace, version, placement)


def _redeploy(aws: AccountAws, workspace: LabWorkspace, version: LabVersion, placement: Placement) -> bool:
    deployment = deploy(aws=aws, spec=workspace.lab, files=version.files, config=version.config)
    version.deployment = deployment.to_dict()
    version.save(update_fields=["deployment"])
    LabWorkspace.objects.filter(pk=workspace.pk).update(provisioned_on=placement.boot_id)
    return True


def _invoke(run: LabRun, placement: Placement) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace, placement)  # one set of clients for the check and the invoke
    reprovisioned = ensure_provisioned(aws, workspace, version, placement)
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


def _grade(run: LabRun, placement: Placement) -> dict:
    workspace, version = run.workspace, run.version
    source = lab_source(settings.CONTENT_DIR, workspace.lab.slug)
    graded = grade_lab(
        lab=source,
        files=version.files,
        config=version.config,
        endpoint=placement.endpoint,
        kind=settings.LABS_BACKEND,
        control=control_token(settings.SECRET_KEY),
    )
    data = graded.to_dict(source)
    run.score = data["score"]
    LabWorkspace.objects.filter(pk=workspace.pk, best_score__lt=data["score"]).update(best_score=data["score"])
    return data


def _api_request(run: LabRun, placement: Placement) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace, placement)
    reprovisioned = ensure_provisioned(aws, workspace, version, placement)
    resources = version.deployment.get("resources", {})
    return {**send_api_request(aws, resources, run.request), "reprovisioned": reprovisioned}


def _execution(run: LabRun, placement: Placement) -> dict:
    workspace, version = run.workspace, run.version
    aws = workspace_aws(workspace, placement)
    reprovisioned = ensure_provisioned(aws, workspace, version, placement)
    resources = version.deployment.get("resources", {})
    return {**start_execution(aws, resources, run.request), "reprovisioned": reprovisioned}


STEPS = {
    LabRun.Kind.DEPLOY: _deploy,
    LabRun.Kind.INVOKE: _invoke,
    LabRun.Kind.GRADE: _grade,
    LabRun.Kind.REQUEST: _api_request,
    LabRun.Kind.EXECUTION: _execution,
}
