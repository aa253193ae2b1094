"""Code from a zip, idle environments reaped, open-file limits, and the AWS socket forwarded in."""

import http.server
import socketserver
import threading
import time
import zipfile

from courseware.sandbox import FunctionConfig, Sandbox, SandboxLimits


def test_code_from_a_zip(sandbox, tmp_path):
    archive = tmp_path / "function.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app/main.py", "def handler(event, context):\n    return 'from zip'\n")
        zipped.writestr("app/__init__.py", "")
    result = sandbox.invoke(FunctionConfig(name="zipped", handler="app.main.handler", code=archive), {})
    assert result.status == "ok" and result.response == "from zip"


def test_idle_environments_are_shut_down(function):
    box = Sandbox(SandboxLimits(idle_seconds=0.5))
    try:
        fn = function("def handler(event, context):\n    return 1\n")
        assert box.invoke(fn, {}).cold_start and box.warm_environments() == 1
        deadline = time.monotonic() + 10
        while box.warm_environments() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert box.warm_environments() == 0
        assert box.invoke(fn, {}).cold_start
    finally:
        box.shutdown()
    assert box.warm_environments() == 0


def test_open_files_are_limited(sandbox, function, still_works):
    code = """
def handler(event, context):
    handles = []
    try:
        while True:
            handles.append(open("/var/task/handler.py"))
    except OSError as error:
        return [len(handles), error.strerror]
"""
    result = sandbox.invoke(function(code), {})
    assert result.status == "ok" and result.response[1] == "Too many open files" and result.response[0] < 256
    still_works()


class _Reply(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = f"emulated AWS saw {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        request, _ = super().get_request()
        return request, ("sandbox", 0)


def test_aws_calls_reach_the_socket_the_caller_provides(sandbox, function, tmp_path):
    path = tmp_path / "aws.sock"
    server = _UnixHTTPServer(str(path), _Reply)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = """
import os, urllib.request

def handler(event, context):
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    with urllib.request.urlopen(endpoint + "/2015-03-31/functions", timeout=5) as response:
        return [endpoint, response.read().decode()]
"""
        result = sandbox.invoke(function(code, timeout_s=10), {}, socket_path=path)
        assert result.status == "ok", result.to_dict()
        assert result.response == [
            "http://127.0.0.1:4566",
            "emulated AWS saw /2015-03-31/functions",
        ]
    finally:
        server.shutdown()
        server.server_close()
