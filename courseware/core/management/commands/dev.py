"""`make run`: sync content, then run the web server, the lab backend and a task worker, and
re-sync whenever lessons/ or labs/ change.

One foreground process that owns its children, so Ctrl-C (or SIGTERM) stops everything.
"""

import os
import shlex
import signal
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from watchfiles import watch

from courseware.core.procfile import ProcessGroup, process_env
from courseware.course.services import ContentInvalid, content_sync


class Command(BaseCommand):
    help = "Run the development site: content sync + watcher, the web server and the lab backend."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-reload",
            action="store_true",
            help="Do not restart the web server on code changes.",
        )

    def handle(self, *args, host, port, no_reload, **options):
        self.sync()
        python = shlex.quote(sys.executable)
        labs_port = int(os.environ.get("LABS_PORT", "5000"))
        group = ProcessGroup(cwd=settings.BASE_DIR, env=process_env(), out=self.stdout)
        group.start(
            "web",
            f"{python} manage.py runserver {shlex.quote(f'{host}:{port}')}" + (" --noreload" if no_reload else ""),
        )
        # A fleet of one, so a database that a `make serve` fleet used before still has a live node.
        group.start("labs", f"{python} manage.py labs_backend --port {labs_port} --node dev")
        group.start("worker", f"{python} manage.py db_worker --interval 0.2 --queue-name default,labs-dev")
        signal.signal(signal.SIGTERM, lambda *_: group.exited.set())
        signal.signal(signal.SIGINT, lambda *_: group.exited.set())
        self.stdout.write(
            f"Serving http://{host}:{port}/ ; lab backend on 127.0.0.1:{labs_port} ; task worker ; "
            f"watching {settings.LESSONS_DIR} ; Ctrl-C stops."
        )
        watched = [p for p in (settings.LESSONS_DIR, settings.CONTENT_DIR / "labs") if p.is_dir()]
        try:
            # Until Ctrl-C, or until a process exits (the group then names it and stops the rest).
            for _changes in watch(*watched, stop_event=group.exited, debounce=400, raise_interrupt=False):
                self.sync()
        finally:
            group.stop(timeout=10)
        self.stdout.write("Stopped.")

    def sync(self) -> None:
        try:
            result = content_sync()
        except ContentInvalid as error:
            self.stderr.write("Content not synced; the site keeps serving the last good version:")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            return
        self.stdout.write(
            f"Content synced: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.removed)} removed, {len(result.unchanged)} unchanged."
        )
