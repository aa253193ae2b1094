import textwrap
from pathlib import Path

import pytest
from django.core.cache import cache

from courseware.catalog import pages
from courseware.catalog.selectors import content_release_forget
from courseware.course import services as course_services
from courseware.quizzes.models import Quiz
from tests.factories import InstructorFactory, UserFactory
from tests.quiz_fixtures import quiz_yaml

COURSE_YAML = """\
title: Test course
modules:
  - slug: basics
    title: Basics
    summary: The basics.
  - slug: advanced
    title: Advanced
    summary: The rest.
"""


def lesson_text(*, slug, order, module="basics", prerequisites=(), body=None, extra_front=""):
    prereq = "[" + ", ".join(prerequisites) + "]"
    body = body if body is not None else f"## Overview\n\nAbout {slug}.\n\n## Details\n\nMore.\n"
    return (
        "---\n"
        f"slug: {slug}\n"
        f"title: The {slug} lesson\n"
        f"module: {module}\n"
        f"order: {order}\n"
        f"summary: A lesson about {slug}.\n"
        "objectives:\n"
        f"  - Explain {slug}.\n"
        "estimated_minutes: 15\n"
        f"prerequisites: {prereq}\n"
        "sources:\n"
        "  - title: Course fact sheet\n"
        "  - title: AWS Lambda pricing\n"
        "    url: https://aws.amazon.com/lambda/pricing/\n"
        f"{extra_front}"
        "---\n"
        f"{body}"
    )


@pytest.fixture(autouse=True)
def fresh_caches():
    """Rendered pages are cached per content release; each test starts with none."""
    cache.clear()
    content_release_forget()
    pages.forget()
    yield
    cache.clear()
    pages.forget()


class ContentTree:
    """A scratch content directory holding lessons/, for loader and sync tests."""

    def __init__(self, root: Path):
        self.root = root
        self.lessons = root / "lessons"
        (self.lessons / "images").mkdir(parents=True)
        self.write("course.yaml", COURSE_YAML)

    def write(self, name: str, text: str) -> Path:
        path = self.lessons / name
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def lesson(self, name: str, **kwargs) -> Path:
        return self.write(name, lesson_text(**kwargs))

    def remove(self, name: str) -> None:
        (self.lessons / name).unlink()


@pytest.fixture
def content(tmp_path, settings):
    """A valid two-lesson course in a scratch directory, wired into settings."""
    tree = ContentTree(tmp_path)
    tree.lesson("01-intro.md", slug="intro", order=1)
    tree.lesson(
        "02-next.md",
        slug="next",
        order=2,
        module="advanced",
        prerequisites=["intro"],
        body="## Start\n\nSee [the intro](01-intro.md#details).\n\n![A diagram](images/flow.svg)\n",
    )
    (tree.lessons / "images" / "flow.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
    )
    settings.CONTENT_DIR = tmp_path
    settings.LESSONS_DIR = tree.lessons
    return tree


@pytest.fixture
def synced(content):
    """The scratch course, imported."""
    course_services.content_sync()
    return content


@pytest.fixture
def student(db):
    return UserFactory()


@pytest.fixture
def other_student(db):
    return UserFactory()


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def make_quiz(content, db):
    """Write the every-type quiz for the intro lesson with the given settings, sync, return it."""

    def make(**settings) -> Quiz:
        content.write("01-intro.quiz.yaml", quiz_yaml(**settings))
        course_services.content_sync()
        return Quiz.objects.get(lesson__slug="intro")

    return make


@pytest.fixture(scope="session")
def lab_backend():
    """One embedded lab backend (moto + sandbox) for the whole run: moto's state and the Lambda
    seam are per process, so every test that deploys shares this one (accounts keep them apart)."""
    from django.conf import settings

    from courseware.labrunner.client.aws import control_token
    from courseware.labrunner.emulator.backend import LabBackend
    from courseware.sandbox import Sandbox, SandboxLimits

    backend = LabBackend(
        sandbox=Sandbox(SandboxLimits(max_environments=8)), control_token=control_token(settings.SECRET_KEY)
    ).start()
    yield backend
    backend.stop()
    backend.sandbox.shutdown()


@pytest.fixture
def labs(settings, lab_backend, transactional_db):
    """Labs wired to the embedded backend, tasks run at once, and the real labs/ indexed.

    Transactional: a run's task is queued when its transaction commits, which a test wrapped
    in one never does."""
    from courseware.labrunner.grading.runner import lab_source
    from courseware.labrunner.sync import lab_sync

    settings.LABS_BACKEND = "moto"
    settings.LABS_ENDPOINT = lab_backend.endpoint
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    return lab_backend
