"""The lab page's clock: a learner reads their account's lab time and moves it forward, and a
schedule they deployed fires (browser-free, through Django's test client)."""

import json
import re

from django.urls import reverse

from courseware.labrunner.models import Lab, LabWorkspace
from courseware.labrunner.services import lab_workspace_get
from tests.lab_fixtures import HTMX


def url(name: str) -> str:
    return reverse(f"labrunner:{name}", args=["hello-lambda"])


def test_the_page_offers_the_clock_and_its_buttons(student_client, labs):
    page = student_client.get(url("lab")).content.decode()
    assert 'id="clock-title"' in page and "+1 hour" in page and 'hx-get="' + url("clock") in page


def test_moving_the_clock_fires_a_schedule_in_the_learners_account(student_client, student, labs):
    workspace = lab_workspace_get(user=student, lab=Lab.objects.get(slug="hello-lambda"))
    sqs = labs.client("sqs", workspace.account_id)
    queue = sqs.create_queue(QueueName="ticks")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = labs.client("events", workspace.account_id)
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "q", "Arn": arn}])

    before = student_client.get(url("clock"), **HTMX).content.decode()
    assert "Lab time:" in before
    after = student_client.post(url("clock_advance"), {"step": "hour"}, **HTMX).content.decode()
    assert re.search(r"\((3[56]\d\d) s ahead of real time\)", after)
    message = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"][0]
    assert json.loads(message["Body"])["detail-type"] == "Scheduled Event"


def test_without_javascript_the_clock_redirects_back_with_the_time(student_client, labs):
    page = student_client.post(url("clock_advance"), {"step": "day"}, follow=True).content.decode()
    assert "Lab time is now" in page


def test_only_the_offered_steps_move_it(student_client, student, labs):
    answer = student_client.post(url("clock_advance"), {"step": "year"}, **HTMX)
    assert answer.status_code == 400 and "Nothing moved" in answer.content.decode()
    workspace = LabWorkspace.objects.get(user=student)
    clock = student_client.get(url("clock"), **HTMX).content.decode()
    assert "(0 s ahead of real time)" in clock and workspace.account_id


def test_anonymous_visitors_cannot_move_a_clock(client, labs):
    answer = client.post(url("clock_advance"), {"step": "day"})
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_a_backend_that_does_not_answer_is_said_so(student_client, labs, settings):
    settings.LABS_ENDPOINT = "http://127.0.0.1:1"
    answer = student_client.post(url("clock_advance"), {"step": "minute"}, **HTMX)
    assert answer.status_code == 503 and "did not answer" in answer.content.decode()


def test_anonymous_pages_have_no_clock(client, labs):
    assert 'id="clock-title"' not in client.get(url("lab")).content.decode()
