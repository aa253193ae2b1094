"""CSRF: every route refuses unsafe methods without the page's token and changes nothing; with
the token (from the page, as htmx and the forms send it) the same request goes through.

Routes come from the authorisation table (routes.py), plus the account forms' POSTs.
"""

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from .conftest import assert_unchanged, database_snapshot
from .routes import ROWS, Row, best_role, client_for, request

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py
NEW_PASSWORD = "a-much-longer-passphrase-42"
UNSAFE = ("post", "put", "patch", "delete")
HX_HEADERS_RE = re.compile(r"hx-headers='(\{[^']*\})'")
FIELD_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The account forms, each posted by the one role it is for.
FORM_POSTS = [
    Row("login", {"anon": 302}, method="post", data=lambda w: {"username": w.a.username, "password": PASSWORD}),
    Row(
        "signup",
        {"anon": 302},
        method="post",
        data=lambda w: {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    ),
    Row("logout", {"owner": 302}, method="post"),
    Row(
        "password_change",
        {"owner": 302},
        method="post",
        data=lambda w: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ),
    Row("password_reset", {"anon": 302}, method="post", data=lambda w: {"email": w.a.email}),
]
POSTS = [row for row in ROWS if row.method == "post"] + FORM_POSTS
# Everything POSTed except the form pages, whose GET shows the form (the matrix checks those).
# The LMS posts these from its own site (LTI 1.3's OIDC login and launch): exempt from CSRF, they
# check the OIDC state and a nonce used once instead (tests/lti), and refuse anything else.
CROSS_SITE = {"lti:login", "lti:launch"}
POST_ONLY = [row for row in POSTS if row.name not in ("login", "signup", "password_change", "password_reset")]


def page_token(client, role: str) -> str:
    """The token a real page hands out: in the login form for a visitor, and in <body
    hx-headers> (which htmx sends as X-CSRFToken) for a logged-in user. In production the
    cookie is HttpOnly, so scripts must take it from the page."""
    if role == "anon":
        return FIELD_RE.search(client.get(reverse("login")).content.decode())[1]
    page = client.get(reverse("catalog:dashboard")).content.decode()
    return json.loads(HX_HEADERS_RE.search(page)[1])["X-CSRFToken"]


def test_unsafe_methods_without_the_token_are_refused_and_change_nothing(world):
    # One world for every route: a refused request changes nothing, so the next row finds the
    # world as it was (and if one did change something, that is already the failure).
    problems = []
    for row in ROWS + FORM_POSTS:
        role = best_role(row)
        client = client_for(world, role, enforce_csrf_checks=True)
        # The browser holds the csrftoken cookie; a forged form from elsewhere lacks the token.
        page_token(client, role)
        assert "csrftoken" in client.cookies
        for method in UNSAFE:
            before = database_snapshot()
            response = request(client, row, world, method=method)
            refused = (400, 405) if row.name in CROSS_SITE else (403,)
            if response.status_code not in refused:
                problems.append(f"{method.upper()} {row.id} as {role}: {response.status_code}")
            try:
                assert_unchanged(before, database_snapshot())
            except AssertionError as error:
                problems.append(f"{method.upper()} {row.id} as {role}: {error}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("transport", ["header", "field"])
@pytest.mark.parametrize("row", POSTS, ids=lambda row: row.id)
def test_with_the_pages_token_the_post_goes_through(world, row, transport):
    role = best_role(row)
    client = client_for(world, role, enforce_csrf_checks=True)
    token = page_token(client, role)
    if transport == "header":
        response = request(client, row, world, headers={"X-CSRFToken": token})
    else:
        response = request(client, row, world, extra_data={"csrfmiddlewaretoken": token})
    # The view ran and answered as the authorisation table says, so the token was accepted.
    assert response.status_code == row.expect[role], response.content[:300]


@pytest.mark.parametrize("row", POSTS, ids=lambda row: row.id)
def test_other_unsafe_methods_with_the_token_are_not_a_csrf_refusal(world, row):
    # Django's form views treat PUT as POST; the rest answer 405. Neither is a 403.
    role = best_role(row)
    client = client_for(world, role, enforce_csrf_checks=True)
    token = page_token(client, role)
    for method in ("put", "patch", "delete"):
        response = request(client, row, world, method=method, headers={"X-CSRFToken": token})
        assert response.status_code != 403, f"{method.upper()} {row.id}"


@pytest.mark.parametrize("row", POST_ONLY, ids=lambda row: row.id)
def test_get_on_a_post_only_endpoint_is_405_and_changes_nothing(world, row):
    role = best_role(row)
    client = client_for(world, role)
    before = database_snapshot()
    for method in ("get", "head"):
        response = request(client, row, world, method=method)
        assert response.status_code == 405, f"{method.upper()} {row.id}"
    assert_unchanged(before, database_snapshot())


def test_the_token_from_before_login_is_useless_after_it(world):
    # Django rotates the token at login, so a token planted before login (login CSRF, session
    # fixation) cannot be replayed in the logged-in session.
    client = client_for(world, "anon", enforce_csrf_checks=True)
    old = page_token(client, "anon")
    data = {"username": world.a.username, "password": PASSWORD, "csrfmiddlewaretoken": old}
    assert client.post(reverse("login"), data).status_code == 302
    assert SESSION_KEY in client.session
    url = reverse("catalog:lesson_complete", args=["intro"])
    assert client.post(url, headers={"X-CSRFToken": old}).status_code == 403
    assert client.post(url, headers={"X-CSRFToken": page_token(client, "owner")}).status_code == 302
