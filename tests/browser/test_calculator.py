"""The pricing calculator in Chromium: type, watch the total and the charts update, share the URL."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_the_calculator_and_read_the_total_and_the_chart(live_server, page, screenshot):
    page.goto(live_server.url + "/pricing/")
    total = page.get_by_test_id("total")
    expect(total).to_have_text("$0.00")  # the defaults fit in the free tier
    page.get_by_label("Invocations per month").fill("3000000")
    page.get_by_label("Memory configured").fill("128")
    page.get_by_label("Average duration of one invocation").fill("100")
    page.get_by_label("Apply the always-free tier").select_option("false")
    # 3M × $0.20/1M = $0.60; 37,500 GB-s × $0.0000166667 = $0.63 -> $1.23, updated in place by htmx.
    expect(total).to_have_text("$1.23")
    expect(page).to_have_url(re.compile(r"requests=3000000"))
    expect(page.get_by_role("cell", name="3,000,000 requests × $0.20 per 1M = $0.60")).to_be_visible()
    chart = page.get_by_role("img", name="Cost and duration against memory (teaching model)")
    expect(chart).to_be_visible()
    assert chart.locator("path.line").count() == 2
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    screenshot("calculator")
    page.get_by_label("Memory configured").fill("64")
    expect(page.get_by_role("alert")).to_contain_text("Memory configured (128–10,240 MB) must be at least 128 MB")
    shared = page.url.replace("memory_mb=64", "memory_mb=1024")
    page.goto(shared)  # a shared link reproduces the estimate
    expect(page.get_by_test_id("total")).to_have_text(re.compile(r"^\$\d+\.\d\d$"))
