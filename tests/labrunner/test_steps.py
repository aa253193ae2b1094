"""Lab steps through the pages: a broken deploy keeps the last good version, and an emulator
restart loses nothing (the deployed version is deployed again before an invoke)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from courseware.labrunner.client.aws import AccountAws
from courseware.labrunner.emulator.backend import free_port
from courseware.labrunner.models import Lab, LabRun, LabWorkspace
from tests.lab_fixtures import HTMX, solution_post
from tests.labrunner.deploy.test_stack import HANDLER, TEMPLATE


def test_a_broken_template_deploy_shows_on_the_page_and_keeps_the_last_good_one(student_client, student, labs):
    lab = Lab.objects.create(
        slug="sam-test",
        title="SAM test",
        order=99,
        summary="s",
        deploy="sam",
        handler="handler.handler",
        function="Worker",
        points=1,
        minutes=1,
        body_html="",
        starter={"handler.py": HANDLER, "template.yaml": TEMPLATE},
        events={"empty": "{}"},
        source_path="labs/sam-test/lab.md",
        content_hash="x",
        synced_at=timezone.now(),
    )
    deploy_url = reverse("labrunner:run_create", args=[lab.slug, "deploy"])
    good = {"file:handler.py": HANDLER, "file:template.yaml": TEMPLATE}
    assert "Version 1 deployed" in student_client.post(deploy_url, good, **HTMX).content.decode()
    broken = good | {"file:template.yaml": TEMPLATE.replace("!GetAtt Jobs.Arn", "!GetAtt Jobs.Nope")}
    page = student_client.post(deploy_url, broken, **HTMX).content.decode()
    assert "Deploy failed" in page and "template.yaml:" in page
    workspace = LabWorkspace.objects.get(user=student, lab=lab)
    assert workspace.deployed_version.number == 1  # the failed deploy did not replace it
    assert workspace.versions.count() == 2  # but its files are kept as a version
    invoke_url = reverse("labrunner:run_create", args=[lab.slug, "invoke"])
    invoked = student_client.post(invoke_url, {"event_name": "empty"}, **HTMX).content.decode()
    assert "&quot;records&quot;: 0" in invoked


def start_backend(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "labs_backend", "--port", str(port)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in process.stdout:
        if "Lab backend (moto + sandbox) on" in line:
            return process
    raise AssertionError("the lab backend did not start")


def test_an_emulator_restart_loses_nothing(student_client, student, labs, settings):
    port = free_port()
    settings.LABS_ENDPOINT = f"http://127.0.0.1:{port}"
    backend = start_backend(port)
    try:
        url = reverse("labrunner:run_create", args=["hello-lambda", "deploy"])
        assert "Version 1 deployed" in student_client.post(url, solution_post(), **HTMX).content.decode()
        os.killpg(backend.pid, signal.SIGTERM)
        backend.wait(timeout=20)
        backend = start_backend(port)  # a new, empty emulator
        account = LabWorkspace.objects.get(user=student).account_id
        fresh = AccountAws(endpoint=settings.LABS_ENDPOINT, account_id=account)
        assert fresh.client("lambda").list_functions()["Functions"] == []
        url = reverse("labrunner:run_create", args=["hello-lambda", "invoke"])
        page = student_client.post(url, {"event_name": "hello"}, **HTMX).content.decode()
        assert "re-provisioned" in page and "Hello, Ada!" in page
        run = LabRun.objects.filter(kind="invoke").first()
        assert run.result["reprovisioned"] is True and run.result["status"] == "ok"
    finally:
        os.killpg(backend.pid, signal.SIGTERM)
        backend.wait(timeout=20)
    time.sleep(0)
