"""The lab backend: a moto server whose Lambda runs learner code in our sandbox.

moto (5.2) funnels every way a function is run (Invoke, SQS event source mappings, SNS
subscriptions, DynamoDB Streams, S3 notifications) into `LambdaFunction.invoke` and
`_invoke_lambda`, which would need Docker. `.lambda_patches` replaces them, in this process, with
`execute` (the sandbox), and `.invoker` and `.pollers` add Lambda's asynchronous and polling
behaviour. Around moto: the ingress (`.ingress`), one socket per account for learner code
(`.account_socket`), API Gateway's front door (`.apigw`) and the tenancy rules.
"""

import hashlib
import json
import logging
import os
import secrets
import socket
import tempfile
import threading
import uuid
from pathlib import Path

from moto.awslambda.models import LambdaFunction, lambda_backends
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server

from courseware.sandbox import (
    FunctionConfig,
    InvocationResult,
    Sandbox,
    SandboxLimits,
    SandboxUnavailable,
)

from ..client.aws import AccountAws
from . import (
    cfn_lambda,
    lambda_api,
    lambda_patches,
    lambda_policy,
    outbound,
    quotas,
    s3_notifications,
    sns_delivery,
    stacks,
    stepfunctions,
)
from .account_socket import AccountSockets
from .apigw.frontdoor import FrontDoor
from .events.runner import EventsEmulation
from .ingress import Ingress
from .invoker import LambdaInvoker
from .limits import AccountLimits
from .tenancy import acting_as, install_fence

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports: `make serve` puts lab node n on LABS_PORT + n - 1,
    and a port after a free one may well be taken."""
    while True:
        first, held = free_port(), []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()


class _Server(ThreadedMotoServer):
    """moto's threaded server, serving the ingress (which hands moto only AWS API calls)."""

    def __init__(self, app, **kwargs):
        super().__init__(**kwargs)
        self._app = app

    def _server_entry(self) -> None:
        self._server = make_server(self._ip_address, self._port, self._app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()


class LabBackend:
    """The emulator: moto behind the ingress, on a host port for the platform and one socket
    per account for learner code. `control_token` opens moto's control plane to host callers
    (`client.aws.control_token(SECRET_KEY)` in `labs_backend`; random otherwise)."""

    def __init__(
        self,
        *,
        sandbox: Sandbox,
        port: int | None = None,
        host: str = "127.0.0.1",
        limits: AccountLimits | None = None,
        control_token: str | None = None,
    ):
        self.sandbox = sandbox
        self.host, self.port = host, port or free_port()
        self.limits = limits or AccountLimits()
        self.control_token = control_token or secrets.token_hex(32)
        self.ingress = Ingress(self, front_door=FrontDoor(self), control_token=self.control_token, limits=self.limits)
        self.server = _Server(self.ingress, ip_address=host, port=self.port, verbose=False)
        self.sockets = AccountSockets(self.ingress, max_connections=self.limits.connections)
        self._code_dir = Path(tempfile.mkdtemp(prefix="courseware-lambda-code-"))
        self._results: dict[str, InvocationResult] = {}
        self._lock = threading.Lock()
        self.invoker = LambdaInvoker(self)
        self.events = EventsEmulation(self.endpoint)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LabBackend":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per AWS call
        lambda_patches.install(self.invoker)
        lambda_api.install(self.sandbox.images)
        install_fence()
        self.quotas = quotas.install(self.limits)
        outbound.install()
        stacks.install()
        stepfunctions.install(self.endpoint, self.limits)
        cfn_lambda.install()
        lambda_policy.install()  # permissions as Lambda stores them, enforced by each trigger below
        s3_notifications.install()
        sns_delivery.install()
        self.ingress.router.warm()
        self.server.start()
        self.invoker.start()
        self.events.start()
        return self

    def stop(self) -> None:
        quotas.uninstall(self.quotas)
        self.events.stop()
        stepfunctions.uninstall(self.endpoint)
        self.invoker.stop()
        self.server.stop()
        self.sockets.close()

    def health(self, start_response):
        body = json.dumps(
            {
                "status": "ok",
                "backend": "moto",
                "sandbox": "unsafe" if self.sandbox.unsafe else "bwrap",
                "environments": self.sandbox.environment_count(),
                "standby_runtimes": self.sandbox.standby.ready_count(),
            }
        ).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def client(self, service: str, account_id: str):
        """A trusted, host-side boto3 client pinned to one account (as its socket pins learner code)."""
        return AccountAws(endpoint=self.endpoint, account_id=account_id).client(service)

    def last_result(self, account_id: str, function_name: str) -> InvocationResult | None:
        with self._lock:
            return self._results.get(f"{account_id}/{function_name}")

    # Called by moto (through .lambda_patches), in its request thread, instead of Docker.
    def execute(self, function: LambdaFunction, event, context: dict | None = None) -> InvocationResult:
        """Run `function` on `event` (an object, or the payload's JSON text or bytes, which moto's
        triggers pass) in the sandbox. `context`: what Lambda passes beside the event."""
        if isinstance(event, str):
            event = event.encode()
        with acting_as(function.account_id, "lambda"):
            layers = tuple(self._cached(version.code_bytes) for version in self._layers(function))
        config = FunctionConfig(
            name=function.function_name,
            handler=function.handler,
            code=self._cached(function.code_bytes),
            runtime=function.run_time or "python3.11",
            layers=layers,
            memory_mb=int(function.memory_size),
            timeout_s=float(function.timeout),
            environment=dict(function.environment_vars or {}),
            ephemeral_mb=int(function.ephemeral_storage or 512),
            account_id=function.account_id,
            region=function.region,
            architecture=(function.architectures or ["x86_64"])[0],
            revision=str(getattr(function, "revision", 0)),
        )
        result = self.sandbox.invoke(
            config, event, socket_path=self.sockets.socket_for(function.account_id), context=context
        )
        if result.logs:  # CloudWatch Logs, as Lambda writes them, for every way of invoking
            with acting_as(function.account_id, "logs"):
                try:
                    function.logs_backend.ensure_log_group(function.logs_group_name)
                    function.save_logs(result.logs)
                except quotas.QuotaExceeded:  # a full account keeps running, unlogged
                    log.warning("account %s is over its storage quota; logs not kept", function.account_id)
        with self._lock:
            self._results[f"{function.account_id}/{function.function_name}"] = result
        return result

    def _cached(self, code: bytes) -> Path:
        """Code as a zip file the sandbox unpacks once (named by its digest)."""
        archive = self._code_dir / f"{hashlib.sha256(code).hexdigest()[:24]}.zip"
        if not archive.exists():
            # Written aside and renamed into place: concurrent first invocations of new code each
            # see either no archive or a whole one, never one half written (a BadZipFile).
            partial = archive.with_name(f"{archive.stem}.{uuid.uuid4().hex[:8]}.partial")
            partial.write_bytes(code)
            os.replace(partial, archive)
        return archive

    @staticmethod
    def _layers(function: LambdaFunction) -> list:
        backend = lambda_backends[function.account_id][function.region]
        found = [backend.layers_versions_by_arn(layer["Arn"]) for layer in function.layers or []]
        return [version for version in found if version is not None]


def start_embedded(max_environments: int = 4, *, control_token: str | None = None) -> LabBackend:
    """A lab backend of our own for a one-off command, after the sandbox proves its confinement."""
    sandbox = Sandbox(SandboxLimits(max_environments=max_environments))
    check = sandbox.self_check()  # never run learner code in a leaky sandbox
    if not check.ok and not sandbox.unsafe:
        sandbox.shutdown()
        raise SandboxUnavailable("The sandbox self-check failed:\n" + check.report())
    return LabBackend(sandbox=sandbox, control_token=control_token).start()
