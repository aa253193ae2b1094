"""Lab 8 end to end in Chromium: write the three files, deploy the API, call it through the
request panel with no token, a Lambda authorizer token (then from the cache), a Cognito ID token
from the token helper and IAM signatures, and check progress. Steps run on a real task worker."""

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
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / "securing-an-api" / "solution"


def send(page, *, path: str, auth: str = "none", headers: str = ""):
    panel = page.locator("#request")
    panel.get_by_label("Method").select_option("GET")
    panel.get_by_label("Path and query").fill(path)
    panel.get_by_label("Credentials").select_option(auth)
    panel.get_by_label("Headers (one Name: value per line)").fill(headers)
    panel.get_by_role("button", name="Send request").click()
    result = page.locator("#request-run")
    expect(result).not_to_contain_text("Sending", timeout=30_000)
    return result


def test_secure_an_api_three_ways(live_server, page, screenshot, task_worker):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "securing-an-api")])
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/labs/securing-an-api/")
    expect(page.get_by_role("heading", name="Call your API")).to_be_visible()

    for name in ("template.yaml", "authorizer.py", "handler.py"):
        page.get_by_role("tab", name=name).click()
        editor = page.locator(f".CodeMirror[data-file='{name}']")
        expect(editor).to_be_visible()
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text((SOLUTION / name).read_text())
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=60_000)

    refused = send(page, path="/reports")
    expect(refused).to_contain_text("HTTP 401")
    expect(refused).to_contain_text("Your function was not called")

    reader = send(page, path="/reports", headers="Authorization: Bearer reader-token")
    expect(reader).to_contain_text("HTTP 200")
    expect(reader.locator(".metrics")).to_contain_text("allow")
    expect(reader.locator(".event")).to_contain_text('"role": "reader"')
    screenshot("token-authorizer")
    cached = send(page, path="/reports/q1-sales", headers="Authorization: Bearer reader-token")
    expect(cached).to_contain_text("HTTP 200")
    expect(cached.locator(".metrics div", has_text="From cache")).to_contain_text("yes")
    expect(cached.locator(".metrics div", has_text="Authorizer function ran")).to_contain_text("no")

    profile = send(page, path="/profile", auth="id-token")
    expect(profile).to_contain_text("HTTP 200")
    expect(profile).to_contain_text("COGNITO_USER_POOLS")
    expect(profile.locator(".event")).to_contain_text("learner@example.com")

    expect(send(page, path="/admin/stats", auth="iam-denied")).to_contain_text("HTTP 403")
    signed = send(page, path="/admin/stats", auth="iam-allowed")
    expect(signed).to_contain_text("HTTP 200")
    expect(signed.locator(".event")).to_contain_text("user/lab-api-caller")
    screenshot("iam")

    page.get_by_role("button", name="Check my progress").click()
    expect(page.locator("#grade-run")).to_contain_text("Score: 14/14", timeout=120_000)
    page.reload()  # the last request is kept, and so is the deployed version
    expect(page.locator("#request-run")).to_contain_text("HTTP 200")
    assert LabWorkspace.objects.get(user=learner).best_score == 14
