"""Build a class of any size straight into the database (bulk inserts, no deploys): lessons in
modules, a quiz per lesson, labs tied to lessons, learners with quiz grades, lab workspaces,
versions and runs shaped as the lab runner stores them. For the bounded-queries tests; the
bench (bench/gradebook.py) builds its class the same way."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from courseware.catalog.models import Lesson, Module
from courseware.labrunner.models import Lab, LabRun, LabVersion, LabWorkspace
from courseware.quizzes.models import Quiz, QuizGrade

CHECKS = [
    ("configured", "Memory and timeout are set"),
    ("greets", "The handler greets by name"),
    ("hidden-3", "Hidden check"),
]


def course(*, quizzes: int, labs: int, modules: int = 3) -> tuple[list[Quiz], list[Lab]]:
    now = timezone.now()
    groups = Module.objects.bulk_create(
        [Module(slug=f"mod-{i}", title=f"Module {i}", summary="", position=i) for i in range(modules)]
    )
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(slug=f"lesson-{i}", title=f"Lesson {i}", module=groups[i * modules // quizzes], order=i + 1, summary="",
                   estimated_minutes=5, body_html="", source_path="", content_hash="", synced_at=now)
            for i in range(quizzes)
        ]
    )  # fmt: skip
    made = Quiz.objects.bulk_create(
        [Quiz(lesson=lesson, title=f"Quiz {i}", settings={"attempts": 3}, source_path="", content_hash="")
         for i, lesson in enumerate(lessons)]
    )  # fmt: skip
    made_labs = Lab.objects.bulk_create(
        [
            Lab(slug=f"lab-{i}", title=f"Lab {i}", order=i + 1, summary="", deploy="function", handler="handler.handler",
                points=10, minutes=30, lesson_slug=lessons[i % len(lessons)].slug if i % 4 else "", body_html="",
                source_path="", content_hash="", synced_at=now)
            for i in range(labs)
        ]
    )  # fmt: skip
    return made, made_labs


def learners(count: int, start: int = 0) -> list:
    User = get_user_model()
    return User.objects.bulk_create(
        [User(username=f"bulk{start + i:05d}", email=f"b{start + i}@x.test") for i in range(count)], batch_size=1000
    )


def grades(users, quizzes, *, percent=50) -> None:
    QuizGrade.objects.bulk_create(
        [
            QuizGrade(user=user, quiz=quiz, attempts=1, best=percent, last=percent, first=percent, average=percent,
                      grade=Decimal(percent), passed=percent >= 70)
            for user in users
            for quiz in quizzes
        ],
        batch_size=5000,
    )  # fmt: skip


def grade_result(score: int, failing: tuple[str, ...] = ()) -> dict:
    checks = [
        {"name": name, "title": title, "passed": name not in failing, "points": 5 if i < 2 else 0,
         "earned": 0 if name in failing else (5 if i < 2 else 0), "message": "ok", "hidden": name.startswith("hidden")}
        for i, (name, title) in enumerate(CHECKS)
    ]  # fmt: skip
    return {"lab": "x", "deployed": True, "deploy_error": None, "checks": checks, "score": score, "total": 10}


def lab_work(users, labs, *, grade_runs: int = 2, score: int = 5, ago: timedelta = timedelta(hours=2)) -> None:
    """A workspace per learner per lab, one version, a deploy, an invoke and `grade_runs` checks."""
    now = timezone.now()
    spaces = LabWorkspace.objects.bulk_create(
        [LabWorkspace(user=user, lab=lab, account_id=f"{user.pk:06d}{lab.pk:06d}", files={"handler.py": "x = 1\n"},
                      best_score=score) for user in users for lab in labs],
        batch_size=5000,
    )  # fmt: skip
    versions = LabVersion.objects.bulk_create(
        [LabVersion(workspace=space, number=1, files=space.files, config={}) for space in spaces], batch_size=5000
    )
    runs = []
    for space, version in zip(spaces, versions, strict=True):
        base = {"workspace": space, "version": version, "account_id": space.account_id, "state": LabRun.State.DONE}
        runs.append(LabRun(kind=LabRun.Kind.DEPLOY, result={"version": 1, "function_name": "f"}, **base))
        runs.append(LabRun(kind=LabRun.Kind.INVOKE, result={"status": "ok", "logs": "START\n" * 40}, **base))
        for _ in range(grade_runs):
            failing = () if score >= 10 else ("greets",)
            runs.append(LabRun(kind=LabRun.Kind.GRADE, result=grade_result(score, failing), score=score, **base))
    LabRun.objects.bulk_create(runs, batch_size=5000)
    LabRun.objects.filter(workspace__in=spaces).update(created_at=now - ago)
