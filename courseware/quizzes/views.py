from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import checking, selectors, services
from .spec.grading import AnswerForged


def refused(request, message: str, status: int):
    return render(request, "quizzes/refused.html", {"message": message}, status=status)


@require_GET
@login_required
def quiz_home(request, slug):
    quiz = selectors.quiz_for_lesson(slug=slug)
    status = selectors.quiz_status(user=request.user, quiz=quiz)
    return render(request, "quizzes/quiz.html", {"quiz": quiz, "status": status})


@require_POST
@login_required
def attempt_start(request, slug):
    quiz = selectors.quiz_for_lesson(slug=slug)
    try:
        attempt = services.attempt_start(user=request.user, quiz=quiz)
    except services.QuizRefused as error:
        return refused(request, error.message, error.status)
    return redirect("quizzes:attempt", attempt.pk)


def _attempt_page(request, attempt, errors=None, status=200):
    views = selectors.attempt_questions(attempt=attempt, errors=errors)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "questions": views,
        "progress": selectors.attempt_progress(views=views),
    }
    return render(request, "quizzes/attempt.html", context, status=status)


@require_GET
@login_required
def attempt_page(request, attempt_id):
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    services.attempt_expire_if_due(attempt=attempt)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    return _attempt_page(request, attempt)


def _question_fragment(request, attempt, key, errors, status, part="question-swap"):
    """The htmx answer: a question's status (after a save) or the whole question (after a
    check, with its feedback), with the progress bar out of band."""
    views = selectors.attempt_questions(attempt=attempt, errors=errors)
    view = next(view for view in views if view.shown.key == key)
    context = {
        "attempt": attempt,
        "q": view,
        "progress": selectors.attempt_progress(views=views),
        "oob": True,
    }
    return render(request, f"quizzes/attempt.html#{part}", context, status=status)


@require_POST
@login_required
def attempt_save(request, attempt_id):
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    key = request.GET.get("q") if request.htmx else None
    try:
        result = services.attempt_save(attempt=attempt, form=request.POST, only=key)
    except AnswerForged as error:
        return refused(request, f"This form cannot be accepted: {error}.", 400)
    except services.QuizRefused as error:
        return refused(request, error.message, error.status)
    status = 422 if result.errors else 200
    if request.htmx and key:
        # Only the status is swapped, so what the learner is still choosing stays as it is.
        return _question_fragment(request, attempt, key, result.errors, status, part="status-swap")
    if result.errors:
        return _attempt_page(request, attempt, result.errors, status)
    messages.success(request, "Your answers are saved. You can come back and finish later.")
    return redirect("quizzes:attempt", attempt.pk)


@require_POST
@login_required
def attempt_check(request, attempt_id, key):
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    try:
        if not request.htmx:  # the whole form came: keep every answer, then check this one
            services.attempt_save(attempt=attempt, form=request.POST)
        result = checking.attempt_check(attempt=attempt, key=key, form=request.POST)
    except AnswerForged as error:
        return refused(request, f"This form cannot be accepted: {error}.", 400)
    except services.QuizRefused as error:
        return refused(request, error.message, error.status)
    status = 422 if result.errors else 200
    if request.htmx:
        return _question_fragment(request, attempt, key, result.errors, status)
    if result.errors:
        return _attempt_page(request, attempt, result.errors, status)
    return redirect(reverse("quizzes:attempt", args=[attempt.pk]) + f"#question-{key}")


@require_POST
@login_required
def attempt_retry(request, attempt_id, key):
    """Interactive mode: put a question back to answering after a wrong try."""
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    try:
        checking.attempt_retry(attempt=attempt, key=key, form=None if request.htmx else request.POST)
    except AnswerForged as error:
        return refused(request, f"This form cannot be accepted: {error}.", 400)
    except services.QuizRefused as error:
        return refused(request, error.message, error.status)
    if request.htmx:
        return _question_fragment(request, attempt, key, {}, 200)
    return redirect(reverse("quizzes:attempt", args=[attempt.pk]) + f"#question-{key}")


@require_POST
@login_required
def attempt_submit(request, attempt_id):
    """Save what the form carries, then show the summary; only the summary's own button
    (`confirm`) submits, so a blank quiz never goes in at one click. When time is up, the
    attempt is submitted at once, as the timer asks."""
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    if attempt.is_open:
        try:
            result = services.attempt_save(attempt=attempt, form=request.POST)
        except AnswerForged as error:
            return refused(request, f"This form cannot be accepted: {error}.", 400)
        except services.QuizRefused as error:
            return refused(request, error.message, error.status)
        if result.errors:
            return _attempt_page(request, attempt, result.errors, 422)
        time_up = attempt.deadline is not None and timezone.now() >= attempt.deadline
        if request.POST.get("confirm") != "1" and not time_up:
            return redirect("quizzes:summary", attempt.pk)
    services.attempt_submit(attempt=attempt)
    return redirect("quizzes:review", attempt.pk)


@require_GET
@login_required
def attempt_summary(request, attempt_id):
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    services.attempt_expire_if_due(attempt=attempt)
    if not attempt.is_open:
        return redirect("quizzes:review", attempt.pk)
    context = {"attempt": attempt, "quiz": attempt.quiz, **selectors.attempt_summary(attempt=attempt)}
    return render(request, "quizzes/summary.html", context)


@require_GET
@login_required
def attempt_review(request, attempt_id):
    attempt = selectors.attempt_for_learner(attempt_id=attempt_id, user=request.user)
    services.attempt_expire_if_due(attempt=attempt)
    if attempt.is_open:
        return redirect("quizzes:attempt", attempt.pk)
    reveal = selectors.reveal_allowed(attempt=attempt)
    views = selectors.attempt_questions(attempt=attempt, reveal=reveal)
    status = selectors.quiz_status(user=request.user, quiz=attempt.quiz)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "questions": views,
        "reveal": reveal,
        "status": status,
    }
    return render(request, "quizzes/review.html", context)
