"""One small course world for the security audit: learner A owns an open and a submitted quiz
attempt, a lab draft, a deployed version and an invoke run; learner B and an instructor own
nothing of A's. Lab rows are built directly, so nothing is deployed and no backend is started."""

import functools
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from courseware.course import services as course_services
from courseware.labrunner.models import Lab, LabRun, LabVersion, LabWorkspace
from courseware.quizzes import services as quiz_services
from courseware.quizzes.models import Attempt, Quiz
from tests.conftest import lesson_text
from tests.factories import InstructorFactory, UserFactory
from tests.quiz_fixtures import quiz_yaml

# Strings only learner A (and, on instructor pages, an instructor) may ever be shown.
OWNER_DRAFT = "OWNER-ONLY-draft-7f3a"
OWNER_ANSWER = "OWNER-ONLY-answer-51c2"
OWNER_RUN_OUTPUT = "OWNER-ONLY-output-9d04"
OWNER_MARKERS = (OWNER_DRAFT, OWNER_ANSWER, OWNER_RUN_OUTPUT)

# A real lesson body with an aligned table: the renderer must turn the alignment into classes,
# because the Content-Security-Policy forbids style="" attributes.
TABLE_BODY = (
    "## Overview\n\nLimits at a glance.\n\n"
    "| Setting | Minimum | Maximum |\n"
    "|:--------|:-------:|--------:|\n"
    "| Memory  | 128 MB  | 10,240 MB |\n"
    "| Timeout | 1 s     | 900 s   |\n\n"
    "## Details\n\nMore.\n"
)


@dataclass
class People:
    a: object  # learner A, the owner of everything in the world
    b: object  # another learner
    instructor: object  # a member of the instructor group, not staff

    def user(self, role: str):
        return {"anon": None, "owner": self.a, "other": self.b, "instructor": self.instructor}[role]


@pytest.fixture
def people(db) -> People:
    return People(UserFactory(), UserFactory(), InstructorFactory())


@dataclass
class World(People):
    quiz: Quiz
    open_attempt: Attempt
    submitted_attempt: Attempt
    lab: Lab
    workspace: LabWorkspace
    version: LabVersion
    run: LabRun


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher costs ~0.7 s a user; these tests are about access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@functools.cache
def hello_lambda_source():
    """The real hello-lambda lab, read once per run (reading and rendering it is the slow part)."""
    from courseware.labrunner.grading.runner import lab_source

    return lab_source(django_settings.BASE_DIR, "hello-lambda")


@pytest.fixture
def world(content, settings, people) -> World:
    from courseware.labrunner.sync import lab_sync

    # Tasks are recorded and never run: these tests ask who may start a run, not what it does.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    content.write("01-intro.md", lesson_text(slug="intro", order=1, body=TABLE_BODY))
    content.write("01-intro.quiz.yaml", quiz_yaml(reveal="immediately", attempts=3))
    course_services.content_sync()
    lab_sync(sources=[hello_lambda_source()])  # after content_sync, which removes unknown labs

    a = people.a
    quiz = Quiz.objects.get(lesson__slug="intro")
    submitted = quiz_services.attempt_start(user=a, quiz=quiz)
    quiz_services.attempt_save(attempt=submitted, form={"q-name-it": OWNER_ANSWER})
    submitted, _ = quiz_services.attempt_submit(attempt=submitted)
    open_attempt = quiz_services.attempt_start(user=a, quiz=quiz)
    quiz_services.attempt_save(attempt=open_attempt, form={"q-name-it": OWNER_ANSWER})

    lab = Lab.objects.get(slug="hello-lambda")
    files = {**lab.starter, "handler.py": lab.starter["handler.py"] + f"\n# {OWNER_DRAFT}\n"}
    workspace = LabWorkspace.objects.create(user=a, lab=lab, account_id="123456789012", files=files, config=lab.config)
    version = LabVersion.objects.create(
        workspace=workspace,
        number=1,
        files=files,
        config=lab.config,
        deployment={"function_name": "hello-a", "resources": {}},
    )
    workspace.deployed_version = version
    workspace.save(update_fields=["deployed_version"])
    run = LabRun.objects.create(
        workspace=workspace,
        kind=LabRun.Kind.INVOKE,
        state=LabRun.State.DONE,
        version=version,
        account_id=workspace.account_id,
        request={"event": {}, "event_name": "hello"},
        result={
            "status": "ok",
            "response": {"message": OWNER_RUN_OUTPUT},
            "logs": "",
            "cold_start": False,
            "duration_ms": 1.5,
            "billed_duration_ms": 2,
        },
    )
    return World(
        people.a,
        people.b,
        people.instructor,
        quiz,
        open_attempt,
        submitted,
        lab,
        workspace,
        version,
        run,
    )


def database_snapshot() -> dict[str, dict]:
    """Every row of every table that requests can write, by model and primary key, to prove a
    refused request changed nothing (content types and permissions are static)."""
    skip = {"contenttypes.contenttype", "auth.permission"}
    return {
        model._meta.label_lower: {row["pk"]: row for row in model.objects.values("pk", *_fields(model))}
        for model in apps.get_models()
        if model._meta.label_lower not in skip and model._meta.managed
    }


def assert_unchanged(before: dict, after: dict, requester=None) -> None:
    """Nothing changed, except that a lab page lazily creates the requester's own workspace
    (services.lab_workspace_get, also on GET): an empty copy of the lab, visible to no one else."""
    for label in sorted(before.keys() | after.keys()):
        old, new = before.get(label, {}), after.get(label, {})
        if label == "labrunner.labworkspace" and requester is not None:
            new = {pk: row for pk, row in new.items() if pk in old or row["user_id"] != requester.pk}
        assert old == new, f"{label} changed"


def _fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if not field.primary_key]


def owner_snapshot(world: World) -> dict[str, list]:
    """What belongs to learner A: no one else's request may change any of it."""
    user = get_user_model().objects.filter(pk=world.a.pk)
    return {
        "user": list(user.values("password", "is_active", "is_staff", "email")),
        "attempts": list(Attempt.objects.filter(user=world.a).order_by("pk").values()),
        "responses": list(
            apps.get_model("quizzes", "Response").objects.filter(attempt__user=world.a).order_by("pk").values()
        ),
        "workspaces": list(LabWorkspace.objects.filter(user=world.a).values()),
        "versions": list(LabVersion.objects.filter(workspace__user=world.a).values()),
        "runs": list(LabRun.objects.filter(workspace__user=world.a).order_by("pk").values()),
        "completions": list(apps.get_model("catalog", "LessonCompletion").objects.filter(user=world.a).values()),
    }
