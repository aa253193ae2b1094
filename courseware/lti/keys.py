"""The tool's signing keys (django-lti's Key rows: private halves stay in the database). The
newest active key signs; rotation keeps the previous ones in the JWKS for a grace period so a
platform that cached our JWKS can still check what was signed just before."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from lti_tool.models import Key

GRACE = timedelta(days=7)


@transaction.atomic
def key_rotate(*, grace: timedelta = GRACE) -> tuple[Key, int]:
    """A new signing key; keys older than the grace period leave the JWKS. Returns (new, retired)."""
    new = Key.objects.generate()
    retired = Key.objects.active().exclude(pk=new.pk).filter(datetime_created__lt=timezone.now() - grace)
    return new, retired.update(is_active=False)


def key_ensure() -> Key:
    """The signing key, made on first use so a fresh install has one."""
    return Key.objects.active().order_by("-datetime_created").first() or Key.objects.generate()
