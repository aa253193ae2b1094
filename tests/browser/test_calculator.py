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


def test_tabs_modes_and_errors_that_keep_the_estimate(live_server, page, screenshot):
    page.goto(live_server.url + "/pricing/")
    page.get_by_role("navigation", name="Calculators").get_by_role("link", name="DynamoDB").click()
    expect(page).to_have_url(re.compile(r"/pricing/dynamodb/$"))
    expect(page).to_have_title(re.compile(r"^DynamoDB · Pricing calculator"))
    expect(page.get_by_role("heading", name="Your table")).to_be_visible()
    expect(page.get_by_role("link", name="DynamoDB")).to_have_attribute("aria-current", "page")

    # A mode shows only its fields.
    reads = page.get_by_label("Reads per month (on-demand)")
    expect(reads).to_be_visible()
    page.get_by_label("Capacity mode").select_option("provisioned")
    expect(reads).to_be_hidden()
    capacity = page.get_by_label("Provisioned read capacity units")
    capacity.fill("100000")
    total = page.get_by_test_id("total")
    expect(total).to_have_text(re.compile(r"^\$\d{1,3}(,\d{3})+\.\d\d$"))  # thousands separators
    expect(page).to_have_url(re.compile(r"rcu=100000"))
    before = total.inner_text()

    # A bad value: named by its label, the field marked, the last estimate kept beside it.
    writes = page.get_by_label("Provisioned write capacity units")
    writes.fill("lots")
    alert = page.locator("#calc-errors")
    expect(alert).to_contain_text("Provisioned write capacity units must be a number, not 'lots'")
    expect(writes).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-wcu")).to_have_text("Must be a number, not 'lots'.")
    expect(total).to_have_text(before)
    expect(alert).to_contain_text("The estimate below is for your last valid inputs.")
    screenshot("calculator-error")
    writes.fill("10")
    expect(alert).to_be_empty()
    expect(writes).not_to_have_attribute("aria-invalid", "true")
    csv = page.get_by_role("link", name="Download the breakdown (CSV)")
    expect(csv).to_have_attribute("href", re.compile(r"^/pricing/dynamodb/estimate\.csv\?.*rcu=100000"))

    # The whole workload: a bill per service, and where the money goes. The tab is clicked right
    # after an edit, so leaving the field sends an estimate while the tab loads: the tab wins.
    writes.fill("12")
    page.get_by_role("link", name="Whole workload").click()
    expect(page).to_have_url(re.compile(r"/pricing/scenario/$"))
    page.wait_for_timeout(1000)  # a late estimate would pull the page back to DynamoDB here
    expect(page).to_have_url(re.compile(r"/pricing/scenario/$"))
    expect(page.get_by_text(re.compile(r"per million requests$"))).to_be_visible()
    expect(page.get_by_role("img", name="Where the money goes")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/pricing/dynamodb/"))
