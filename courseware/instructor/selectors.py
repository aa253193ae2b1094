"""Reads for the instructor's pages that are not the gradebook's, the statistics' or the class's own:
one learner's record, one learner's history in one lab, one attempt, one quiz."""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404

from courseware.catalog.models import Lesson, LessonCompletion
from courseware.labrunner import progress as lab_progress
from courseware.labrunner import scores as lab_scores
from courseware.labrunner.models import Lab
from courseware.labrunner.selectors import lab_hints_revealed
from courseware.quizzes.models import Attempt, Quiz

from . import activities as course
from .activity_log import last_activity


def learner_get(*, user_id: int):
    return get_object_or_404(course.learners(), pk=user_id)


@dataclass
class LabLine:
    lab: Lab
    best: int = 0
    started: bool = False
    versions: int = 0
    runs: int = 0
    checks: int = 0
    last_run_at: datetime | None = None


@dataclass
class ModuleLessons:
    title: str
    lessons: list[tuple[Lesson, datetime | None]] = field(default_factory=list)  # (lesson, completed at)


def learner_record(*, user_id: int) -> dict:
    """A learner's whole record: lessons completed by module, quiz attempts and standing, every
    lab's score and work, and when they were last active (404 if not a learner)."""
    learner = learner_get(user_id=user_id)
    completed = dict(LessonCompletion.objects.filter(user=learner).values_list("lesson_id", "completed_at"))
    modules: dict[int, ModuleLessons] = {}
    for lesson in Lesson.objects.select_related("module").order_by("module__position", "order"):
        group = modules.setdefault(lesson.module_id, ModuleLessons(lesson.module.title))
        group.lessons.append((lesson, completed.get(lesson.pk)))
    attempts = (
        Attempt.objects.filter(user=learner).select_related("quiz__lesson").order_by("quiz__lesson__order", "number")
    )
    grades = {grade.quiz_id: grade for grade in learner.quiz_grades.all()}
    spaces = {row["lab_id"]: row for row in lab_scores.workspaces(users=[learner.pk])}
    versions = lab_scores.version_counts(user=learner)
    labs = []
    for lab in Lab.objects.order_by("order", "slug"):
        row = spaces.get(lab.pk)
        line = LabLine(lab)
        if row is not None:
            line.best, line.started, line.runs = row["best_score"], bool(row["run_count"]), row["run_count"]
            line.checks, line.last_run_at, line.versions = (
                row["grade_runs"],
                row["last_run_at"],
                versions.get(lab.pk, 0),
            )
        labs.append(line)
    return {
        "learner": learner,
        "groups": list(learner.groups.values_list("name", flat=True)),
        "modules": list(modules.values()),
        "completed_count": len(completed),
        "lesson_count": sum(len(group.lessons) for group in modules.values()),
        "attempts": attempts,
        "grades": grades,
        "labs": labs,
        "last_active": last_activity(user_ids=[learner.pk]).get(learner.pk),
    }


def learner_lab(*, user_id: int, slug: str) -> dict:
    """One learner's history in one lab: draft, every version with its files, every run with its
    outcome (404 if not a learner, or no such lab)."""
    learner = learner_get(user_id=user_id)
    lab = get_object_or_404(Lab, slug=slug)
    workspace, versions, runs = lab_progress.lab_history(user=learner, lab=lab)
    used = lab_hints_revealed(workspace=workspace) if workspace else {}
    hints = [(name, used[name], len(lab.hints.get(name) or [])) for name in sorted(used)]
    return {"learner": learner, "lab": lab, "workspace": workspace, "versions": versions, "runs": runs, "hints": hints}


def attempt_get(*, attempt_id: int) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("quiz__lesson", "user"), pk=attempt_id)


def quiz_get(*, slug: str) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("lesson"), lesson__slug=slug)


def activity_get(*, kind: str, slug: str) -> course.Activity:
    for activity in course.flat(course.activities()):
        if activity.kind == kind and activity.slug == slug:
            return activity
    raise Http404(f"No {kind} {slug!r}.")


def quizzes_overview() -> dict:
    return {
        "quizzes": Quiz.objects.select_related("lesson").order_by("lesson__order"),
        "learner_count": course.learners().count(),
    }
