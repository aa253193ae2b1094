"""`content sync` for the catalog: modules and lessons, and the release that keys cached pages.

Called by `courseware.course.services.content_sync` inside its transaction, with sources the
content loader has validated and rendered.
"""

import hashlib
import json

from django.utils import timezone

from courseware.content.upsert import Upserted, upsert

from .models import ContentRelease, Lesson, Module


def lesson_sync(*, modules: list, lessons: list) -> Upserted:
    """Modules first (lessons point at them), then lessons; modules left without lessons go."""
    rows = {}
    for source in modules:
        rows[source.slug], _ = Module.objects.update_or_create(
            slug=source.slug,
            defaults={"title": source.title, "summary": source.summary, "position": source.position},
        )
    existing = {lesson.slug: lesson for lesson in Lesson.objects.select_for_update()}
    wanted = {source.slug: lesson_values(source, rows[source.module]) for source in lessons}
    result = upsert(
        existing,
        wanted,
        create=lambda slug, values: Lesson.objects.create(slug=slug, **values),
        stamp={"synced_at": timezone.now()},
    )
    Module.objects.exclude(slug__in=rows).delete()
    return result


def lesson_values(source, module: Module) -> dict:
    return {
        "title": source.title,
        "module": module,
        "order": source.order,
        "summary": source.summary,
        "objectives": source.objectives,
        "estimated_minutes": source.estimated_minutes,
        "prerequisites": source.prerequisites,
        "sources": source.sources,
        "body_html": source.html,
        "toc": source.toc,
        "labs": sorted(source.labs, key=lambda lab: lab["order"]),
        "source_path": source.path,
        "content_hash": source.content_hash,
    }


def release_record(*, modules: list, lessons: list, labs: list, quizzes: list) -> int:
    """Record a new content release when anything a page shows has changed (a lesson page says
    whether the lesson has a quiz, so quizzes count too)."""
    fingerprint = json.dumps(
        [
            [vars(module) for module in modules],
            [(lesson.slug, lesson.content_hash) for lesson in lessons],
            [(lab.slug, lab.content_hash) for lab in labs],
            [(quiz.lesson_file, quiz.content_hash) for quiz in quizzes],
        ],
        sort_keys=True,
    )
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()
    latest = ContentRelease.objects.order_by("-pk").first()
    if latest is not None and latest.digest == digest:
        return latest.pk
    return ContentRelease.objects.create(digest=digest, lessons=len(lessons)).pk
