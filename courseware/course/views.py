"""The pages that read the whole course: a learner's dashboard, and an instructor's preview."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courseware.accounts.roles import instructor_required

from . import selectors, services


@require_GET
@login_required
def dashboard(request):
    board = selectors.learner_dashboard(user=request.user)
    context = {"board": board, "progress": board.progress, "quiz_grades": board.quiz_grades, "labs": board.labs}
    return render(request, "course/dashboard.html", context)


@require_GET
@instructor_required
def preview(request):
    """Render a lesson file from the working tree, without syncing, with its problems."""
    course = services.content_load()
    files = sorted(path.name for path in Path(settings.LESSONS_DIR).glob("*.md"))
    name = request.GET.get("file", "")
    if name and name not in files:
        raise Http404("No such lesson file.")
    selected = next((item for item in course.lessons if item.file_name == name), None)
    path = f"lessons/{name}"
    problems = [problem for problem in course.problems if problem.path == path]
    context = {
        "files": files,
        "name": name,
        "source": selected,
        "problems": problems,
        "all_problems": course.problems,
    }
    return render(request, "course/preview.html", context)
