"""The lab backend: a moto server whose Lambda runs learner code in our sandbox.

moto (5.2) funnels every way a function is run (Invoke, SQS event source mappings, SNS
subscriptions, DynamoDB Streams, S3 notifications) into `LambdaFunction.invoke` and
`_invoke_lambda`, which would need Docker. `.integrations` replaces them, in this process, with
`execute` (the sandbox), and adds Lambda's asynchronous and SQS polling behaviour.
"""

import contextlib
import hashlib
import json
import logging
import socket
import tempfile
import threading
from pathlib import Path

from moto.awslambda.models import LambdaFunction
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from courseware.sandbox import (
    FunctionConfig,
    InvocationResult,
    Sandbox,
    SandboxLimits,
    SandboxUnavailable,
)

from .apigw.frontdoor import FrontDoor
from .aws import AccountAws
from .gateway import AccountGateway
from .integrations import Integrations, install


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server(ThreadedMotoServer):
    """moto's threaded server with API Gateway's front door in front of it."""

    def __init__(self, backend: "LabBackend", **kwargs):
        super().__init__(**kwargs)
        self._backend = backend

    def _server_entry(self) -> None:
        app = FrontDoor(DomainDispatcherApplication(create_backend_app), self._backend)
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


class LabBackend:
    def __init__(self, *, sandbox: Sandbox, port: int | None = None, host: str = "127.0.0.1"):
        self.sandbox = sandbox
        self.host, self.port = host, port or free_port()
        self.server = _Server(self, ip_address=host, port=self.port, verbose=False)
        self.gateway = AccountGateway((host, self.port))
        self._code_dir = Path(tempfile.mkdtemp(prefix="courseware-lambda-code-"))
        self._results: dict[str, InvocationResult] = {}
        self._lock = threading.Lock()
        self.integrations = Integrations(self)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LabBackend":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per AWS call
        install(self.integrations)
        self.server.start()
        self.integrations.start()
        return self

    def stop(self) -> None:
        self.integrations.stop()
        self.server.stop()
        self.gateway.close()

    def client(self, service: str, account_id: str):
        """A trusted, host-side boto3 client pinned to one account (as the gateway pins learner code)."""
        return AccountAws(endpoint=self.endpoint, account_id=account_id).client(service)

    def last_result(self, account_id: str, function_name: str) -> InvocationResult | None:
        with self._lock:
            return self._results.get(f"{account_id}/{function_name}")

    # Called by moto (through .integrations), in its request thread, instead of Docker.
    def execute(self, function: LambdaFunction, event) -> InvocationResult:
        if isinstance(event, str | bytes):
            event = json.loads(event or "{}")
        archive = self._code_dir / f"{hashlib.sha256(function.code_bytes).hexdigest()[:24]}.zip"
        if not archive.exists():
            archive.write_bytes(function.code_bytes)
        config = FunctionConfig(
            name=function.function_name, handler=function.handler, code=archive,
            memory_mb=int(function.memory_size), timeout_s=float(function.timeout),
            environment=dict(function.environment_vars or {}), account_id=function.account_id, region=function.region,
            architecture=(function.architectures or ["x86_64"])[0], revision=str(getattr(function, "revision", 0)),
        )  # fmt: skip
        result = self.sandbox.invoke(
            config, event, socket_path=self.gateway.socket_for(function.account_id)
        )
        if result.logs:  # CloudWatch Logs, as Lambda writes them, for every way of invoking
            function.logs_backend.ensure_log_group(function.logs_group_name)
            function.save_logs(result.logs)
        with self._lock:
            self._results[f"{function.account_id}/{function.function_name}"] = result
        return result


def start_embedded(max_environments: int = 4) -> LabBackend:
    """A lab backend of our own for a one-off command, after the sandbox proves its confinement."""
    sandbox = Sandbox(SandboxLimits(max_environments=max_environments))
    check = sandbox.self_check()  # never run learner code in a leaky sandbox
    if not check.ok and not sandbox.unsafe:
        sandbox.shutdown()
        raise SandboxUnavailable("The sandbox self-check failed:\n" + check.report())
    return LabBackend(sandbox=sandbox).start()


@contextlib.contextmanager
def embedded_backend(max_environments: int = 4):
    """(endpoint, kind) for a one-off command: LocalStack if configured, else a moto of our own."""
    from django.conf import settings

    if settings.LABS_BACKEND == "localstack":
        yield settings.LABS_ENDPOINT, "localstack"
        return
    backend = start_embedded(max_environments)
    try:
        yield backend.endpoint, "moto"
    finally:
        backend.stop()
        backend.sandbox.shutdown()
