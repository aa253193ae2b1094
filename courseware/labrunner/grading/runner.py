"""Grading a folder of lab files in a fresh account: what `lab grade` and the grade task share."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from courseware.content.labs import CONFIG_FILE, LabSource, read_files, read_lab
from courseware.content.renderer import render_markdown

from ..client.aws import AccountAws, new_account_id
from ..deploy import DeployError, Deployment, deploy
from .checks import GradeReport, load_checks, run_checks
from .context import LabContext


class LabNotFound(Exception):
    pass


def lab_source(content_dir: Path, slug: str) -> LabSource:
    problems = []
    directory = Path(content_dir) / "labs" / slug
    if not (directory / "lab.md").is_file():
        raise LabNotFound(f"no lab {slug!r} in {Path(content_dir) / 'labs'}")
    lab = read_lab(directory, f"labs/{slug}", lambda *p: problems.append(p), None)
    if lab is None or problems:
        raise LabNotFound("; ".join(f"{p}:{line}: {m}" for p, line, m in problems))
    lab.html = render_markdown(lab.body).html
    return lab


def files_in(directory: Path) -> tuple[dict[str, str], dict]:
    """A folder of lab files (starter/ or solution/ layout), with config.json split off."""
    problems = []
    files = read_files(Path(directory), str(directory), lambda *p: problems.append(p))
    if problems:
        raise DeployError("; ".join(f"{p}:{line}: {m}" for p, line, m in problems))
    config = json.loads(files.pop(CONFIG_FILE, "{}"))
    return files, config


@dataclass
class GradeRun:
    account_id: str
    deployment: Deployment | None
    report: GradeReport | None
    deploy_error: DeployError | None
    seconds: float

    def to_dict(self, lab: LabSource) -> dict:
        report = self.report.to_dict() if self.report else {"checks": [], "score": 0}
        return {
            "lab": lab.slug,
            "account_id": self.account_id,
            "deployed": self.deploy_error is None,
            "deploy_error": self.deploy_error.to_dict() if self.deploy_error else None,
            **report,
            "total": lab.points,
            "seconds": round(self.seconds, 2),
        }


def grade_lab(
    *,
    lab: LabSource,
    files: dict[str, str],
    config: dict,
    endpoint: str,
    kind: str = "moto",
    account_id: str | None = None,
    reveal_hidden: bool = False,
    control: str = "",
) -> GradeRun:
    """Deploy `files` into a fresh account (or `account_id`) and run the lab's checks there."""
    started = time.monotonic()
    aws = AccountAws(endpoint=endpoint, account_id=account_id or new_account_id(), kind=kind, control=control)
    checks = load_checks(lab.checks_path)
    try:
        deployment = deploy(aws=aws, spec=lab, files=files, config=lab.config | config)
    except DeployError as error:
        return GradeRun(aws.account_id, None, None, error, time.monotonic() - started)
    context = LabContext(
        aws=aws,
        resources=deployment.resources,
        function_name=deployment.function_name,
        events=lab.events,
    )
    report = run_checks(checks, context, reveal_hidden=reveal_hidden)
    return GradeRun(aws.account_id, deployment, report, None, time.monotonic() - started)
