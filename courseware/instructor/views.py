from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courseware.accounts.roles import instructor_required
from courseware.quizzes import selectors as quiz_selectors

from . import gradebook, selectors, statistics


def _page_number(request) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


@require_GET
@instructor_required
def gradebook_view(request):
    search = request.GET.get("q", "").strip()[:100]
    book = gradebook.gradebook_page(search=search, sort=request.GET.get("sort", "learner"), page=_page_number(request))
    context = {"book": book, "search": search, "sorts": gradebook.sort_options(book.quizzes)}
    template = "instructor/gradebook.html#table" if request.htmx else "instructor/gradebook.html"
    return render(request, template, context)


@require_GET
@instructor_required
def gradebook_export(request):
    search = request.GET.get("q", "").strip()[:100]
    response = StreamingHttpResponse(gradebook.gradebook_csv(search=search), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{stamp}.csv"'
    return response


@require_GET
@instructor_required
def learner_view(request, user_id):
    return render(request, "instructor/learner.html", selectors.learner_record(user_id=user_id))


@require_GET
@instructor_required
def attempt_view(request, attempt_id):
    attempt = selectors.attempt_get(attempt_id=attempt_id)
    questions = quiz_selectors.attempt_questions(attempt=attempt, reveal=True)
    context = {
        "progress": quiz_selectors.attempt_progress(views=questions),
        "attempt": attempt,
        "quiz": attempt.quiz,
        "questions": questions,
        "reveal": True,
        "instructor_view": True,
    }
    return render(request, "quizzes/review.html", context)


@require_GET
@instructor_required
def statistics_view(request, slug):
    quiz = selectors.quiz_get(slug=slug)
    return render(request, "instructor/statistics.html", {"stats": statistics.quiz_statistics(quiz=quiz)})


@require_GET
@instructor_required
def quizzes_view(request):
    context = selectors.quizzes_overview() | {"users": get_user_model()}
    return render(request, "instructor/quizzes.html", context)
