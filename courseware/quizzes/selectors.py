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
    if reveal in ("immediately", "interactive", "after_submission"):
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
    status: str = ""  # correct | partial | incorrect | unanswered, only once judged
    fraction: float | None = None
    feedback: list[str] = field(default_factory=list)
    answer_html: str = ""
    explanation_html: str = ""
    error: str = ""
    given: object = None  # the answer in the page's opaque ids, to fill the form back in
    marks: dict = field(default_factory=dict)  # page id -> {mark, feedback_html[, given_html]}
    tries: int = 0
    tries_allowed: int = 1
    retry: bool = False  # interactive: a wrong try is shown until "Try again"
    hint_html: str = ""

    @property
    def answered(self) -> bool:
        return self.answer not in (None, "", [], {})

    @property
    def state(self) -> str:
        """Moodle's words for a question's state while the attempt is open."""
        if self.checked:
            return {"correct": "Correct", "partial": "Partly correct"}.get(self.status, "Incorrect")
        if self.retry:
            return "Incorrect: try again" if self.status != "partial" else "Partly correct: try again"
        return "Answer saved" if self.answered else "Not yet answered"

    @property
    def tries_left(self) -> int:
        return max(0, self.tries_allowed - self.tries)


def attempt_questions(*, attempt: Attempt, reveal: bool = False, errors: dict | None = None) -> list[QuestionView]:
    """Every question of an attempt with the learner's answers. Keys only where allowed: for
    questions checked as you go, or for all when `reveal` (a permitted review; an instructor's
    look at an open attempt shows the keys but judges only what is checked)."""
    questions = {q.key: q for q in Question.objects.filter(quiz=attempt.quiz_id, key__in=attempt.layout["order"])}
    responses = {r.question_id: r for r in attempt.responses.all()}
    interactive = attempt.settings.get("reveal") == "interactive"
    views = []
    for number, key in enumerate(attempt.layout["order"], start=1):
        question = questions[key]
        layout = attempt.layout["questions"][key]
        response = responses.get(question.pk)
        view = QuestionView(engine.shown(question.spec, layout, number), error=(errors or {}).get(key, ""))
        view.tries_allowed = attempt.settings.get("tries", 1) if interactive else 1
        if response is not None:
            view.answer, view.checked = response.answer, response.checked
            view.tries, view.retry = response.tries, response.awaiting_retry and not response.checked
            view.given = engine.public_answer(question.spec, layout, response.answer)
        if view.retry:
            _judge(view, question.spec, layout, response)
            view.marks, view.hint_html = {}, engine.hint_html(question.spec, view.tries)
        elif view.checked or (reveal and not attempt.is_open):
            _judge(view, question.spec, layout, response)
        if view.checked or reveal:
            view.answer_html = engine.answer_html(question.spec, layout)
            view.explanation_html = engine.explanation_html(question.spec, layout)
        views.append(view)
    return views


def _judge(view: QuestionView, spec: dict, layout: dict, response) -> None:
    """Status, the fraction earned, feedback and per-item marks for the answer given."""
    stored = response.fraction if response is not None else None
    try:
        graded = engine.grade(spec, layout, view.answer)
        view.status, view.fraction, view.feedback = graded.status, graded.fraction, graded.feedback
    except (IndexError, KeyError, ValueError):  # the question changed shape since then
        view.fraction = stored if stored is not None else 0.0
        view.status = "correct" if view.fraction >= 1 else "partial" if view.fraction else "incorrect"
    if view.checked and stored is not None:
        view.fraction = stored  # what was earned, after any penalty for earlier tries
    if not view.answered:
        view.status = "unanswered"
    view.marks = engine.review(spec, layout, view.answer)


def attempt_progress(*, views: list[QuestionView]) -> dict:
    answered = sum(view.answered for view in views)
    total = len(views)
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
    }


def attempt_summary(*, attempt: Attempt) -> dict:
    """Moodle's summary before submitting: each question's state, what is unanswered, time left."""
    views = attempt_questions(attempt=attempt)
    progress = attempt_progress(views=views)
    return {
        "questions": views,
        "progress": progress,
        "unanswered": [view for view in views if not view.answered],
    }


def learner_quiz_grades(*, user) -> list[QuizGrade]:
    return list(QuizGrade.objects.filter(user=user).select_related("quiz__lesson").order_by("quiz__lesson__order"))
