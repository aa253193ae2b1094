"""The only way learner code reaches AWS: a Unix socket per account that pins the account.

Each account gets its own socket, bound into that learner's sandboxes. Whatever the code sends,
the gateway forwards it to the emulator with `x-moto-account-id` set to the socket's account
(moto gives that header precedence over access keys, so forged headers, other accounts' keys and
assumed roles all land in the learner's own account).
"""

import http.client
import http.server
import socketserver
import tempfile
import threading
from pathlib import Path

from .aws import ACCOUNT_HEADER

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-connection",
}


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    account_id = ""
    upstream = ("127.0.0.1", 0)

    def get_request(self):
        request, _ = super().get_request()
        return request, ("sandbox", 0)


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in HOP_BY_HOP and k.lower() != ACCOUNT_HEADER
        }
        headers[ACCOUNT_HEADER] = self.server.account_id
        connection = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except OSError as error:
            self.send_error(502, f"emulator unreachable: {error}")
            return
        finally:
            connection.close()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

    def log_message(self, *args):
        pass


class AccountGateway:
    def __init__(self, upstream: tuple[str, int], directory: Path | None = None):
        self.upstream = upstream
        self.directory = Path(directory or tempfile.mkdtemp(prefix="courseware-gateway-"))
        self._servers: dict[str, _Server] = {}
        self._lock = threading.Lock()

    def socket_for(self, account_id: str) -> Path:
        if not (account_id.isdigit() and len(account_id) == 12):
            raise ValueError(f"an account id is 12 digits, not {account_id!r}")
        with self._lock:
            if account_id not in self._servers:
                path = self.directory / f"{account_id}.sock"
                path.unlink(missing_ok=True)
                server = _Server(str(path), _Forward)
                server.account_id, server.upstream = account_id, self.upstream
                path.chmod(0o666)  # the sandbox's uid must be able to connect
                threading.Thread(
                    target=server.serve_forever, daemon=True, name=f"gateway-{account_id}"
                ).start()
                self._servers[account_id] = server
            return self.directory / f"{account_id}.sock"

    def close(self) -> None:
        with self._lock:
            for server in self._servers.values():
                server.shutdown()
                server.server_close()
            self._servers.clear()
