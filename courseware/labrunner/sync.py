"""`content sync` for labs: index each `labs/<slug>/` (inside the sync's transaction)."""

from django.db import transaction
from django.utils import timezone

from .models import Lab


@transaction.atomic  # content_sync's transaction when called from it; its own otherwise
def lab_sync(*, sources: list) -> dict[str, list[str]]:
    result = {"created": [], "updated": [], "unchanged": [], "removed": []}
    existing = {lab.slug: lab for lab in Lab.objects.select_for_update()}
    now = timezone.now()
    for source in sources:
        values = {
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
            "source_path": source.path,
            "content_hash": source.content_hash,
        }
        lab = existing.pop(source.slug, None)
        if lab is None:
            Lab.objects.create(slug=source.slug, synced_at=now, **values)
            result["created"].append(source.slug)
        elif any(getattr(lab, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(lab, name, value)
            lab.synced_at = now
            lab.save()
            result["updated"].append(source.slug)
        else:
            result["unchanged"].append(source.slug)
    for slug, lab in existing.items():
        lab.delete()  # learners' workspaces go with it, as lessons' completions do
        result["removed"].append(slug)
    return result
