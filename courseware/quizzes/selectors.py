"""Reads for quizzes: a learner's standing, an attempt page, and a review the settings allow."""

from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404

from . import engine
from .models import Attempt, Question, Quiz, QuizGrade


def quiz_for_lesson(*, slug: str) -> Quiz:
    return get_object_or_404(Quiz.objects.select_related("lesson"), lesson__slug=slug)


def attempt_for_learner(*, attempt_id: int, user) -> Attempt:
    """Another learner's attempt is a 404: its existence is not theirs to learn."""
    return get_object_or_404(Attempt.objects.select_related("quiz__lesson"), pk=attempt_id, user=user)


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts: list[Attempt]
    grade: QuizGrade | None
    open_attempt: Attempt | None
    attempts_left: int | None  # None = unlimited
    question_count: int

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and (self.attempts_left is None or self.attempts_left > 0)


def quiz_status(*, user, quiz: Quiz) -> QuizStatus:
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number"))
    allowed = quiz.settings.get("attempts", 0)
    pool = quiz.questions.filter(retired=False).count()
    return QuizStatus(
        quiz=quiz,
        attempts=attempts,
        grade=QuizGrade.objects.filter(user=user, quiz=quiz).first(),
        open_attempt=next((a for a in attempts if a.is_open), None),
        attempts_left=max(0, allowed - len(attempts)) if allowed else None,
        question_count=min(pool, quiz.settings.get("draw") or pool),
    )


def reveal_allowed(*, attempt: Attempt) -> bool:
    """Right answers, feedback and explanations for a submitted attempt, as the settings say."""
    if attempt.is_open:
        return False
    reveal = attempt.settings.get("reveal", "after_submission")
    if reveal in ("immediately", "after_submission"):
        return True
    if reveal == "after_last_attempt":
        used = Attempt.objects.filter(user=attempt.user_id, quiz=attempt.quiz_id).count()
        return used >= attempt.settings.get("attempts", 0)
    return False


@dataclass
class QuestionView:
    shown: engine.Shown
    answer: object = None
    checked: bool = False
    status: str = ""  # correct | partial | incorrect, only when revealed
    fraction: float | None = None
    feedback: list[str] = field(default_factory=list)
    answer_html: str = ""
    explanation_html: str = ""
    error: str = ""
    given: object = None  # the answer in the page's opaque ids, to fill the form back in

    @property
    def answered(self) -> bool:
        return self.answer not in (None, "", [], {})


def attempt_questions(*, attempt: Attempt, reveal: bool = False, errors: dict | None = None) -> list[QuestionView]:
    """Every question of an attempt with the learner's answers; keys only where allowed: for
    checked questions in immediate mode, or for all when `reveal` (a permitted review)."""
    questions = {q.key: q for q in Question.objects.filter(quiz=attempt.quiz_id, key__in=attempt.layout["order"])}
    responses = {r.question_id: r for r in attempt.responses.all()}
    views = []
    for number, key in enumerate(attempt.layout["order"], start=1):
        question = questions[key]
        layout = attempt.layout["questions"][key]
        response = responses.get(question.pk)
        view = QuestionView(engine.shown(question.spec, layout, number), error=(errors or {}).get(key, ""))
        if response is not None:
            view.answer, view.checked = response.answer, response.checked
            view.given = engine.public_answer(question.spec, layout, response.answer)
        if reveal or view.checked:
            try:
                graded = engine.grade(question.spec, layout, view.answer)
                view.status, view.fraction, view.feedback = (
                    graded.status,
                    graded.fraction,
                    graded.feedback,
                )
            except (IndexError, KeyError, ValueError):  # the question changed shape since then
                view.fraction = response.fraction if response and response.fraction is not None else 0.0
                view.status = "correct" if view.fraction >= 1 else "partial" if view.fraction else "incorrect"
            view.answer_html = engine.answer_html(question.spec, layout)
            view.explanation_html = engine.explanation_html(question.spec, layout)
        views.append(view)
    return views


def attempt_progress(*, views: list[QuestionView]) -> dict:
    answered = sum(view.answered for view in views)
    total = len(views)
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
    }


def learner_quiz_grades(*, user) -> list[QuizGrade]:
    return list(QuizGrade.objects.filter(user=user).select_related("quiz__lesson").order_by("quiz__lesson__order"))
