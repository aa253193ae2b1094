"""The only way learner code reaches AWS: a Unix socket per account, bound into its sandboxes.

The socket speaks HTTP through moto's own request handler (werkzeug's, with moto's header
handling), so the request the ingress classifies is exactly the request moto serves: there is
no second parser in between to disagree with it. The handler marks each request with the
socket's account; the ingress pins it and keeps the account within its limits.

One thread accepts for every socket (a class has thousands of accounts; a thread each, polling,
would cost more than the learners' requests). Each connection then gets a thread of its own, up
to the account's connection limit. At the limit the account's socket is not accepted from until
a connection ends: further connections wait in the kernel's queue, costing the process nothing.
This matters more than any other limit for fairness: every thread that wants the interpreter
lock makes every other request wait longer for it, so one account's flood of connections, even
ones that are refused at once, would slow everyone's requests; waiting in the queue, they slow
only the account that made them.
"""

import json
import logging
import os
import selectors
import socket
import socketserver
import tempfile
import threading
from pathlib import Path

from moto.moto_server.werkzeug_app import MotoRequestHandler

from .ingress import SOCKET_ACCOUNT

log = logging.getLogger(__name__)
IDLE_TIMEOUT_S = 30  # a connection that sends nothing for this long is closed


class _Handler(MotoRequestHandler):
    timeout = IDLE_TIMEOUT_S

    def make_environ(self):
        environ = super().make_environ()
        environ[SOCKET_ACCOUNT] = self.server.account_id
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = "127.0.0.1", 0
        environ["SERVER_NAME"], environ["SERVER_PORT"] = "127.0.0.1", "4566"
        return environ

    def log_request(self, *args, **kwargs):
        pass

    def send_error(self, code, message=None, explain=None):
        """A request too malformed to route (bad request line, oversized headers): answered in
        AWS's JSON error shape rather than the standard library's HTML page."""
        body = json.dumps({"__type": "BadRequest", "message": message or "Bad request"}).encode()
        self.close_connection = True
        self.send_response(code, message)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


class _AccountServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Attributes werkzeug's handler reads from its server, for one account's socket."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 64
    multithread, multiprocess = True, False
    passthrough_errors = False
    ssl_context = None
    _server_version = "AmazonWebServices"

    def __init__(self, path: Path, account_id: str, app, max_connections: int, on_free):
        self.account_id, self.app = account_id, app
        self.max_connections, self.on_free = max_connections, on_free
        self.open_connections = 0
        self.counter_lock = threading.Lock()
        super().__init__(str(path), _Handler)

    @property
    def full(self) -> bool:
        return self.open_connections >= self.max_connections

    def log(self, type: str, message: str, *args) -> None:
        log.log(logging.ERROR if type == "error" else logging.INFO, message, *args)

    def verify_request(self, request, client_address) -> bool:
        with self.counter_lock:
            if self.open_connections >= self.max_connections:
                return False  # not reached: a full socket is not accepted from
            self.open_connections += 1
            return True

    def process_request(self, request, client_address):
        thread = threading.Thread(
            target=self._serve, args=(request, client_address), daemon=True, name=f"account-{self.account_id}"
        )
        thread.start()

    def _serve(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # a broken connection ends its own thread only
            pass
        finally:
            self.shutdown_request(request)
            with self.counter_lock:
                self.open_connections -= 1
            self.on_free(self)


class AccountSockets:
    def __init__(self, app, *, max_connections: int, directory: Path | None = None):
        self.app, self.max_connections = app, max_connections
        self.directory = Path(directory or tempfile.mkdtemp(prefix="courseware-accounts-"))
        self._servers: dict[str, _AccountServer] = {}
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = os.pipe()
        self._selector.register(self._wake_read, selectors.EVENT_READ, None)
        self._closed = False
        self._paused: set[_AccountServer] = set()  # full: not accepted from until one ends
        self._freed: list[_AccountServer] = []
        self._thread = threading.Thread(target=self._accept_forever, daemon=True, name="account-sockets")
        self._thread.start()

    def socket_for(self, account_id: str) -> Path:
        if not (account_id.isdigit() and len(account_id) == 12):
            raise ValueError(f"an account id is 12 digits, not {account_id!r}")
        path = self.directory / f"{account_id}.sock"
        with self._lock:
            if account_id not in self._servers:
                path.unlink(missing_ok=True)
                server = _AccountServer(path, account_id, self.app, self.max_connections, self._on_free)
                path.chmod(0o666)  # the sandbox's uid must be able to connect
                self._servers[account_id] = server
                self._selector.register(server.socket, selectors.EVENT_READ, server)
                os.write(self._wake_write, b"!")
        return path

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            os.write(self._wake_write, b"!")
        self._thread.join(timeout=5)
        with self._lock:
            for server in self._servers.values():
                server.server_close()
            self._servers.clear()
            self._selector.close()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _on_free(self, server: _AccountServer) -> None:
        with self._lock:
            if server in self._paused and not self._closed:
                self._freed.append(server)
                os.write(self._wake_write, b"!")

    def _accept_forever(self) -> None:
        while not self._closed:
            for key, _ in self._selector.select():
                if key.data is None:
                    os.read(self._wake_read, 4096)
                    self._resume()
                elif not self._closed:
                    server = key.data
                    try:
                        server._handle_request_noblock()
                    except Exception:  # one account's broken socket must not stop the rest
                        log.exception("accepting for account %s failed", server.account_id)
                    with self._lock:
                        if server.full:
                            self._selector.unregister(server.socket)
                            self._paused.add(server)

    def _resume(self) -> None:
        with self._lock:
            freed, self._freed = self._freed, []
            for server in freed:
                if server in self._paused and not server.full:
                    self._paused.discard(server)
                    self._selector.register(server.socket, selectors.EVENT_READ, server)


def connect(path: Path) -> socket.socket:
    """A client connection to an account's socket (the platform's tests and self-checks)."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.connect(str(path))
    return client
