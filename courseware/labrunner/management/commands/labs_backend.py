"""`python manage.py labs_backend [--port 5000] [--node NAME]`: the emulated AWS that labs deploy to
and learner code calls (through its account's socket). `make run` starts it; Ctrl-C stops it.

With `--node NAME` it is one node of a fleet: it registers itself (a new boot id: its emulator
starts empty), beats every LABS_HEARTBEAT_S, and marks nodes that stopped beating as lost. The
task workers beside it take the queue `labs-NAME` (docs/deploy.md)."""

import re
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.labrunner.client.aws import control_token
from courseware.labrunner.emulator.backend import LabBackend
from courseware.labrunner.fleet import heartbeat_loop, node_register
from courseware.sandbox import Sandbox, SandboxUnavailable

NODE_NAME_RE = re.compile(r"[A-Za-z0-9-]{1,40}")


class Command(BaseCommand):
    help = "Run the lab backend: a moto server whose Lambda runs learner code in the sandbox."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=5000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--node", default="", help="Join the fleet as this node (letters, digits, -).")
        parser.add_argument("--capacity", type=int, default=None, help="The node's placement weight (100).")

    def handle(self, *args, port, host, node, capacity, **options):
        if node and not NODE_NAME_RE.fullmatch(node):
            raise CommandError(f"a node name is 1-40 letters, digits or -, not {node!r}")
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
        stop = threading.Event()
        if node:
            joined = node_register(name=node, endpoint=backend.endpoint, capacity=capacity)
            beat = {"node": joined, "interval": settings.LABS_HEARTBEAT_S, "stop": stop}
            threading.Thread(target=heartbeat_loop, kwargs=beat, daemon=True).start()
            self.stdout.write(f"Lab node {node} ({joined.state}), queue {joined.queue_name}.")
        self.stdout.write(f"Lab backend (moto + sandbox) on {backend.endpoint}; Ctrl-C stops it.")
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()
        backend.stop()
        sandbox.shutdown()
        self.stdout.write("Lab backend stopped.")
