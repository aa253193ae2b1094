"""One launch checked: pylti1p3 validates state, the RS256 signature against the platform's JWKS,
issuer, audience (client id), deployment, exp/iat and that the nonce was issued at login; this
module adds that a nonce is used once, and names why a launch was refused."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.models import LtiRegistration
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.exception import LtiException

from .models import UsedNonce
from .platform import StrictToolConfig, TimeoutSession

log = logging.getLogger("courseware.lti")

# pylti1p3's messages, and what they mean to someone reading the log or the refusal page.
REASONS = [
    ("Signature has expired", "expired token", "The launch has expired. Open the activity again from your course."),
    ("not yet valid", "token issued in the future", "The launch is not valid yet; check the platform's clock."),
    ("Signature verification failed", "bad signature", "The launch was not signed by the registered platform."),
    ("Unable to find public key", "bad signature", "The launch was signed with a key the platform does not publish."),
    ("Registration not found", "unknown issuer", "This platform is not registered with the course."),
    ("Client id not registered", "unknown client id", "This tool's client id is not registered for the platform."),
    ("Unable to find deployment", "unknown deployment", "This deployment of the tool is not registered."),
    ("Invalid Nonce", "nonce not issued", "The launch was not started from this course's login. Try again."),
    ("State not found", "state mismatch", "The launch did not match its login. Try again from your course."),
    ("Missing state", "state missing", "The launch did not come from a login. Try again from your course."),
    ("Missing id_token", "id_token missing", "The launch carried no id_token."),
    ("cookie", "cookies blocked", "Your browser did not send the launch's cookies; open the activity in a new window."),
]


@dataclass
class LaunchRefused(Exception):
    reason: str  # short, for the log and tests
    message: str  # for the person launching
    detail: str = ""


def _refusal(error: Exception) -> LaunchRefused:
    text = str(error)
    for needle, reason, message in REASONS:
        if needle.lower() in text.lower():
            return LaunchRefused(reason, message, text)
    return LaunchRefused("invalid launch", "The launch could not be validated.", text)


def nonce_consume(*, issuer: str, nonce: str, exp: int) -> None:
    """Records the nonce until its token expires; a second use is a replay."""
    UsedNonce.objects.filter(expires_at__lt=timezone.now()).delete()
    expires = datetime.fromtimestamp(exp, tz=UTC) + timedelta(minutes=5)
    try:
        with transaction.atomic():
            UsedNonce.objects.create(issuer=issuer, nonce=nonce, expires_at=expires)
    except IntegrityError:
        raise LaunchRefused("replayed nonce", "This launch was already used. Open the activity again.") from None


def _issuer_known(id_token: str) -> bool:
    try:
        issuer = jwt.decode(id_token, options={"verify_signature": False}).get("iss", "")
    except jwt.InvalidTokenError:
        return False
    return LtiRegistration.objects.filter(issuer=issuer, is_active=True).exists()


def message_launch(request, launch_id: str | None = None) -> DjangoMessageLaunch:
    storage = DjangoCacheDataStorage()
    config = StrictToolConfig()
    if launch_id is not None:
        return DjangoMessageLaunch.from_cache(launch_id, request, config, launch_data_storage=storage)
    return DjangoMessageLaunch(request, config, launch_data_storage=storage, requests_session=TimeoutSession())


def launch_validate(request) -> DjangoMessageLaunch:
    """The validated launch, or LaunchRefused naming why (and logged)."""
    try:
        launch = message_launch(request)
        launch.validate()
        body = launch.get_launch_data()
        nonce_consume(issuer=body["iss"], nonce=body["nonce"], exp=int(body["exp"]))
    except LaunchRefused as refused:
        log.warning("LTI launch refused: %s", refused.reason)
        raise
    except LtiException as error:
        refused = _refusal(error)
        if refused.reason == "unknown issuer" and _issuer_known(request.POST.get("id_token", "")):
            # pylti1p3 looks registrations up by issuer and audience together; say which one is wrong
            refused = LaunchRefused("wrong audience", "The launch was meant for another tool's client id.", str(error))
        log.warning("LTI launch refused: %s (%s)", refused.reason, refused.detail)
        raise refused from error
    return launch
