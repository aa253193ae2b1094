"""A lab's check moves the grading account's clock and sees the learner's schedules fire."""

import json

from courseware.labrunner.client.aws import AccountAws, new_account_id
from courseware.labrunner.deploy import deploy
from courseware.labrunner.grading.context import LabContext
from tests.labrunner.deploy.test_events import HANDLER, TEMPLATE, Spec


def test_a_check_advances_the_clock_and_waits_for_the_schedule(lab_backend):
    aws = AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id(), control=lab_backend.control_token)
    deployment = deploy(aws=aws, spec=Spec, files={"handler.py": HANDLER, "template.yaml": TEMPLATE}, config={})
    lab = LabContext(aws=aws, resources=deployment.resources, function_name="Worker", events={})
    assert lab.queue_depth("Seen") == 0
    lab.advance_clock(hours=3)
    assert lab.wait_until(lambda: lab.queue_depth("Seen") >= 3, timeout=120)
    kinds = [json.loads(message["Body"])["kind"] for message in lab.queue_messages("Seen", wait=1)]
    assert kinds.count("hourly") == 3  # (the nightly cron may fall in these three hours too)
