"""`make run`: sync content, then run the web server, the lab backend and a task worker, and
re-sync whenever lessons/ or labs/ change.

One foreground process that owns its children, so Ctrl-C (or SIGTERM) stops everything.
"""

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from watchfiles import watch

from courseware.catalog.services import ContentInvalid, content_sync


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
        command = [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
        if no_reload:
            command.append("--noreload")
        web = subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)
        labs_port = int(os.environ.get("LABS_PORT", "5000"))
        backend = [sys.executable, "manage.py", "labs_backend", "--port", str(labs_port)]
        worker = [sys.executable, "manage.py", "db_worker", "--interval", "0.2"]
        children = [
            web,
            subprocess.Popen(backend, cwd=settings.BASE_DIR, start_new_session=True),
            subprocess.Popen(worker, cwd=settings.BASE_DIR, start_new_session=True),
        ]
        stop = threading.Event()

        def shut_down(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, shut_down)
        signal.signal(signal.SIGINT, shut_down)
        self.stdout.write(
            f"Serving http://{host}:{port}/ ; lab backend on 127.0.0.1:{labs_port} ; task worker ; "
            f"watching {settings.LESSONS_DIR} ; Ctrl-C stops."
        )
        watched = [p for p in (settings.LESSONS_DIR, settings.CONTENT_DIR / "labs") if p.is_dir()]
        try:
            for _changes in watch(*watched, stop_event=stop, debounce=400, raise_interrupt=False):
                self.sync()
                if web.poll() is not None:
                    break
        finally:
            for child in children:
                if child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
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
