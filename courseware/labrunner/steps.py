"""Executing a lab step for the site: deploy, invoke, grade, or an API request.

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
from django.utils import timezone

from courseware.pricing.engine.lambda_ import lambda_estimate

from .client.aws import AccountAws, control_token
from .client.callers import CallerError
from .client.invocation import from_response, throttled
from .deploy import DeployError, deploy
from .grading.runner import grade_lab, lab_source
from .models import LabRun, LabVersion, LabWorkspace
from .request_panel import send_api_request

log = logging.getLogger(__name__)


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


def workspace_aws(workspace: LabWorkspace) -> AccountAws:
    return AccountAws(
        endpoint=settings.LABS_ENDPOINT,
        account_id=workspace.account_id,
        kind=settings.LABS_BACKEND,
        control=control_token(settings.SECRET_KEY),
    )


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
        control=control_token(settings.SECRET_KEY),
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
