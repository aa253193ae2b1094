"""Writes: a launch's user created or linked and given a role, where their grades go back to,
and each score to push."""

import hashlib
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiUser

from courseware.accounts.roles import INSTRUCTOR_GROUP
from courseware.accounts.services import instructor_grant

from .models import GradeTarget, ScorePush
from .tasks import score_push_enqueue

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# Roles that teach: the course's own instructors and administrators, and a teaching assistant
# (a sub-role of Instructor), as LTI 1.3's role vocabularies name them.
TEACHING_ROLES = (
    LIS + "membership#Instructor",
    LIS + "membership#Administrator",
    LIS + "membership#ContentDeveloper",
    LIS + "membership/Instructor#",
    LIS + "institution/person#Administrator",
    LIS + "system/person#Administrator",
)
AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def is_teaching(roles: list[str]) -> bool:
    return any(role.startswith(TEACHING_ROLES) for role in roles)


def _username(registration: LtiRegistration, sub: str, claims: dict) -> str:
    """Readable when the platform shares a name, unique by (registration, sub) in any case."""
    digest = hashlib.sha256(f"{registration.pk}:{sub}".encode()).hexdigest()[:10]
    base = re.sub(r"[^\w.@+-]", "", (claims.get("email") or claims.get("name") or "").split("@")[0])[:100]
    return f"{base or 'lti'}-{digest}"


@transaction.atomic
def user_from_launch(*, registration: LtiRegistration, claims: dict, roles: list[str]):
    """The site's user for the platform's `sub`: created on the first launch, then linked
    (django-lti's LtiUser holds the link). Teaching roles grant the instructor role; a learner
    launch never takes a role away (a learner in one course may teach another)."""
    lti_user, _ = LtiUser.objects.get_or_create(registration=registration, sub=claims["sub"])
    user = lti_user.auth_user
    if user is None:
        user = get_user_model().objects.create_user(
            username=_username(registration, claims["sub"], claims),
            email=claims.get("email") or "",
            first_name=(claims.get("given_name") or "")[:150],
            last_name=(claims.get("family_name") or "")[:150],
        )  # no password: this user signs in through the platform only
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user", "datetime_modified"])
    if is_teaching(roles):
        instructor_grant(user=user)
    return user


def context_group_join(*, user, title: str) -> None:
    """A platform's course is a cohort here (the instructor pages filter by group)."""
    name = title.strip()[:150]
    if name and name != INSTRUCTOR_GROUP:
        user.groups.add(Group.objects.get_or_create(name=name)[0])


def grade_target_record(*, user, registration, kind: str, slug: str, sub: str, ags: dict) -> GradeTarget | None:
    """Where this user's grade for the activity goes: the launch's line item, if the platform
    gave one and lets the tool publish scores."""
    lineitem = ags.get("lineitem")
    scopes = list(ags.get("scope") or [])
    if not lineitem or AGS_SCORE_SCOPE not in scopes:
        return None
    target, _ = GradeTarget.objects.update_or_create(
        user=user,
        kind=kind,
        slug=slug,
        lineitem_url=lineitem,
        defaults={"registration": registration, "sub": sub, "scopes": scopes},
    )
    return target


def score_push_record(*, target: GradeTarget, score, maximum: int) -> ScorePush:
    """A score to send; its task is queued once the grade's transaction commits."""
    push = ScorePush.objects.create(target=target, score_given=score, score_maximum=maximum, timestamp=timezone.now())
    transaction.on_commit(lambda: score_push_enqueue(push.pk))
    return push
