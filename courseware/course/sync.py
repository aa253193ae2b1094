"""`content sync` for the course's own rows: the challenge labs (after the labs themselves)."""

from courseware.content.upsert import Upserted, upsert
from courseware.labrunner.models import Lab

from .models import ChallengeLab


def challenge_sync(*, sources: list) -> Upserted:
    """One ChallengeLab per lab marked `challenge: true`; a lab unmarked or gone loses it."""
    existing = {row.lab.slug: row for row in ChallengeLab.objects.select_related("lab")}
    wanted = {source.slug: {"badge": source.badge} for source in sources if source.challenge}
    labs = {lab.slug: lab for lab in Lab.objects.filter(slug__in=wanted)}
    return upsert(existing, wanted, create=lambda slug, values: ChallengeLab.objects.create(lab=labs[slug], **values))
