"""Every lab in labs/: its solution earns full marks and its starter does not."""

import json
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel, S3Model
from django.conf import settings

from courseware.course.loader import load_course
from courseware.labrunner.grading.checks import load_checks
from courseware.labrunner.grading.runner import files_in, grade_lab, lab_source

LABS = sorted(p.name for p in (Path(settings.CONTENT_DIR) / "labs").iterdir() if (p / "lab.md").is_file())


def test_there_are_thirteen_labs():
    assert len(LABS) >= 13, LABS


@pytest.mark.parametrize("slug", LABS)
def test_the_solution_earns_full_marks(slug, lab_backend):
    lab = lab_source(settings.CONTENT_DIR, slug)
    files, config = files_in(lab.solution_dir)
    run = grade_lab(
        lab=lab,
        files=files,
        config=config,
        endpoint=lab_backend.endpoint,
        reveal_hidden=True,
        control=lab_backend.control_token,  # as the site grades: checks may move the lab clock
    )
    assert run.deploy_error is None, str(run.deploy_error)
    failed = [f"{c.name}: {c.message}" for c in run.report.checks if not c.passed]
    assert not failed and run.report.score == lab.points


@pytest.mark.parametrize("slug", LABS)
def test_the_starter_does_not(slug, lab_backend):
    lab = lab_source(settings.CONTENT_DIR, slug)
    files, config = files_in(lab.directory / "starter")
    run = grade_lab(
        lab=lab, files=files, config=config, endpoint=lab_backend.endpoint, control=lab_backend.control_token
    )
    score = run.report.score if run.report else 0
    assert score < lab.points


def test_the_observability_lab_and_its_lessons_link_both_ways():
    course = load_course(settings.CONTENT_DIR)
    lesson = next(lesson for lesson in course.lessons if lesson.slug == "observability")
    assert "observability-powertools" in [lab["slug"] for lab in lesson.labs]  # "Practise it in a lab"
    lab = next(lab for lab in course.labs if lab.slug == "observability-powertools")
    assert lab.lesson == "observability"
    for section in ("structured-logging-in-python", "embedded-metric-format", "tracing-with-x-ray"):
        assert f'href="/lessons/observability/#{section}"' in lab.html
    assert 'href="/lessons/invocation-models/#idempotency-making-duplicates-harmless"' in lab.html
    hinted = [hint for hints in lab.hints.values() for hint in hints]
    assert any('href="/lessons/observability/#embedded-metric-format"' in hint for hint in hinted)


def test_the_s3_lab_and_its_lessons_link_both_ways():
    course = load_course(settings.CONTENT_DIR)
    lesson = next(lesson for lesson in course.lessons if lesson.slug == "s3")
    assert "s3-upload-processing" in [lab["slug"] for lab in lesson.labs]  # "Practise it in a lab"
    lab = next(lab for lab in course.labs if lab.slug == "s3-upload-processing")
    assert lab.lesson == "s3"
    for section in (
        "letting-s3-invoke-your-function",
        "event-notifications-to-lambda",
        "worked-example-a-thumbnail-generator",
    ):
        assert f'href="/lessons/s3/#{section}"' in lab.html
    hinted = [hint for hints in lab.hints.values() for hint in hints]
    assert any('href="/lessons/s3/#letting-s3-invoke-your-function"' in hint for hint in hinted)


def test_the_capstone_and_its_lessons_link_both_ways():
    course = load_course(settings.CONTENT_DIR)
    lesson = next(lesson for lesson in course.lessons if lesson.slug == "patterns")
    assert "capstone" in [lab["slug"] for lab in lesson.labs]  # "Practise it in a lab"
    lab = next(lab for lab in course.labs if lab.slug == "capstone")
    assert (lab.lesson, lab.challenge, lab.badge) == ("patterns", True, "Serverless course: capstone complete")
    for target in (
        "patterns/#pattern-1-the-serverless-web-application",
        "api-gateway-security/#jwt-authorizers-http-apis",
        "sqs/#partial-batch-failures",
        "dynamodb/#working-with-dynamodb-from-python",
        "eventbridge/#event-patterns",
    ):
        assert f'href="/lessons/{target}"' in lab.html
    hinted = [hint for hints in lab.hints.values() for hint in hints]
    assert any('href="/lessons/api-gateway-security/#jwt-authorizers-http-apis"' in hint for hint in hinted)


def test_the_capstone_is_a_challenge_lab_that_hides_most_of_its_checks():
    course = load_course(settings.CONTENT_DIR)
    assert "capstone" in [lab.slug for lab in course.labs if lab.challenge]
    checks = load_checks(Path(settings.CONTENT_DIR) / "labs/capstone/checks.py")
    assert sum(item.hidden for item in checks) > len(checks) / 2
    assert all(len(item.hints) >= 2 for item in checks)


def test_the_order_workflow_lab_and_its_lessons_link_both_ways():
    course = load_course(settings.CONTENT_DIR)
    lesson = next(lesson for lesson in course.lessons if lesson.slug == "step-functions")
    assert "order-workflow" in [lab["slug"] for lab in lesson.labs]  # "Practise it in a lab"
    lab = next(lab for lab in course.labs if lab.slug == "order-workflow")
    assert lab.lesson == "step-functions"
    for section in (
        "keep-orchestration-out-of-code",
        "a-worked-example-an-order-workflow",
        "error-handling-with-retry-and-catch",
        "compensation-the-saga-pattern",
        "standard-or-express",
        "worked-example-one-million-orders-a-month",
    ):
        assert f'href="/lessons/step-functions/#{section}"' in lab.html
    assert 'href="/lessons/patterns/#pattern-4-operations-automation"' in lab.html  # the pattern, cited
    hinted = [hint for hints in lab.hints.values() for hint in hints]
    assert any('href="/lessons/step-functions/#error-handling-with-retry-and-catch"' in hint for hint in hinted)
    assert any('href="/lessons/step-functions/#compensation-the-saga-pattern"' in hint for hint in hinted)


def test_the_s3_labs_saved_event_has_aws_shape():
    event = json.loads(
        (Path(settings.CONTENT_DIR) / "labs/s3-upload-processing/events/photo-uploaded.json").read_text()
    )
    record = S3Model.model_validate(event).Records[0]
    assert record.eventName == "ObjectCreated:Put"
    assert unquote_plus(record.s3.object.key) == "uploads/été à Paris.png"  # encoded as S3 encodes keys


def test_the_eventbridge_lab_and_its_lessons_link_both_ways():
    course = load_course(settings.CONTENT_DIR)
    lesson = next(lesson for lesson in course.lessons if lesson.slug == "eventbridge")
    assert "eventbridge-events" in [lab["slug"] for lab in lesson.labs]  # "Practise it in a lab"
    lab = next(lab for lab in course.labs if lab.slug == "eventbridge-events")
    assert lab.lesson == "eventbridge" and lab.order == 10
    for section in (
        "events-buses-rules-and-targets",
        "reshaping-what-a-target-receives",
        "event-patterns",
        "delivery-retries-and-dead-letter-queues",
        "schedules-from-scheduled-rules-to-eventbridge-scheduler",
        "eventbridge-or-sns",
    ):
        assert f'href="/lessons/eventbridge/#{section}"' in lab.html
    for section in ("filter-policies", "raw-message-delivery-and-the-sns-envelope", "sns-sqs-or-eventbridge"):
        assert f'href="/lessons/sns-fan-out/#{section}"' in lab.html  # compared with SNS fan-out
    hinted = [hint for hints in lab.hints.values() for hint in hints]
    assert any('href="/lessons/eventbridge/#event-patterns"' in hint for hint in hinted)
    assert any('href="/lessons/eventbridge/#reshaping-what-a-target-receives"' in hint for hint in hinted)


def test_the_eventbridge_labs_saved_events_have_awss_shape():
    directory = Path(settings.CONTENT_DIR) / "labs/eventbridge-events/events"
    for path in sorted(directory.glob("*.json")):
        event = EventBridgeModel.model_validate(json.loads(path.read_text()))
        assert event.detail_type == "Scheduled Event" and event.source == "aws.events"
        assert event.resources[0].startswith("arn:aws:events:") and event.detail == {}
