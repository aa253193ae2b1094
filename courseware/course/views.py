"""The pages that read the whole course: a learner's dashboard, and an instructor's preview."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from courseware.accounts.roles import instructor_required
from courseware.catalog.selectors import learner_progress
from courseware.labrunner.selectors import lab_list_with_scores
from courseware.quizzes.selectors import learner_quiz_grades

from . import services


@require_GET
@login_required
def dashboard(request):
    context = {
        "progress": learner_progress(user=request.user),
        "quiz_grades": learner_quiz_grades(user=request.user),
        "lab_rows": lab_list_with_scores(user=request.user),
    }
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
