"""Who may use which URL, generated from the URLconf so that a new view cannot be forgotten.

The table lives in tests/security/routes.py (test_csrf and test_content_security_policy read
it too). Admin URLs are checked generically: the admin is for staff only, and instructors are
a group (courseware/accounts/roles.py), not staff, so they are sent to the admin login too.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from tests.quiz_fixtures import SECRETS

from .conftest import (
    OWNER_ANSWER,
    OWNER_DRAFT,
    OWNER_MARKERS,
    OWNER_RUN_OUTPUT,
    assert_unchanged,
    database_snapshot,
    owner_snapshot,
)
from .routes import LOGIN, ROLES, ROWS, client_for, fast_client, request

pytestmark = pytest.mark.django_db

LAB_DIR = settings.BASE_DIR / "labs" / "hello-lambda"
# A line of the solution and a hidden check's message: neither may reach any page.
LAB_ANSWER_MARKERS = {
    "solution/handler.py": "module level: runs once per execution environment",
    "checks.py": "should be greeted as world",
}


def walk(resolver=None, prefix="", namespace=""):
    """(pattern text, route name or None) for every URLPattern, through every include()."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace]))
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def is_admin(pattern: str) -> bool:
    return pattern.startswith("admin/")


# Where A's markers must appear, so that their absence everywhere else means something.
SHOWN_TO_THEM = {
    ("labrunner:lab", "owner"): OWNER_DRAFT,
    ("labrunner:run", "owner"): OWNER_RUN_OUTPUT,
    ("quizzes:attempt", "owner"): OWNER_ANSWER,
    ("quizzes:review", "owner"): OWNER_ANSWER,
    ("instructor:attempt", "instructor"): OWNER_ANSWER,
    ("instructor:learner_lab", "instructor"): OWNER_DRAFT,  # the learner's code, read-only
}


def test_the_lab_answer_markers_are_really_in_the_answers():
    # Otherwise the "never on a page" checks below would pass for nothing.
    for name, marker in LAB_ANSWER_MARKERS.items():
        assert marker in (LAB_DIR / name).read_text()


def test_every_route_has_a_row_and_every_row_a_route():
    routes = [(pattern, name) for pattern, name in walk() if not is_admin(pattern)]
    unnamed = [pattern for pattern, name in routes if name is None]
    assert not unnamed, f"give these URL patterns a name so the matrix can list them: {unnamed}"
    names = {name for _, name in routes}
    listed = {row.name for row in ROWS}
    missing = sorted(names - listed)
    assert not missing, (
        f"no row in tests/security/routes.py for {missing}: say who may use it (anon, owner, "
        "other learner, instructor) before adding a URL"
    )
    assert not sorted(listed - names), f"rows for routes that no longer exist: {listed - names}"


def assert_status(response, expected, path, where):
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, not a login bounce"
        target = urlsplit(response["Location"])
        assert target.path == reverse("login"), f"{where} went to {target.path}"
        assert parse_qs(target.query)["next"] == [path], f"{where}: no ?next= back"
        return
    assert response.status_code == expected, (
        f"{where}: {response.status_code} != {expected}: {response.content[:300]!r}"
    )
    if expected == 302:  # a real next step, not a login bounce in disguise
        assert urlsplit(response["Location"]).path != reverse("login"), where


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_route_by_role(world, row):
    # A's turn comes last: the others' requests must have left A's objects as they were.
    for role in ("anon", "other", "instructor", "owner"):
        check_route(world, row, role)


def check_route(world, row, role):
    where = f"{row.id} as {role}"
    expected = row.expect[role]
    # A refused request changes nothing; neither does any GET (safe methods stay safe).
    read_only = expected == LOGIN or expected in (403, 404, 405) or row.method == "get"
    client = client_for(world, role)  # logging in writes a session and last_login: not counted
    owned_before = owner_snapshot(world) if role != "owner" else None
    before = database_snapshot() if read_only else None
    response = request(client, row, world)
    assert_status(response, expected, urlsplit(row.url(world)).path, where)
    page = body(response)
    if (row.id, role) in SHOWN_TO_THEM:
        # The control: the marker is on the page of the one who may see it.
        assert SHOWN_TO_THEM[row.id, role] in page, f"{where} lacks its own data"
    if role != "owner":
        # Nobody else changes what A owns, whatever the status.
        assert owner_snapshot(world) == owned_before, f"{where} changed A's objects"
        # A's drafts, answers and run output never reach another learner or a visitor; an
        # instructor sees them only on instructor pages.
        if role != "instructor" or not row.name.startswith("instructor:"):
            for marker in OWNER_MARKERS:
                assert marker not in page, f"{marker} reached {where}"
    if read_only:
        assert_unchanged(before, database_snapshot(), world.user(role))
    # The lab's solution and hidden checks stay on disk, for everyone.
    for marker in LAB_ANSWER_MARKERS.values():
        assert marker not in page, f"lab answer material {marker!r} in {where}"
    if row.name in ("quizzes:quiz", "quizzes:attempt", "catalog:lesson"):
        # Before submission nothing of the key is on the page (immediate mode reveals a
        # question only once it is checked, and the world checks none).
        for secret in SECRETS:
            assert secret not in page, f"{secret!r} in {where}"


# --- The admin: every URL under admin/, generically ---------------------------------------

SAMPLE_ARGUMENTS = {"object_id": "1", "content_type_id": "1", "id": "1"}


def admin_paths() -> list[tuple[str, str]]:
    """(id, path) for every admin URL pattern, arguments filled with harmless samples."""
    paths = []
    for pattern, name in walk():
        if not is_admin(pattern):
            continue
        if name == "admin:app_list":
            path = reverse(name, kwargs={"app_label": "auth"})
        elif pattern.endswith("(?P<url>.*)$"):  # the catch-all for unknown admin URLs
            path = "/admin/no-such-page/"
        else:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ARGUMENTS[m[1]], pattern)
        paths.append((name or pattern, path))
    return paths


@pytest.mark.parametrize("name, path", admin_paths(), ids=[name for name, _ in admin_paths()])
def test_admin_is_for_staff_only(people, name, path):
    login = reverse("admin:login")
    for role in ROLES:
        response = client_for(people, role).get(path, follow=True)
        if name == "admin:login":
            assert response.status_code == 200
            assert "Site administration" not in response.content.decode()
            continue
        assert response.redirect_chain, f"{role} was not redirected from {path}"
        final = urlsplit(response.redirect_chain[-1][0])
        assert final.path == login, f"{role} on {path} ended at {final.path}"
        assert "next" in parse_qs(final.query)


def test_staff_see_the_admin(db):
    client = fast_client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index")).status_code == 200
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
