"""Writes for quizzes: start, save, check, submit, regrade. Views stay thin; rules live here."""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import engine
from .models import Attempt, Question, Quiz, QuizGrade, Response
from .spec.grading import AnswerForged, AnswerInvalid

DEADLINE_GRACE = timedelta(seconds=2)  # a request in flight when time runs out still counts


class QuizRefused(Exception):
    """A request the rules forbid (no attempts left, time is up, attempt closed): a clear 4xx."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # question key -> learner-facing message


def attempts_used(*, user, quiz: Quiz) -> int:
    return Attempt.objects.filter(user=user, quiz=quiz).count()


def attempt_start(*, user, quiz: Quiz) -> Attempt:
    """Resume the open attempt, or start the next one if the quiz allows another."""
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
    if open_attempt is not None:
        attempt_expire_if_due(attempt=open_attempt)  # outside the lock: it takes its own
    with transaction.atomic():
        # One learner's starts are serialised on their user row, so two tabs (or a double click)
        # cannot both see "no open attempt" and both start one.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        open_attempt = Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.IN_PROGRESS).first()
        if open_attempt is not None:
            return open_attempt
        used = attempts_used(user=user, quiz=quiz)
        allowed = quiz.settings.get("attempts", 0)
        if allowed and used >= allowed:
            raise QuizRefused(f"You have used all {allowed} attempts at this quiz.", status=403)
        specs = [question.spec for question in quiz.questions.filter(retired=False)]
        seed = secrets.randbits(62)
        limit = quiz.settings.get("time_limit_minutes") or 0
        return Attempt.objects.create(
            quiz=quiz,
            user=user,
            number=used + 1,
            seed=seed,
            layout=engine.make_layout(specs, quiz.settings, seed),
            settings=quiz.settings,
            deadline=timezone.now() + timedelta(minutes=limit) if limit else None,
        )


def _specs(attempt: Attempt) -> dict[str, Question]:
    return {
        question.key: question
        for question in Question.objects.filter(quiz=attempt.quiz_id, key__in=attempt.layout["order"])
    }


def _locked(attempt_id: int) -> Attempt:
    return Attempt.objects.select_for_update().get(pk=attempt_id)


def attempt_expire_if_due(*, attempt: Attempt) -> bool:
    """Submit an attempt whose time is up, with the answers saved before the deadline."""
    if attempt.is_open and attempt.deadline and timezone.now() > attempt.deadline + DEADLINE_GRACE:
        with transaction.atomic():
            locked = _locked(attempt.pk)
            if locked.is_open:
                _finish(locked)
        attempt.refresh_from_db()
        return True
    return False


def refuse_if_expired(attempt: Attempt) -> None:
    """Called outside any transaction, so the expiry's own submit is kept when we refuse."""
    if attempt_expire_if_due(attempt=attempt):
        raise QuizRefused(
            "Time is up: your attempt was submitted with the answers saved before the deadline.",
            status=409,
        )


def open_for_writing(attempt: Attempt) -> Attempt:
    locked = _locked(attempt.pk)
    if not locked.is_open:
        raise QuizRefused("This attempt has already been submitted.", status=409)
    return locked


def form_lists(form) -> dict[str, list[str]]:
    """A QueryDict (or a plain dict in tests) as name -> every value sent under that name."""
    if hasattr(form, "getlist"):
        return {name: form.getlist(name) for name in form}
    return {name: value if isinstance(value, list) else [value] for name, value in form.items()}


def attempt_save(*, attempt: Attempt, form, only: str | None = None) -> SaveResult:
    """Save the answers a form carries. Anything forged aborts the whole save (AnswerForged);
    learner mistakes are reported per question and the rest is saved."""
    form = form_lists(form)
    result = SaveResult()
    refuse_if_expired(attempt)
    with transaction.atomic():
        attempt = open_for_writing(attempt)
        specs = _specs(attempt)
        keys = [only] if only else attempt.layout["order"]
        if only and only not in attempt.layout["order"]:
            raise AnswerForged("that question is not part of this attempt")
        _refuse_unknown_fields(attempt, form)
        responses = {r.question.key: r for r in attempt.responses.select_related("question")}
        parsed = {}
        for key in keys:
            name = f"q-{key}"
            if not any(field_name == name or field_name.startswith(f"{name}-") for field_name in form):
                continue
            if key in responses and (responses[key].checked or responses[key].awaiting_retry):
                raise AnswerForged("a checked question cannot be changed")
            try:
                parsed[key] = engine.parse_answer(specs[key].spec, attempt.layout["questions"][key], form, name)
            except AnswerInvalid as error:
                result.errors[key] = str(error)
        _answers_store(attempt, specs, responses, parsed)
        result.saved.extend(parsed)
    return result


def _answers_store(attempt: Attempt, specs: dict, responses: dict, parsed: dict) -> None:
    """Two queries whatever the number of questions (the attempt row is locked, so no other
    save creates these rows meanwhile)."""
    now, new, changed = timezone.now(), [], []
    for key, answer in parsed.items():
        if key in responses:
            response = responses[key]
            response.answer, response.updated_at = answer, now
            changed.append(response)
        else:
            new.append(Response(attempt=attempt, question=specs[key], answer=answer))
    Response.objects.bulk_create(new)
    Response.objects.bulk_update(changed, ["answer", "updated_at"])


def _refuse_unknown_fields(attempt: Attempt, form) -> None:
    known = tuple(f"q-{key}" for key in attempt.layout["order"])
    for name in form:
        if name.startswith("q-") and not any(name == k or name.startswith(f"{k}-") for k in known):
            raise AnswerForged(f"'{name}' is not a question of this attempt")


def attempt_submit(*, attempt: Attempt) -> tuple[Attempt, bool]:
    """Grade and close an attempt. Returns (attempt, submitted_now); a second concurrent submit
    waits on the row lock, finds it closed and grades nothing."""
    with transaction.atomic():
        locked = _locked(attempt.pk)
        if not locked.is_open:
            return locked, False
        _finish(locked)
    return locked, True


def _finish(attempt: Attempt) -> None:
    _score(attempt)
    attempt.state = Attempt.State.SUBMITTED
    attempt.submitted_at = min(timezone.now(), attempt.deadline) if attempt.deadline else timezone.now()
    attempt.save()
    grade_refresh(user=attempt.user_id, quiz=attempt.quiz)


def _score(attempt: Attempt) -> list[tuple[str, float | None, float]]:
    """(Re)grade every question of an attempt; returns (key, old fraction, new fraction)."""
    specs = _specs(attempt)
    responses = {r.question.key: r for r in attempt.responses.select_related("question")}
    total, maximum, changes, created, changed = Decimal(0), Decimal(0), [], [], []
    for key in attempt.layout["order"]:
        question = specs[key]
        response = responses.get(key)
        answer = response.answer if response else None
        try:
            fraction = engine.grade(question.spec, attempt.layout["questions"][key], answer).fraction
            if response is not None:
                finished = response.checked
                fraction = engine.adjusted_fraction(attempt.settings, fraction, tries=response.tries, finished=finished)
        except (IndexError, KeyError, ValueError):  # the question changed shape since this attempt
            fraction = response.fraction if response and response.fraction is not None else 0.0
        if response is None:  # an unanswered question is stored too, with its zero
            response = Response(attempt=attempt, question=question, answer=None, fraction=0.0)
            created.append(response)
        if response.fraction != fraction:
            changes.append((key, response.fraction, fraction))
            response.fraction, response.updated_at = fraction, timezone.now()
            if response.pk:
                changed.append(response)
        total += question.points * Decimal(str(round(fraction, 6)))
        maximum += question.points
    # Written together: a submit's queries do not grow with the number of questions.
    Response.objects.bulk_create(created)
    Response.objects.bulk_update(changed, ["fraction", "updated_at"])
    attempt.score, attempt.max_score = total, maximum
    attempt.percent = (100 * total / maximum).quantize(Decimal("0.0001")) if maximum else Decimal(0)
    return changes


def grade_refresh(*, user, quiz: Quiz) -> QuizGrade | None:
    percents = list(
        Attempt.objects.filter(user=user, quiz=quiz, state=Attempt.State.SUBMITTED)
        .order_by("number")
        .values_list("percent", flat=True)
    )
    if not percents:
        QuizGrade.objects.filter(user=user, quiz=quiz).delete()
        return None
    values = {
        "attempts": len(percents),
        "best": max(percents),
        "last": percents[-1],
        "first": percents[0],
        "average": (sum(percents) / len(percents)).quantize(Decimal("0.0001")),
    }
    values["grade"] = values[quiz.settings.get("grading", "highest").replace("highest", "best")]
    values["passed"] = values["grade"] >= Decimal(str(quiz.settings.get("pass_mark", 70)))
    grade, _ = QuizGrade.objects.update_or_create(user_id=getattr(user, "pk", user), quiz=quiz, defaults=values)
    return grade


@dataclass
class RegradeChange:
    attempt: Attempt
    old_percent: Decimal
    new_percent: Decimal
    questions: list[tuple[str, float | None, float]]


def quiz_regrade(*, quiz: Quiz, dry_run: bool = False) -> list[RegradeChange]:
    """Re-score every submitted attempt against the questions as they are now."""
    changes = []
    with transaction.atomic():
        attempts = quiz.attempts.filter(state=Attempt.State.SUBMITTED).select_for_update().select_related("user")
        users = set()
        for attempt in attempts:
            old = attempt.percent
            question_changes = _score(attempt)
            if attempt.percent != old or question_changes:
                attempt.save(update_fields=["score", "max_score", "percent"])
                changes.append(RegradeChange(attempt, old, attempt.percent, question_changes))
                users.add(attempt.user_id)
        for user_id in users:
            grade_refresh(user=user_id, quiz=quiz)
        if dry_run:
            transaction.set_rollback(True)
    return changes
