"""Login rate limiting (django-axes) through the real login form: five failures for one
username from one address lock that pair out with a 429 page; nobody else is affected.

The test client's `login()` calls authenticate() without a request, which AxesStandaloneBackend
refuses; everything here posts to the login URL as a browser does.
"""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

from .routes import fast_client

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py
HOME, AWAY = "203.0.113.10", "198.51.100.20"
ADA = "ada-lovelace-1815"  # distinctive, so finding it on a page means the page names it
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def ada(db):
    return UserFactory(username=ADA)


@pytest.fixture
def grace(db):
    return UserFactory(username="grace")


def log_in(username, password, address=HOME, **headers):
    """One login attempt from a fresh browser at `address`; returns the response and client."""
    client = fast_client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )
    return response, client


def fail(username, times, address=HOME):
    for attempt in range(times):
        response, _ = log_in(username, f"wrong-{attempt}", address)
        assert response.status_code in (200, 429)
    return response


def assert_logged_in(response, client):
    assert response.status_code == 302 and response["Location"] == reverse("catalog:dashboard")
    assert SESSION_KEY in client.session


def assert_locked_out(response, client):
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_four_failures_are_form_errors_and_the_fifth_locks(ada):
    for attempt in range(4):
        response, _ = log_in(ADA, f"wrong-{attempt}")
        assert response.status_code == 200 and "Please enter a correct" in response.content.decode()
    response, client = log_in(ADA, "wrong-5")
    assert_locked_out(response, client)


def test_the_right_password_after_five_failures_is_refused(ada):
    fail(ADA, 5)
    assert_locked_out(*log_in(ADA, PASSWORD))


def test_other_users_and_other_addresses_are_not_affected(ada, grace):
    fail(ADA, 5)
    assert_logged_in(*log_in("grace", PASSWORD))  # same address, other user
    assert_logged_in(*log_in(ADA, PASSWORD, address=AWAY))  # same user, other address
    assert_locked_out(*log_in(ADA, PASSWORD))  # and the locked pair is still locked


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(ada):
    # Only REMOTE_ADDR counts unless BEHIND_TLS_PROXY says a proxy sets the header.
    fail(ADA, 5)
    assert_locked_out(*log_in(ADA, PASSWORD, **{"X-Forwarded-For": AWAY}))


def test_a_successful_login_resets_the_count(ada):
    fail(ADA, 4)
    assert_logged_in(*log_in(ADA, PASSWORD))
    fail(ADA, 4)  # four more: would have locked without the reset
    assert_logged_in(*log_in(ADA, PASSWORD))


def test_the_lockout_page_reveals_nothing(ada):
    # The same page, word for word, for a real and an unknown username: no enumeration, and
    # nothing of the code or the username.
    real = fail(ADA, 5)
    unknown = fail("nobody-by-this-name", 5)
    assert real.status_code == unknown.status_code == 429
    assert real.content == unknown.content
    page = real.content.decode()
    for leak in ("Traceback", 'File "', "axes", ADA, HOME, "AccessAttempt"):
        assert leak not in page, leak
    assert real["Content-Type"].startswith("text/html")


def test_wrong_password_and_unknown_user_get_the_same_answer(ada):
    real, _ = log_in(ADA, "wrong")
    unknown, _ = log_in("nobody-by-this-name", "wrong")
    assert real.status_code == unknown.status_code == 200

    def page(response, username):  # the form echoes the username; each page has its own token
        return TOKEN_RE.sub("", response.content.decode().replace(username, "X"))

    assert page(real, ADA) == page(unknown, "nobody-by-this-name")
