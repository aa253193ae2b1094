"""The session engine without REDIS_URL: Django's database sessions, read with one plain query."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from courseware.accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def saved(**values) -> str:
    session = SessionStore()
    session.update(values)
    session.create()
    return session.session_key


def test_it_is_the_engine_without_redis():
    assert settings.SESSION_ENGINE == "courseware.accounts.sessions"


def test_a_saved_session_reads_back():
    key = saved(answer=42, name="ada")
    session = SessionStore(key)
    assert session["answer"] == 42 and session["name"] == "ada"
    assert session.session_key == key


def test_an_expired_session_reads_as_a_new_one():
    key = saved(answer=42)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    session = SessionStore(key)
    assert "answer" not in session
    assert session.session_key is None  # a new key is made when it is saved, as Django's own engine does


def test_a_deleted_or_unknown_session_reads_as_a_new_one():
    key = saved(answer=42)
    SessionStore(key).delete()
    assert "answer" not in SessionStore(key)
    assert "answer" not in SessionStore("no-such-session-key-at-all")


def test_logging_out_deletes_the_session_row(client):
    client.force_login(UserFactory())
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("catalog:dashboard")).status_code == 302
