"""Reads for the instructor's pages that are not the gradebook's or the statistics' own."""

from django.shortcuts import get_object_or_404

from courseware.quizzes.models import Attempt, Quiz

from . import gradebook


def learner_record(*, user_id: int) -> dict:
    """One learner's attempts, in course order, and their standing per quiz (404 if not a learner)."""
    learner = get_object_or_404(gradebook.learners(), pk=user_id)
    attempts = (
        Attempt.objects.filter(user=learner).select_related("quiz__lesson").order_by("quiz__lesson__order", "number")
    )
    grades = {grade.quiz_id: grade for grade in learner.quiz_grades.all()}
    return {"learner": learner, "attempts": attempts, "grades": grades}


def attempt_get(*, attempt_id: int) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("quiz__lesson", "user"), pk=attempt_id)


def quiz_get(*, slug: str) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("lesson"), lesson__slug=slug)


def quizzes_overview() -> dict:
    return {
        "quizzes": Quiz.objects.select_related("lesson").order_by("lesson__order"),
        "learner_count": gradebook.learners().count(),
    }
