"""A failed check's hints in Chromium: offered after the failure, revealed one tier at a time by
htmx (CSRF from the page's hx-headers), the last pointing to its lesson section."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.course.loader import load_course
from courseware.labrunner.models import LabHintReveal
from courseware.labrunner.sync import lab_sync
from tests.browser.test_quiz_journey import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_check_offers_its_hints_one_at_a_time(live_server, page, task_worker, screenshot):
    source = next(lab for lab in load_course(settings.CONTENT_DIR).labs if lab.slug == "hello-lambda")
    lab_sync(sources=[source])
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/labs/hello-lambda/")
    page.get_by_role("button", name="Deploy").click()  # the starter, as it is
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=60_000)
    page.get_by_role("button", name="Check my progress").click()
    expect(page.locator("#grade-run")).to_contain_text("Score:", timeout=60_000)

    check = page.locator("#check-function_is_configured")
    expect(check.locator(".hints")).to_have_count(0)  # offered, not shown
    check.get_by_role("button", name="Show a hint (1 of 2)").click()
    expect(check.locator(".hints li")).to_have_count(1)
    expect(check.locator(".hints")).to_contain_text("settings of the function, not lines of code")
    expect(check.locator(".hints li").first).to_be_focused()  # the button it replaced had the focus
    check.get_by_role("button", name="Show hint 2 of 2").click()
    expect(check.locator(".hints li")).to_have_count(2)
    link = check.get_by_role("link", name="memory and CPU")
    expect(link).to_have_attribute("href", "/lessons/lambda-limits/#memory-and-cpu")
    expect(check.get_by_role("button")).to_have_count(0)  # nothing more to reveal
    screenshot("hints", page.locator("#grade-run"))
    assert list(LabHintReveal.objects.values_list("check_name", "tier")) == [
        ("function_is_configured", 1),
        ("function_is_configured", 2),
    ]
