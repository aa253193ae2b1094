import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from courseware.content.sources import IMAGE_SUFFIXES

from . import selectors, services
from .models import Lesson


@require_GET
def outline(request):
    modules = selectors.course_outline(user=request.user)
    return render(request, "catalog/outline.html", {"modules": modules})


@require_GET
def lesson(request, slug):
    # Every anonymous reader gets the same page, so it is rendered once per content release.
    release = selectors.content_release()
    shared = not request.user.is_authenticated and not messages.get_messages(request)
    cache_key = f"lesson-page:{release}:{slug}" if shared else None
    if cache_key and (cached := cache.get(cache_key)) is not None:
        return HttpResponse(cached)
    page = selectors.lesson_page(slug=slug, user=request.user)
    context = {"page": page, "lesson": page.lesson, "release": release}
    response = render(request, "catalog/lesson.html", context)
    if cache_key:
        cache.set(cache_key, response.content, timeout=24 * 3600)
    return response


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
