from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .roles import INSTRUCTOR_GROUP


@transaction.atomic
def user_create(*, username: str, email: str, password: str, instructor: bool = False):
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    if instructor:
        instructor_grant(user=user)
    return user


def instructor_grant(*, user) -> None:
    group, _ = Group.objects.get_or_create(name=INSTRUCTOR_GROUP)
    user.groups.add(group)
    user.__dict__.pop("_is_instructor", None)
