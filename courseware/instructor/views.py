from urllib.parse import urlencode

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courseware.accounts.roles import instructor_required
from courseware.quizzes import selectors as quiz_selectors

from . import activities, glance, gradebook, gradebook_csv, selectors, statistics


def _page_number(request) -> int:
    try:
        return int(request.GET.get("page", "1"))
    except ValueError:
        return 1


def _filters(request) -> dict:
    """The learner filters every class-wide page shares: a search and a group (cohort)."""
    group = request.GET.get("group", "").strip()[:150]
    cohorts = activities.cohorts()
    return {
        "search": request.GET.get("q", "").strip()[:100],
        "group": group if group in cohorts else "",
        "cohorts": cohorts,
    }


def _query(**values) -> str:
    return urlencode({name: value for name, value in values.items() if value})


@require_GET
@instructor_required
def gradebook_view(request):
    filters = _filters(request)
    book = gradebook.gradebook_page(
        search=filters["search"],
        group=filters["group"],
        sort=request.GET.get("sort", "learner"),
        page=_page_number(request),
    )
    context = {
        **filters,
        "book": book,
        "headers": gradebook.headers(book),
        "query": _query(q=filters["search"], group=filters["group"]),
    }
    template = "instructor/gradebook.html#table" if request.htmx else "instructor/gradebook.html"
    return render(request, template, context)


@require_GET
@instructor_required
def gradebook_export(request):
    filters = _filters(request)
    rows = gradebook_csv.gradebook_csv(search=filters["search"], group=filters["group"])
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{stamp}.csv"'
    return response


@require_GET
@instructor_required
def learner_view(request, user_id):
    return render(request, "instructor/learner.html", selectors.learner_record(user_id=user_id))


@require_GET
@instructor_required
def learner_lab_view(request, user_id, slug):
    return render(request, "instructor/learner_lab.html", selectors.learner_lab(user_id=user_id, slug=slug))


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
def class_view(request):
    filters = _filters(request)
    groups, glances, count = glance.overview(group=filters["group"])
    context = {
        **filters,
        "groups": groups,
        "glances": glances,
        "learner_count": count,
        "query": _query(group=filters["group"]),
    }
    return render(request, "instructor/class.html", context)


@require_GET
@instructor_required
def lab_class_view(request, slug):
    filters = _filters(request)
    activity = selectors.activity_get(kind="lab", slug=slug)
    summary, reach = glance.lab_page(activity=activity, group=filters["group"])
    context = {**filters, "glance": summary, "reach": reach, "query": _query(group=filters["group"])}
    return render(request, "instructor/activity_class.html", context)


@require_GET
@instructor_required
def quiz_class_view(request, slug):
    filters = _filters(request)
    activity = selectors.activity_get(kind="quiz", slug=slug)
    summary, reach = glance.quiz_page(activity=activity, group=filters["group"])
    context = {**filters, "glance": summary, "reach": reach, "query": _query(group=filters["group"])}
    return render(request, "instructor/activity_class.html", context)


@require_GET
@instructor_required
def statistics_view(request, slug):
    quiz = selectors.quiz_get(slug=slug)
    return render(request, "instructor/statistics.html", {"stats": statistics.quiz_statistics(quiz=quiz)})


@require_GET
@instructor_required
def quizzes_view(request):
    return render(request, "instructor/quizzes.html", selectors.quizzes_overview())
