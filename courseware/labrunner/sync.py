"""`content sync` for labs: index each `labs/<slug>/` (inside the sync's transaction)."""

from django.db import transaction
from django.utils import timezone

from courseware.content.upsert import Upserted, upsert

from .models import Lab


@transaction.atomic  # content_sync's transaction when called from it; its own otherwise
def lab_sync(*, sources: list) -> Upserted:
    existing = {lab.slug: lab for lab in Lab.objects.select_for_update()}
    wanted = {source.slug: lab_values(source) for source in sources}
    # A lab that is gone takes learners' workspaces with it, as a lesson takes its completions.
    return upsert(
        existing,
        wanted,
        create=lambda slug, values: Lab.objects.create(slug=slug, **values),
        stamp={"synced_at": timezone.now()},
    )


def lab_values(source) -> dict:
    return {
        "title": source.title,
        "order": source.order,
        "summary": source.summary,
        "objectives": source.objectives,
        "services": source.services,
        "deploy": source.deploy,
        "handler": source.handler,
        "function": source.function,
        "points": source.points,
        "minutes": source.minutes,
        "lesson_slug": source.lesson,
        "body_html": source.html,
        "starter": source.starter,
        "config": source.config,
        "events": source.events,
        "hints": source.hints,
        "badge": source.badge,
        "source_path": source.path,
        "content_hash": source.content_hash,
    }
