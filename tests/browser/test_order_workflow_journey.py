"""Lab 11 end to end in Chromium: add the saga (Retry, Catch, refund) to the state machine in the
editor, deploy, start executions from the execution panel, read their histories on the page (the
retry of the flaky payment, the Catch path to the refund), and check progress. Steps run on a
real task worker, as in `make run`."""

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
LAB = "order-workflow"
DEFINITION = "statemachine/order.asl.json"
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / LAB / "solution" / DEFINITION


def start(page, saved_input: str):
    panel = page.locator("#execution")
    panel.get_by_label("State machine").select_option("OrderWorkflow")
    panel.get_by_label("Saved input").select_option(saved_input)
    result = page.locator("#execution-run")
    before = result.get_attribute("data-run") or ""
    panel.get_by_role("button", name="Start execution").click()
    expect(result).not_to_have_attribute("data-run", before)  # this execution's run, not the last one
    expect(result.locator("p.status")).to_be_visible(timeout=90_000)  # polled until it is done
    return result


def history_row(result, event_type: str, state: str):
    return result.locator(".execution-history tbody tr", has_text=event_type).filter(has_text=state)


def test_build_the_order_saga_end_to_end(live_server, page, screenshot, task_worker):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, LAB)])
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + f"/labs/{LAB}/")
    expect(page.get_by_role("heading", name="Start an execution")).to_be_visible()

    page.get_by_role("tab", name=DEFINITION).click()
    editor = page.locator(f".CodeMirror[data-file='{DEFINITION}']")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(SOLUTION.read_text())
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=90_000)

    happy = start(page, "order")
    expect(happy).to_contain_text("Status: SUCCEEDED")
    expect(happy.locator(".response")).to_contain_text('"tracking_number"')
    expect(history_row(happy, "TaskStateEntered", "ShipOrder")).to_have_count(1)
    expect(happy.locator(".metrics").first).to_contain_text("State transitions")
    expect(happy).to_contain_text("As Standard")
    expect(happy).to_contain_text("As Express (64 MB)")

    flaky = start(page, "flaky-payment")  # the provider times out once: retried, then shipped
    expect(flaky).to_contain_text("Status: SUCCEEDED")
    expect(history_row(flaky, "TaskFailed", "ChargePayment")).to_contain_text("PaymentGatewayTimeout")
    expect(flaky.locator(".badge", has_text="retry 1")).to_be_visible()
    screenshot("retried")

    stock = start(page, "out-of-stock")  # caught at ReserveInventory, refunded, then OrderFailed
    expect(stock).to_contain_text("Status: FAILED")
    expect(stock).to_contain_text("OrderFailed")
    expect(history_row(stock, "TaskFailed", "ReserveInventory")).to_contain_text("OutOfStock")
    expect(stock.locator(".badge", has_text="Catch from ReserveInventory")).to_be_visible()
    expect(history_row(stock, "TaskSucceeded", "RefundPayment")).to_have_count(1)
    expect(history_row(stock, "FailStateEntered", "OrderFailed")).to_have_count(1)
    screenshot("caught", stock)

    page.get_by_role("button", name="Check my progress").click()
    expect(page.locator("#grade-run")).to_contain_text("Score: 12/12", timeout=240_000)
    expect(page.locator("#lab-status")).to_contain_text("12/12")
    screenshot("graded")
    page.reload()  # the last execution is kept, with its history
    expect(page.locator("#execution-run")).to_contain_text("Catch from ReserveInventory")
    assert LabWorkspace.objects.get(user=learner).best_score == 12
