"""`python manage.py doctor [--json] [--no-sandbox]`: check a deployment and say what to fix.
Exit status 1 when anything is an error (warnings alone exit 0)."""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand

from courseware.core.doctor import doctor_checks
from courseware.core.health import ERROR, OK

MARKS = {OK: "ok  ", "warning": "warn", ERROR: "FAIL"}


class Command(BaseCommand):
    help = "Check this deployment: settings, database, cache, tasks, lab backend, content, sandbox."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the checks as JSON.")
        parser.add_argument("--no-sandbox", action="store_true", help="Skip the sandbox self-check (it takes ~2 s).")

    def handle(self, *args, json: bool = False, no_sandbox: bool = False, **options):
        results = doctor_checks(sandbox=not no_sandbox)
        failed = [check for check in results if check.status == ERROR]
        if json:
            self.stdout.write(_dumps([asdict(check) for check in results]))
        else:
            for check in results:
                flat = {k: v for k, v in check.figures.items() if v is not None and not isinstance(v, dict)}
                figures = " ".join(f"{k}={v}" for k, v in flat.items())
                self.stdout.write(f"{MARKS[check.status]}  {check.name}: {check.summary} {figures}".rstrip())
                for name, part in check.figures.items():  # one line each: the lab nodes
                    if isinstance(part, dict):
                        self.stdout.write(f"      {name}: " + " ".join(f"{k}={v}" for k, v in part.items()))
                if check.fix and check.status != OK:
                    self.stdout.write(f"      fix: {check.fix}")
            warned = sum(check.status == "warning" for check in results)
            self.stdout.write(f"{len(results)} checks: {len(failed)} failed, {warned} warnings.")
        if failed:
            raise SystemExit(1)


def _dumps(value) -> str:
    return json.dumps(value, indent=2)
