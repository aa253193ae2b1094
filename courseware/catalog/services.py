"""Writes for the catalog: importing content and recording progress."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .content import ContentProblem, Course, load_course
from .models import ContentRelease, Lesson, LessonCompletion, Module
from .selectors import content_release_forget


class ContentInvalid(Exception):
    def __init__(self, problems: list[ContentProblem]):
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    release: int | None = None
    quizzes: dict[str, list[str]] = field(default_factory=dict)
    labs: dict[str, list[str]] = field(default_factory=dict)


def content_load(*, content_dir: Path | None = None) -> Course:
    """Read and validate the content tree, with links rendered to this site's URLs."""
    return load_course(
        content_dir or settings.CONTENT_DIR,
        lesson_url=lambda slug: reverse("catalog:lesson", args=[slug]),
        image_url=lambda name: reverse("catalog:lesson_media", args=[name]),
    )


def content_sync(*, content_dir: Path | None = None) -> SyncResult:
    """Validate everything, then import it in one transaction; nothing is written if invalid."""
    course = content_load(content_dir=content_dir)
    if not course.ok:
        raise ContentInvalid(course.problems)
    result = SyncResult()
    now = timezone.now()
    with transaction.atomic():
        modules = {}
        for source in course.modules:
            modules[source.slug], _ = Module.objects.update_or_create(
                slug=source.slug,
                defaults={
                    "title": source.title,
                    "summary": source.summary,
                    "position": source.position,
                },
            )
        existing = {lesson.slug: lesson for lesson in Lesson.objects.select_for_update()}
        for source in course.lessons:
            values = {
                "title": source.title,
                "module": modules[source.module],
                "order": source.order,
                "summary": source.summary,
                "objectives": source.objectives,
                "estimated_minutes": source.estimated_minutes,
                "prerequisites": source.prerequisites,
                "sources": source.sources,
                "body_html": source.html,
                "toc": source.toc,
                "source_path": source.path,
                "content_hash": source.content_hash,
            }
            lesson = existing.pop(source.slug, None)
            if lesson is None:
                Lesson.objects.create(slug=source.slug, synced_at=now, **values)
                result.created.append(source.slug)
            elif any(getattr(lesson, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(lesson, name, value)
                lesson.synced_at = now
                lesson.save()
                result.updated.append(source.slug)
            else:
                result.unchanged.append(source.slug)
        for slug, lesson in existing.items():
            lesson.delete()
            result.removed.append(slug)
        from courseware.quizzes.sync import quiz_sync  # quizzes build on lessons, not the reverse

        lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
        result.quizzes = quiz_sync(sources=course.quizzes, lessons=lessons)
        from courseware.labrunner.sync import lab_sync

        result.labs = lab_sync(sources=course.labs)
        Module.objects.exclude(slug__in=modules).delete()
        result.release = _release(course)
    content_release_forget()
    return result


def _release(course: Course) -> int:
    """Record a new content release when anything a page shows has changed."""
    fingerprint = json.dumps(
        [
            [vars(module) for module in course.modules],
            [(lesson.slug, lesson.content_hash) for lesson in course.lessons],
            [(lab.slug, lab.content_hash) for lab in course.labs],
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    latest = ContentRelease.objects.order_by("-pk").first()
    if latest is not None and latest.digest == digest:
        return latest.pk
    return ContentRelease.objects.create(digest=digest, lessons=len(course.lessons)).pk


def lesson_completion_set(*, user, lesson: Lesson, completed: bool) -> bool:
    """Mark a lesson complete (or not) for a learner; idempotent. Returns the new state."""
    if completed:
        LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    else:
        LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    return completed
