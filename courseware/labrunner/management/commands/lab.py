"""`python manage.py lab invoke|grade|selfcheck`.

`lab invoke --handler-file F [--handler mod.fn] [--memory MB] [--timeout S]
[--event JSON] --json`: run one handler once in a fresh sandboxed environment (design.md contract).

The function is created with the Lambda API in a fresh 12-digit account of an embedded lab backend
(moto, with Lambda running in the sandbox) and invoked once."""

import contextlib
import json
from pathlib import Path
from types import SimpleNamespace

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.labrunner.client.aws import AccountAws, control_token, new_account_id
from courseware.labrunner.deploy import DeployError, deploy
from courseware.labrunner.emulator.backend import LabBackend, start_embedded
from courseware.labrunner.grading.checks import load_checks
from courseware.labrunner.grading.runner import LabNotFound, files_in, grade_lab, lab_source
from courseware.sandbox import Sandbox, SandboxLimits, SandboxUnavailable

FIELDS = [
    "status",
    "response",
    "error",
    "logs",
    "duration_ms",
    "billed_duration_ms",
    "max_memory_used_mb",
    "init_duration_ms",
]


class Command(BaseCommand):
    help = "Lab tools: invoke a handler once in the sandbox."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        invoke = actions.add_parser("invoke", help="Deploy a handler file to a fresh environment and invoke it once.")
        invoke.add_argument("--handler-file", required=True, type=Path)
        invoke.add_argument("--handler", help="module.function (default: <file name>.handler)")
        invoke.add_argument("--memory", type=int, default=128, help="MB, 128–10,240")
        invoke.add_argument("--timeout", type=float, default=3.0, help="seconds, up to 900")
        invoke.add_argument("--event", default="{}", help="the event, as JSON")
        invoke.add_argument("--json", action="store_true", help="print the result as JSON")
        grade = actions.add_parser(
            "grade",
            help="Deploy a lab's solution (or --solution DIR) to a fresh account and grade it.",
        )
        grade.add_argument("slug")
        grade.add_argument("--solution", type=Path, help="folder of lab files (default: solution/)")
        grade.add_argument("--json", action="store_true", help="print the result as JSON")
        grade.add_argument("--show-hidden", action="store_true", help="reveal hidden checks")
        actions.add_parser(
            "selfcheck",
            help="Prove the sandbox's confinement on this host and say what is missing.",
        )

    def handle(self, *args, action, **options):
        if action == "selfcheck":
            return self.selfcheck()
        if action == "grade":
            return self.grade(options)
        path: Path = options["handler_file"]
        if not path.is_file():
            raise CommandError(f"--handler-file: no such file {path}")
        try:
            event = json.loads(options["event"])
        except ValueError as error:
            raise CommandError(f"--event is not JSON: {error}") from error
        handler = options["handler"] or f"{path.stem}.handler"
        try:
            backend = start_embedded(max_environments=2)
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        try:
            result = deploy_and_invoke(backend, path, handler, options["memory"], options["timeout"], event)
        except ValueError as error:
            raise CommandError(str(error)) from error
        finally:
            backend.stop()
            backend.sandbox.shutdown()
        data = {key: result.to_dict()[key] for key in FIELDS} | {
            "cpu_share_enforced": result.cpu_share_enforced,
            "modelled_duration_ms": result.to_dict()["modelled_duration_ms"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
        else:
            self.stdout.write(result.logs)
            self.stdout.write(
                f"status: {result.status}\nresponse: {json.dumps(result.response)}\nerror: {json.dumps(result.error)}"
            )

    def grade(self, options) -> None:
        try:
            lab = lab_source(settings.CONTENT_DIR, options["slug"])
            files, config = files_in(options["solution"] or lab.solution_dir)
        except (LabNotFound, DeployError) as error:
            raise CommandError(str(error)) from error
        try:
            with lab_backend() as (endpoint, kind):
                run = grade_lab(
                    lab=lab,
                    files=files,
                    config=config,
                    endpoint=endpoint,
                    kind=kind,
                    reveal_hidden=options["show_hidden"],
                    control=control_token(settings.SECRET_KEY),
                )
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        data = run.to_dict(lab)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        if run.deploy_error:
            self.stdout.write(f"Deploy failed: {run.deploy_error}")
        if data.get("function_error"):
            self.stdout.write(f"Your function failed with {data['function_error']}.")
        hints = {check.name: check.hints for check in load_checks(lab.checks_path)}  # hidden: by name only
        for item in data["checks"]:
            mark = {"passed": "✔", "not_run": "–"}.get(item["status"], "✘")
            self.stdout.write(f"{mark} {item['earned']}/{item['points']}  {item['title']}: {item['message']}")
            for tier, hint in enumerate(hints.get(item["name"], ()) if item["status"] == "failed" else (), 1):
                self.stdout.write(f"    hint {tier}: {hint}")
        self.stdout.write(f"Score: {data['score']}/{data['total']} ({data['seconds']} s)")

    def selfcheck(self) -> None:
        try:
            sandbox = Sandbox(SandboxLimits(max_environments=1))
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        try:
            check = sandbox.self_check()
        finally:
            sandbox.shutdown()
        self.stdout.write(check.report())
        if not check.ok:
            raise CommandError("The sandbox is not safe to run learner code on this host.")
        self.stdout.write("Sandbox self-check passed.")


def deploy_and_invoke(backend: LabBackend, path: Path, handler: str, memory: int, timeout: float, event):
    if not 128 <= memory <= 10240:
        raise ValueError(f"--memory must be 128–10,240 MB, not {memory}")
    if not 1 <= timeout <= 900 or timeout != int(timeout):
        raise ValueError(f"--timeout must be a whole number of seconds from 1 to 900, not {timeout:g}")
    aws = AccountAws(endpoint=backend.endpoint, account_id=new_account_id())
    spec = SimpleNamespace(slug="lab-invoke", deploy="function", handler=handler, function="")
    config = {"memory_mb": memory, "timeout_s": int(timeout)}
    try:
        deploy(aws=aws, spec=spec, files={path.name: path.read_text()}, config=config)
        aws.client("lambda").invoke(FunctionName="lab-invoke", Payload=json.dumps(event).encode(), LogType="Tail")
    except (DeployError, ClientError) as error:
        raise ValueError(f"the emulator refused: {error}") from error
    return backend.last_result(aws.account_id, "lab-invoke")


@contextlib.contextmanager
def lab_backend(max_environments: int = 4):
    """(endpoint, kind) for a one-off command: LocalStack if configured, else a moto of our own."""
    if settings.LABS_BACKEND == "localstack":
        yield settings.LABS_ENDPOINT, "localstack"
        return
    backend = start_embedded(max_environments, control_token=control_token(settings.SECRET_KEY))
    try:
        yield backend.endpoint, "moto"
    finally:
        backend.stop()
        backend.sandbox.shutdown()
