"""Lab 1 end to end in Chromium: edit in CodeMirror, configure, deploy, invoke, check progress.

Steps go through the real database task queue: a django-tasks-db worker runs in a thread here,
as `make run`'s worker process would, and the page polls until each step is done."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.labrunner.grading.runner import lab_source
from courseware.labrunner.models import LabWorkspace
from courseware.labrunner.sync import lab_sync
from tests.browser.test_quiz_journey import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / "hello-lambda" / "solution" / "handler.py"


def test_do_lab_one_end_to_end(live_server, page, screenshot, task_worker):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/labs/")
    page.get_by_role("link", name="1. Hello Lambda").click()
    expect(page.get_by_role("heading", name="Hello Lambda", level=1)).to_be_visible()

    editor = page.locator(".CodeMirror[data-file='handler.py']")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SOLUTION.read_text())
    page.get_by_label("Memory (MB)").fill("256")
    page.get_by_label("Timeout (s)").fill("10")
    page.get_by_label("Environment variables (one NAME=value per line)").fill("GREETING=Hello")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=30_000)

    page.get_by_label("Test event").select_option("hello")
    page.get_by_role("button", name="Invoke").click()
    output = page.locator("#invoke-run")
    expect(output).to_contain_text("Hello, Ada!", timeout=30_000)
    expect(output).to_contain_text("REPORT RequestId")
    expect(output).to_contain_text("cold start")
    expect(output).to_contain_text("per million")
    screenshot("invoked")

    page.get_by_role("button", name="Check my progress").click()
    expect(page.locator("#grade-run")).to_contain_text("Score: 10/10", timeout=60_000)
    screenshot("graded")

    # Nothing is lost on reload: the draft and the deployed version are in the database.
    page.reload()
    expect(page.locator(".CodeMirror[data-file='handler.py']")).to_contain_text("cold_start = True")
    workspace = LabWorkspace.objects.get(user=learner)
    assert workspace.best_score == 10 and workspace.deployed_version.number == 1
