"""The two roles: student (everyone who signs up) and instructor (a group; staff count too)."""

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied

INSTRUCTOR_GROUP = "instructor"


def is_instructor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_is_instructor", None)
    if cached is None:
        cached = user.groups.filter(name=INSTRUCTOR_GROUP).exists()
        user._is_instructor = cached
    return cached


def _instructor_or_403(user) -> bool:
    if user.is_authenticated and not is_instructor(user):
        raise PermissionDenied("Instructors only.")
    return user.is_authenticated


# Anonymous visitors are sent to log in; signed-in students get 403.
instructor_required = user_passes_test(_instructor_or_403)
