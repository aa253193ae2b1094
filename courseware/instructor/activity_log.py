"""When a learner was last active, and doing what: the latest of their quiz attempts and answers,
lesson completions, lab runs and lab drafts, in four queries whatever the number of learners."""

from datetime import datetime

from django.db.models import Max

from courseware.catalog.models import LessonCompletion
from courseware.labrunner import scores as lab_scores
from courseware.quizzes.models import Attempt, Response


def last_activity(*, user_ids) -> dict[int, tuple[datetime, str]]:
    moments: dict[int, list[tuple[datetime, str]]] = {}

    def add(user_id, when, what):
        if when is not None:
            moments.setdefault(user_id, []).append((when, what))

    attempts = Attempt.objects.filter(user__in=user_ids).order_by().values("user_id")
    for row in attempts.annotate(started=Max("started_at"), submitted=Max("submitted_at")):
        add(row["user_id"], row["started"], "started a quiz attempt")
        add(row["user_id"], row["submitted"], "submitted a quiz attempt")
    answers = Response.objects.filter(attempt__user__in=user_ids).order_by().values("attempt__user_id")
    for row in answers.annotate(saved=Max("updated_at")):
        add(row["attempt__user_id"], row["saved"], "answered a quiz question")
    completions = LessonCompletion.objects.filter(user__in=user_ids).order_by().values("user_id")
    for row in completions.annotate(done=Max("completed_at")):
        add(row["user_id"], row["done"], "completed a lesson")
    for user_id, (when, what) in lab_scores.last_lab_activity(user_ids=user_ids).items():
        add(user_id, when, what)
    return {user_id: max(found) for user_id, found in moments.items()}
