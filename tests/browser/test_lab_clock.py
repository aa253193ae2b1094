"""The lab clock in Chromium: the card loads the account's lab time, and +1 hour moves it and
fires the schedule the learner's account holds."""

import json

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.labrunner.grading.runner import lab_source
from courseware.labrunner.models import Lab
from courseware.labrunner.services import lab_workspace_get
from courseware.labrunner.sync import lab_sync
from tests.browser.test_quiz_journey import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_moves_the_lab_clock(live_server, page, screenshot, lab_backend, settings_for_labs):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    learner = UserFactory()
    workspace = lab_workspace_get(user=learner, lab=Lab.objects.get(slug="hello-lambda"))
    sqs = lab_backend.client("sqs", workspace.account_id)
    queue = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = lab_backend.client("events", workspace.account_id)
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": arn}])

    log_in(page, live_server, learner)
    page.goto(live_server.url + "/labs/hello-lambda/")
    clock = page.locator("#lab-clock")
    expect(clock).to_contain_text("(0 s ahead of real time)")
    page.get_by_role("button", name="+1 hour").click()
    expect(clock).to_contain_text("s ahead of real time")
    expect(clock).not_to_contain_text("(0 s ahead")
    screenshot("clock-moved")
    message = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=10)["Messages"][0]
    assert json.loads(message["Body"])["detail-type"] == "Scheduled Event"


@pytest.fixture
def settings_for_labs(settings, lab_backend):
    settings.LABS_BACKEND = "moto"
    settings.LABS_ENDPOINT = lab_backend.endpoint
