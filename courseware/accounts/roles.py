"""The two roles: student (everyone who signs up) and instructor (a group; staff count too)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection

INSTRUCTOR_GROUP = "instructor"


def is_instructor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_is_instructor", None)
    if cached is None:
        cached = _in_group(user.pk, INSTRUCTOR_GROUP)
        user._is_instructor = cached
    return cached


def _in_group(user_id: int, name: str) -> bool:
    """`user.groups.filter(name=name).exists()`, written out: every signed-in page asks it (the menu
    shows instructors their links), and building this join with the ORM took ten times as long as
    running it (about 200 us against 15 on SQLite; see bench/pages.py)."""
    quote = connection.ops.quote_name
    membership = get_user_model().groups.through._meta
    groups, member_of, member = (
        quote(Group._meta.db_table),
        quote(membership.get_field("group").column),
        quote(membership.get_field("user").column),
    )
    sql = (
        f"SELECT 1 FROM {quote(membership.db_table)} AS m INNER JOIN {groups} AS g ON g.{quote('id')} = m.{member_of}"
        f" WHERE m.{member} = %s AND g.{quote('name')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, name])
        return cursor.fetchone() is not None


def _instructor_or_403(user) -> bool:
    if user.is_authenticated and not is_instructor(user):
        raise PermissionDenied("Instructors only.")
    return user.is_authenticated


# Anonymous visitors are sent to log in; signed-in students get 403.
instructor_required = user_passes_test(_instructor_or_403)
