"""Every lab in labs/: its solution earns full marks and its starter does not."""

import json
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from aws_lambda_powertools.utilities.parser.models import S3Model
from django.conf import settings

from courseware.course.loader import load_course
from courseware.labrunner.grading.runner import files_in, grade_lab, lab_source

LABS = sorted(p.name for p in (Path(settings.CONTENT_DIR) / "labs").iterdir() if (p / "lab.md").is_file())


def test_there_are_six_labs():
    assert len(LABS) >= 6, LABS


@pytest.mark.parametrize("slug", LABS)
def test_the_solution_earns_full_marks(slug, lab_backend):
    lab = lab_source(settings.CONTENT_DIR, slug)
    files, config = files_in(lab.solution_dir)
    run = grade_lab(lab=lab, files=files, config=config, endpoint=lab_backend.endpoint, reveal_hidden=True)
    assert run.deploy_error is None, str(run.deploy_error)
    failed = [f"{c.name}: {c.message}" for c in run.report.checks if not c.passed]
    assert not failed and run.report.score == lab.points


@pytest.mark.parametrize("slug", LABS)
def test_the_starter_does_not(slug, lab_backend):
    lab = lab_source(settings.CONTENT_DIR, slug)
    files, config = files_in(lab.directory / "starter")
    run = grade_lab(lab=lab, files=files, config=config, endpoint=lab_backend.endpoint)
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
