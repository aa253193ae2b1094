"""`make serve`: the scale-out mode on one machine. Runs the Procfile's `release` step, then its
processes until Ctrl-C or SIGTERM: gunicorn, LAB_NODES lab nodes (2; each a `labs_backend --node
nN` on LABS_PORT + N - 1) with TASK_WORKERS task workers beside each taking its queue, as each
lab machine of a fleet runs them (docs/deploy.md). LAB_NODES=0: one lab backend, no fleet."""

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
        parser.add_argument(
            "--lab-nodes",
            type=int,
            default=int(os.environ.get("LAB_NODES", "2")),
            help="How many lab nodes to run (LAB_NODES; default 2; 0: one lab backend, no fleet).",
        )
        parser.add_argument("--skip-release", action="store_true")

    def handle(self, *args, procfile, workers, lab_nodes, skip_release, **options):
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
            for label, extra in instances(name, workers=workers, nodes=lab_nodes) if name != "release" else ():
                group.start(label, niced(name, command), survivable=name == "labs" and lab_nodes > 1, **extra)
        self.stdout.write(
            f"Serving http://127.0.0.1:{os.environ.get('PORT', '8000')}/ with "
            f"{', '.join(label for label, _ in group.children)}; Ctrl-C stops."
        )
        failed = group.wait()
        group.stop()
        if failed:
            raise CommandError(f"{failed} exited; everything was stopped")
        self.stdout.write("Stopped.")


def instances(name: str, *, workers: int, nodes: int) -> list[tuple[str, dict[str, str]]]:
    """Each process to start and its environment: a `labs` per lab node (its name and port), and
    the workers beside each node taking that node's queue; other types once."""
    port = int(os.environ.get("LABS_PORT", "5000"))
    if name == "labs" and nodes:
        return [(f"labs.{n}", {"LAB_NODE": f"n{n}", "LABS_PORT": str(port + n - 1)}) for n in range(1, nodes + 1)]
    if name == "worker" and nodes:
        return [
            (f"worker.{n}.{w}", {"TASK_QUEUES": f"labs-n{n}", "PROCESS_NUMBER": str(w)})
            for n in range(1, nodes + 1)
            for w in range(1, workers + 1)
        ]
    count = workers if name == "worker" else 1
    return [(f"{name}.{number}", {"PROCESS_NUMBER": str(number)}) for number in range(1, count + 1)]


def niced(name: str, command: str) -> str:
    """Lab nodes and task workers yield the CPU to the web processes (LABS_NICE, 10; 0: equal):
    on a machine that runs both, a page waits for nobody, while lab steps are queued and polled
    anyway. Learner code inherits it. On lab machines of their own it changes nothing."""
    nice = int(os.environ.get("LABS_NICE", "10"))
    return f"nice -n {nice} {command}" if nice and name in ("labs", "worker") else command


def scale_out_warnings() -> list[str]:
    """What makes this run differ from the scale-out mode docs/deploy.md describes."""
    warnings = [f"{check.name}: {check.summary}; {check.fix}" for check in check_scale_out()]
    if settings.DEBUG:
        warnings.append("DEBUG is on; `make serve` sets DJANGO_DEBUG=0")
    return warnings
