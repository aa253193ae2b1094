"""A learner signs up, opens a lesson and marks it complete, in a real Chromium."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courseware.catalog.models import LessonCompletion
from courseware.course import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_open_a_lesson_and_mark_it_complete(live_server, page, screenshot):
    services.content_sync()  # the real lessons/ folder
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serverless on AWS")
    screenshot("01-outline")

    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase-9")
    page.get_by_label("Password confirmation").fill("a-long-passphrase-9")
    screenshot("02-signup")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Welcome, grace", level=1)).to_be_visible()  # not "back"
    expect(page.get_by_text(re.compile(r"^0 of \d+ lessons complete"))).to_be_visible()
    screenshot("03-dashboard")

    page.get_by_role("link", name=re.compile(r"^Continue: ")).click()
    expect(page).to_have_url(re.compile(r"/lessons/what-is-serverless/$"))
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    screenshot("04-lesson")

    button = page.get_by_role("button", name="Mark as complete")
    button.scroll_into_view_if_needed()
    with page.expect_response(re.compile(r"/complete/$")) as response_info:
        button.click()
    assert response_info.value.request.headers.get("hx-request") == "true"  # swapped in by htmx
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    screenshot("05-completed", page.locator("#completion"))

    user = get_user_model().objects.get(username="grace")
    assert list(LessonCompletion.objects.filter(user=user).values_list("lesson__slug", flat=True)) == [
        "what-is-serverless"
    ]
    page.reload()
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("1 of")).to_be_visible()
    screenshot("06-dashboard-progress")


def test_lesson_reads_in_dark_mode_and_keyboard_reaches_content(live_server, browser, screenshot):
    services.content_sync()
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/lessons/lambda-pricing/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 18, 22)"
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#site-main")).to_be_focused()
    screenshot("dark-lesson", page)
    context.close()
