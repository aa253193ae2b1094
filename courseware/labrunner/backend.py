"""The lab backend: a moto server whose Lambda runs learner code in our sandbox.

moto (5.2) funnels every way a function is run (Invoke, SQS event source mappings, SNS
subscriptions, DynamoDB Streams, S3 notifications) into `LambdaFunction._invoke_lambda`, which
would need Docker. We replace that one method, in this process, with the sandbox.
"""

import hashlib
import json
import logging
import socket
import tempfile
import threading
from pathlib import Path

import boto3
from moto.awslambda.models import LambdaFunction
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from courseware.sandbox import FunctionConfig, InvocationResult, Sandbox

from .gateway import ACCOUNT_HEADER, AccountGateway


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabBackend:
    def __init__(self, *, sandbox: Sandbox, port: int | None = None, host: str = "127.0.0.1"):
        self.sandbox = sandbox
        self.host, self.port = host, port or free_port()
        self.server = ThreadedMotoServer(ip_address=host, port=self.port, verbose=False)
        self.gateway = AccountGateway((host, self.port))
        self._code_dir = Path(tempfile.mkdtemp(prefix="courseware-lambda-code-"))
        self._results: dict[str, InvocationResult] = {}
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LabBackend":
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per AWS call
        install_seam(self)
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        self.gateway.close()

    def client(self, service: str, account_id: str):
        """A trusted, host-side boto3 client pinned to one account (as the gateway pins learner code)."""
        made = boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="host",
            aws_secret_access_key="host",
        )
        made.meta.events.register(
            "before-send",
            lambda request, **kwargs: request.headers.__setitem__(ACCOUNT_HEADER, account_id),
        )
        return made

    def last_result(self, account_id: str, function_name: str) -> InvocationResult | None:
        with self._lock:
            return self._results.get(f"{account_id}/{function_name}")

    # Called by moto, in its request thread, instead of Docker.
    def run(self, function: LambdaFunction, event) -> tuple[str, bool, str]:
        function.logs_backend.ensure_log_group(function.logs_group_name)
        if isinstance(event, str | bytes):
            event = json.loads(event or "{}")
        archive = self._code_dir / f"{hashlib.sha256(function.code_bytes).hexdigest()[:24]}.zip"
        if not archive.exists():
            archive.write_bytes(function.code_bytes)
        config = FunctionConfig(
            name=function.function_name, handler=function.handler, code=archive,
            memory_mb=int(function.memory_size), timeout_s=float(function.timeout),
            environment=dict(function.environment_vars or {}), account_id=function.account_id, region=function.region,
        )  # fmt: skip
        result = self.sandbox.invoke(
            config, event, socket_path=self.gateway.socket_for(function.account_id)
        )
        with self._lock:
            self._results[f"{function.account_id}/{function.function_name}"] = result
        if result.status == "ok":
            return json.dumps(result.response), False, result.logs
        return json.dumps(result.error), True, result.logs


_installed: list[LabBackend] = []


def install_seam(backend: LabBackend) -> None:
    """Point moto's Lambda execution at `backend` (the latest one installed wins)."""
    _installed[:] = [backend]

    def _invoke_lambda(self, event=None):
        return _installed[0].run(self, event)

    LambdaFunction._invoke_lambda = _invoke_lambda
