"""The real course in lessons/: valid, complete, and held to the course's own standards."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from courseware.course.loader import load_course

ROOT = Path(settings.BASE_DIR)
COURSE = load_course(ROOT)
LESSONS = {lesson.slug: lesson for lesson in COURSE.lessons}
REQUIRED_TOPICS = [
    "what-is-serverless",
    "lambda-anatomy",
    "lambda-limits",
    "lambda-pricing",
    "invocation-models",
    "api-gateway",
    "api-gateway-security",
    "sqs",
    "sns-fan-out",
    "eventbridge",
    "dynamodb",
    "s3",
    "step-functions",
    "lambda-at-edge",
    "patterns",
    "observability",
    "tooling",
]


def test_content_check_is_clean():
    assert [str(problem) for problem in COURSE.problems] == []


def test_the_course_covers_every_topic():
    assert len(COURSE.lessons) >= 14
    assert set(REQUIRED_TOPICS) <= set(LESSONS)
    assert {lesson.module for lesson in COURSE.lessons} == {module.slug for module in COURSE.modules}


@pytest.mark.parametrize("slug", REQUIRED_TOPICS)
def test_lesson_teaches_with_examples_diagrams_exercises_and_sources(slug):
    lesson = LESSONS[slug]
    html = lesson.html
    assert len(lesson.objectives) >= 2
    assert len(lesson.sources) >= 2
    assert '<div class="language-' in html, "a worked example with code"
    assert "<table>" in html or "<img " in html or "language-text" in html, "a table or a diagram"
    assert "<table>" in html or "<img " in html
    assert re.search(r'class="admonition exercise"|<details class="exercise"', html), "an exercise"
    assert len(re.sub(r"<[^>]+>", " ", html).split()) >= 900, "enough substance"


def test_seed_corrections_are_called_out():
    boxes = {
        slug: re.findall(
            r'class="admonition (erratum|then-and-now)"|<details class="(erratum|then-and-now)"',
            lesson.html,
        )
        for slug, lesson in LESSONS.items()
    }
    for slug in ["lambda-limits", "lambda-pricing", "api-gateway", "dynamodb"]:
        assert boxes[slug], f"{slug} needs an Erratum or Then-and-now box"


def test_pricing_lesson_uses_the_fact_sheet_figures():
    text = LESSONS["lambda-pricing"].body
    for figure in ["0.0000166667", "0.0000133334", "400,000", "3,200,000", "59,999", "1,769"]:
        assert figure in text, figure


def test_every_image_is_used_and_safe():
    images = ROOT / "lessons" / "images"
    used = {match for lesson in COURSE.lessons for match in re.findall(r"\(images/([^)\s]+)\)", lesson.body)}
    on_disk = {path.name for path in images.iterdir()}
    assert on_disk - used == set(), "images no lesson uses"
    for path in images.glob("*.svg"):
        svg = path.read_text(encoding="utf-8").lower()
        assert "<script" not in svg and "onload" not in svg and 'xlink:href="http' not in svg, path.name
