"""Writes for the catalog: a learner's progress. (Content comes in through `sync`.)"""

from .models import Lesson, LessonCompletion


def lesson_completion_set(*, user, lesson: Lesson, completed: bool) -> bool:
    """Mark a lesson complete (or not) for a learner; idempotent. Returns the new state."""
    if completed:
        LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    else:
        LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    return completed
