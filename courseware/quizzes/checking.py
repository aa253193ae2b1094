"""Checking answers while the attempt is open, in Moodle's two behaviours that do it.

- immediately (Moodle's "immediate feedback"): one check per question; it grades and locks it.
- interactive ("interactive with multiple tries"): a wrong try shows its feedback and the next
  hint, and waits for "Try again"; the question is finished when it is right or out of tries.
  Each wrong try before the one that counts costs `try_penalty` of the question's points
  (`engine.adjusted_fraction`, which the submit and a regrade use too).
"""

from django.db import transaction

from . import engine
from .models import Attempt, Question, Response
from .services import QuizRefused, SaveResult, attempt_save, open_for_writing, refuse_if_expired
from .spec.grading import AnswerForged
from .spec.loader import CHECKED_AS_YOU_GO


def attempt_check(*, attempt: Attempt, key: str, form) -> SaveResult:
    """Save one question's answer and check it (a try, in interactive mode)."""
    if attempt.settings.get("reveal") not in CHECKED_AS_YOU_GO:
        raise QuizRefused("This quiz shows answers after submission, not per question.", status=403)
    result = attempt_save(attempt=attempt, form=form, only=key)
    if result.errors:
        return result
    refuse_if_expired(attempt)
    with transaction.atomic():
        attempt = open_for_writing(attempt)
        question = Question.objects.get(quiz=attempt.quiz_id, key=key)
        response, _ = Response.objects.get_or_create(attempt=attempt, question=question)
        if response.checked or response.awaiting_retry:
            raise AnswerForged("this question was already checked")
        if not engine.answered(question.spec, response.answer):  # as Moodle: a blank costs no try
            result.errors[key] = "Give an answer before checking it."
            return result
        raw = engine.grade(question.spec, attempt.layout["questions"][key], response.answer).fraction
        response.tries += 1
        allowed = attempt.settings.get("tries", 1) if attempt.settings.get("reveal") == "interactive" else 1
        if raw >= 1 - 1e-9 or response.tries >= allowed:
            response.checked = True
            response.fraction = engine.adjusted_fraction(attempt.settings, raw, tries=response.tries, finished=True)
        else:
            response.awaiting_retry = True
        response.save(update_fields=["fraction", "checked", "tries", "awaiting_retry", "updated_at"])
    return result


def attempt_retry(*, attempt: Attempt, key: str, form=None) -> None:
    """Interactive mode: leave a wrong try's feedback and answer the question again. `form`,
    when the whole page was posted (no JavaScript), keeps every other answer first."""
    if attempt.settings.get("reveal") != "interactive":
        raise QuizRefused("This quiz gives one try per question.", status=403)
    if form is not None:
        attempt_save(attempt=attempt, form=form)
    refuse_if_expired(attempt)
    with transaction.atomic():
        attempt = open_for_writing(attempt)
        if key not in attempt.layout["order"]:
            raise AnswerForged("that question is not part of this attempt")
        updated = Response.objects.filter(
            attempt=attempt, question__key=key, question__quiz=attempt.quiz_id, awaiting_retry=True, checked=False
        ).update(awaiting_retry=False)
        if not updated:
            raise QuizRefused("This question is not waiting for another try.", status=409)
