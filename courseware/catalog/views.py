import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from courseware.content.sources import IMAGE_SUFFIXES

from . import pages, selectors, services
from .models import Lesson


@require_GET
def outline(request):
    modules = selectors.course_outline(user=request.user)
    return render(request, "catalog/outline.html", {"modules": modules})


@require_GET
def lesson(request, slug):
    release = selectors.content_release()
    if request.user.is_authenticated:
        return HttpResponse(pages.lesson_for_learner(request, release=release, slug=slug))
    if messages.get_messages(request):  # a message is for one visitor: not on the page everyone shares
        page = selectors.lesson_page(slug=slug, user=request.user)
        return render(request, pages.LESSON_TEMPLATE, {"page": page, "lesson": page.lesson, "release": release})
    return HttpResponse(pages.lesson_for_everyone(request, release=release, slug=slug))


@require_POST
@login_required
def lesson_complete(request, slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    completed = request.POST.get("completed", "1") != "0"
    services.lesson_completion_set(user=request.user, lesson=lesson, completed=completed)
    if not request.htmx:  # a plain form post: back to the lesson, where the new state shows
        return redirect(lesson.get_absolute_url() + "#completion")
    page = selectors.lesson_page(slug=slug, user=request.user)
    return render(request, "catalog/lesson.html#completion", {"page": page, "lesson": page.lesson})


@require_GET
def lesson_media(request, name):
    images_dir = (settings.LESSONS_DIR / "images").resolve()
    path = (images_dir / name).resolve()
    if path.parent != images_dir or path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
        raise Http404("No such image.")
    content_type, _ = mimetypes.guess_type(path.name)
    response = FileResponse(path.open("rb"), content_type=content_type or "application/octet-stream")
    # An SVG opened directly must not run script or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
