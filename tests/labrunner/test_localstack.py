"""LABS_BACKEND=localstack: the same deploys, invokes and grading against a LocalStack endpoint.

LocalStack itself needs Docker and an auth token, so a stand-in plays its part: the lab backend
behind a proxy that, as LocalStack does, picks the account from a 12-digit access key id and
ignores moto's account header. The platform must work through that alone."""

import http.client
import http.server
import io
import json
import re
import threading

import pytest
from django.core.management import call_command
from django.urls import reverse

from courseware.labrunner.client.aws import ACCOUNT_HEADER
from courseware.labrunner.emulator.backend import free_port
from courseware.labrunner.models import LabWorkspace
from tests.lab_fixtures import HTMX, solution_post

CREDENTIAL_RE = re.compile(r"Credential=(\d{12})/")


class StandIn(http.server.ThreadingHTTPServer):
    daemon_threads = True
    upstream = ("127.0.0.1", 0)
    seen_accounts: list
    forged_headers: int = 0


class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = CREDENTIAL_RE.search(self.headers.get("Authorization", ""))
        account = match[1] if match else "000000000000"  # LocalStack's default account
        if self.headers.get(ACCOUNT_HEADER):
            self.server.forged_headers += 1
        self.server.seen_accounts.append(account)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in (ACCOUNT_HEADER, "connection")}
        headers[ACCOUNT_HEADER] = account
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        response = upstream.getresponse()
        payload = response.read()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, *args):
        pass


@pytest.fixture
def localstack(labs, settings):
    server = StandIn(("127.0.0.1", free_port()), Forward)
    server.upstream = ("127.0.0.1", labs.port)
    server.seen_accounts = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LABS_BACKEND = "localstack"
    settings.LABS_ENDPOINT = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def test_deploy_invoke_and_grade_through_a_localstack_endpoint(student_client, student, localstack):
    url = reverse("labrunner:run_create", args=["hello-lambda", "deploy"])
    assert "Version 1 deployed" in student_client.post(url, solution_post(), **HTMX).content.decode()
    url = reverse("labrunner:run_create", args=["hello-lambda", "invoke"])
    invoked = student_client.post(url, {"event_name": "hello"}, **HTMX).content.decode()
    assert "Hello, Ada!" in invoked and "REPORT RequestId" in invoked
    url = reverse("labrunner:run_create", args=["hello-lambda", "grade"])
    assert "Score: <strong>10/10</strong>" in student_client.post(url, **HTMX).content.decode()
    workspace = LabWorkspace.objects.get(user=student)
    assert workspace.account_id in localstack.seen_accounts  # chosen by access key alone
    assert localstack.forged_headers == 0  # no moto-only header was needed or sent


def test_lab_grade_uses_the_configured_localstack(localstack):
    out = io.StringIO()
    call_command("lab", "grade", "hello-lambda", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["score"] == report["total"] == 10
    assert report["account_id"] in localstack.seen_accounts
