"""Reads: the course's activities a launch or a deep link can name, and the pushes to show."""

from django.urls import reverse

from courseware.catalog.models import Lesson
from courseware.labrunner.models import Lab
from courseware.quizzes.models import Quiz

from .models import Activity, ScorePush

GRADED = {Activity.QUIZ, Activity.LAB}


def activities() -> list[dict]:
    """Everything an instructor can place in an LMS: lessons, quizzes (100 points), labs (their points)."""
    items = [
        {"kind": Activity.LESSON, "slug": lesson.slug, "title": lesson.title, "maximum": None}
        for lesson in Lesson.objects.order_by("order", "slug")
    ]
    items += [
        {"kind": Activity.QUIZ, "slug": quiz.lesson.slug, "title": quiz.title, "maximum": 100}
        for quiz in Quiz.objects.select_related("lesson")
    ]
    items += [
        {"kind": Activity.LAB, "slug": lab.slug, "title": lab.title, "maximum": lab.points} for lab in Lab.objects.all()
    ]
    return items


def activity_find(kind: str, slug: str) -> dict | None:
    return next((item for item in activities() if item["kind"] == kind and item["slug"] == slug), None)


def activity_url(kind: str, slug: str) -> str:
    names = {Activity.LESSON: "catalog:lesson", Activity.QUIZ: "quizzes:quiz", Activity.LAB: "labrunner:lab"}
    return reverse(names[Activity(kind)], args=[slug])


def activity_id(kind: str, slug: str) -> int | None:
    """The primary key `grade_recorded` names an activity by."""
    if kind == Activity.QUIZ:
        return Quiz.objects.filter(lesson__slug=slug).values_list("pk", flat=True).first()
    if kind == Activity.LAB:
        return Lab.objects.filter(slug=slug).values_list("pk", flat=True).first()
    return None


def activity_slug(kind: str, activity_pk: int) -> str | None:
    if kind == Activity.QUIZ:
        return Quiz.objects.filter(pk=activity_pk).values_list("lesson__slug", flat=True).first()
    if kind == Activity.LAB:
        return Lab.objects.filter(pk=activity_pk).values_list("slug", flat=True).first()
    return None


def pushes_failing(limit: int = 100):
    """Scores the platform has not accepted yet (still retrying) or refused for good."""
    return (
        ScorePush.objects.filter(state__in=[ScorePush.State.PENDING, ScorePush.State.FAILED])
        .select_related("target__user", "target__registration")
        .order_by("-timestamp")[:limit]
    )
