"""The lab page's header follows each step without a reload, and a reset asks first, in Chromium.

Steps go through the real database task queue (a worker thread, as `make run` has), so the
header is updated by the answers to the page's polls, out of band."""

import re
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
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / "hello-lambda" / "solution"


def status(page, term: str):
    """The header's value for `term` (Deployed, Best score)."""
    return page.locator("#lab-status div").filter(has=page.locator("dt", has_text=term)).locator("dd")


def test_the_header_follows_deploy_check_and_reset(live_server, page, task_worker):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/labs/hello-lambda/")
    expect(status(page, "Deployed")).to_have_text("nothing yet")
    expect(status(page, "Best score")).to_have_text("0/10")

    editor = page.locator(".CodeMirror[data-file='handler.py']")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text((SOLUTION / "handler.py").read_text())
    page.get_by_label("Memory (MB)").fill("256")
    page.get_by_label("Timeout (s)").fill("10")
    page.get_by_label("Environment variables (one NAME=value per line)").fill("GREETING=Hello")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=60_000)
    expect(status(page, "Deployed")).to_have_text("version 1")  # no reload

    page.get_by_role("button", name="Check my progress").click()
    expect(page.locator("#grade-run")).to_contain_text("Score: 10/10", timeout=60_000)
    expect(status(page, "Best score")).to_have_text(re.compile(r"^10/10\s*Complete$"))

    # Reset asks first, saying what goes and what stays.
    reset = page.get_by_role("button", name="Reset: give me a clean account")
    expect(reset).to_be_hidden()
    page.locator("summary", has_text="Reset lab…").click()
    expect(page.locator(".confirm-panel")).to_contain_text("Your code, your versions and your best score are kept")
    account = LabWorkspace.objects.get(user=learner).account_id
    reset.click()
    expect(page.locator(".flash")).to_contain_text("Your lab account is clean")
    expect(status(page, "Deployed")).to_have_text("nothing yet")
    expect(page.locator("#deploy-run")).not_to_contain_text("Version 1 deployed")
    expect(status(page, "Best score")).to_have_text(re.compile(r"^10/10"))  # kept
    workspace = LabWorkspace.objects.get(user=learner)
    assert workspace.account_id != account and workspace.deployed_version is None
