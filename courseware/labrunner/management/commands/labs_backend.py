"""`python manage.py labs_backend [--port 5000]`: the emulated AWS that labs deploy to and learner
code calls (through its account's socket). `make run` starts it; Ctrl-C stops it."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.labrunner.client.aws import control_token
from courseware.labrunner.emulator.backend import LabBackend
from courseware.sandbox import Sandbox, SandboxUnavailable


class Command(BaseCommand):
    help = "Run the lab backend: a moto server whose Lambda runs learner code in the sandbox."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=5000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        try:
            sandbox = Sandbox()
        except SandboxUnavailable as error:
            raise CommandError(str(error)) from error
        check = sandbox.self_check()
        self.stdout.write(check.report())
        if not check.ok and not sandbox.unsafe:
            sandbox.shutdown()
            raise CommandError("The sandbox self-check failed; refusing to run learner code.")
        backend = LabBackend(
            sandbox=sandbox, port=port, host=host, control_token=control_token(settings.SECRET_KEY)
        ).start()
        self.stdout.write(f"Lab backend (moto + sandbox) on {backend.endpoint}; Ctrl-C stops it.")
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        backend.stop()
        sandbox.shutdown()
        self.stdout.write("Lab backend stopped.")
