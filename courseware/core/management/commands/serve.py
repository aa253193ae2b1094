"""`make serve`: the scale-out mode on one machine. Runs the Procfile's `release` step, then its
processes (gunicorn, TASK_WORKERS task workers, the lab backend) until Ctrl-C or SIGTERM."""

import os
import signal
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.core.doctor import check_scale_out
from courseware.core.procfile import ProcessGroup, ProcfileError, process_env, procfile_read


class Command(BaseCommand):
    help = "Run the Procfile's processes locally (release first), as a deployment would."

    def add_arguments(self, parser):
        parser.add_argument("--procfile", default=str(settings.BASE_DIR / "Procfile"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("TASK_WORKERS", "2")),
            help="How many task worker processes to run (TASK_WORKERS; default 2).",
        )
        parser.add_argument("--skip-release", action="store_true")

    def handle(self, *args, procfile, workers, skip_release, **options):
        try:
            types = {process.name: process.command for process in procfile_read(Path(procfile))}
        except (OSError, ProcfileError) as error:
            raise CommandError(str(error)) from error
        for warning in scale_out_warnings():
            self.stderr.write(f"warning: {warning}")
        env = process_env()
        if "release" in types and not skip_release:
            self.stdout.write(f"release: {types['release']}")
            done = subprocess.run(["sh", "-c", types["release"]], cwd=settings.BASE_DIR, env=env)
            if done.returncode:
                raise CommandError(f"the release step failed (status {done.returncode})")
        group = ProcessGroup(cwd=settings.BASE_DIR, env=env, out=self.stdout)
        signal.signal(signal.SIGTERM, lambda *_: group.stop())
        signal.signal(signal.SIGINT, lambda *_: group.stop())
        for name, command in types.items():
            if name == "release":
                continue
            count = workers if name == "worker" else 1
            for number in range(1, count + 1):
                group.start(f"{name}.{number}", command, PROCESS_NUMBER=str(number))
        self.stdout.write(
            f"Serving http://127.0.0.1:{os.environ.get('PORT', '8000')}/ with "
            f"{', '.join(label for label, _ in group.children)}; Ctrl-C stops."
        )
        failed = group.wait()
        group.stop()
        if failed:
            raise CommandError(f"{failed} exited; everything was stopped")
        self.stdout.write("Stopped.")


def scale_out_warnings() -> list[str]:
    """What makes this run differ from the scale-out mode docs/deploy.md describes."""
    warnings = [f"{check.name}: {check.summary}; {check.fix}" for check in check_scale_out()]
    if settings.DEBUG:
        warnings.append("DEBUG is on; `make serve` sets DJANGO_DEBUG=0")
    return warnings
