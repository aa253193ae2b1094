"""`python manage.py lab invoke --handler-file F [--handler mod.fn] [--memory MB] [--timeout S]
[--event JSON] --json`: run one handler once in a fresh sandboxed environment (design.md contract).

Until the lab platform wires in the emulated AWS account, the handler runs in the sandbox directly;
the JSON shape is the one the lab backend will keep."""

import json
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.sandbox import FunctionConfig, Sandbox, SandboxLimits, SandboxUnavailable

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
        invoke = actions.add_parser(
            "invoke", help="Deploy a handler file to a fresh environment and invoke it once."
        )
        invoke.add_argument("--handler-file", required=True, type=Path)
        invoke.add_argument("--handler", help="module.function (default: <file name>.handler)")
        invoke.add_argument("--memory", type=int, default=128, help="MB, 128–10,240")
        invoke.add_argument("--timeout", type=float, default=3.0, help="seconds, up to 900")
        invoke.add_argument("--event", default="{}", help="the event, as JSON")
        invoke.add_argument("--json", action="store_true", help="print the result as JSON")
        actions.add_parser(
            "selfcheck",
            help="Prove the sandbox's confinement on this host and say what is missing.",
        )

    def handle(self, *args, action, **options):
        if action == "selfcheck":
            return self.selfcheck()
        path: Path = options["handler_file"]
        if not path.is_file():
            raise CommandError(f"--handler-file: no such file {path}")
        try:
            event = json.loads(options["event"])
        except ValueError as error:
            raise CommandError(f"--event is not JSON: {error}") from error
        handler = options["handler"] or f"{path.stem}.handler"
        with tempfile.TemporaryDirectory() as code:
            shutil.copy(path, Path(code) / path.name)
            try:
                function = FunctionConfig(
                    name=f"lab-{uuid.uuid4().hex[:8]}", handler=handler, code=Path(code),
                    memory_mb=options["memory"], timeout_s=options["timeout"], account_id=f"{uuid.uuid4().int % 10**12:012d}",
                )  # fmt: skip
                sandbox = Sandbox(SandboxLimits(max_environments=1))
            except (ValueError, SandboxUnavailable) as error:
                raise CommandError(str(error)) from error
            try:
                check = (
                    sandbox.self_check()
                )  # at start-up: never run learner code in a leaky sandbox
                if not check.ok and not sandbox.unsafe:
                    raise CommandError("The sandbox self-check failed:\n" + check.report())
                result = sandbox.invoke(function, event)
            finally:
                sandbox.shutdown()
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
