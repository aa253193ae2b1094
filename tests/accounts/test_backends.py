"""The site's ModelBackend: Django's, with a request's user read by one plain query."""

from datetime import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courseware.accounts.backends import LEGACY_BACKEND, MODEL_BACKEND, ModelBackend
from courseware.accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests/factories.py


def test_get_user_reads_the_whole_row_with_its_types():
    made = UserFactory(first_name="Ada", is_staff=True)
    user = ModelBackend().get_user(made.pk)
    assert isinstance(user, User) and user.pk == made.pk and user.username == made.username
    assert user.first_name == "Ada" and user.is_staff is True and user.is_active is True
    assert isinstance(user.date_joined, datetime) and user.password == made.password
    assert user._state.adding is False and user._state.db == "default"


def test_get_user_refuses_an_inactive_or_missing_user():
    assert ModelBackend().get_user(UserFactory(is_active=False).pk) is None
    assert ModelBackend().get_user(987654) is None


def test_logging_in_records_this_backend(client):
    user = UserFactory()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert client.get(reverse("catalog:dashboard")).status_code == 200


def test_a_session_made_before_it_still_signs_in():
    user = UserFactory()
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: LEGACY_BACKEND})
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    client = Client()
    client.cookies["sessionid"] = session.session_key
    assert client.get(reverse("catalog:dashboard")).status_code == 200


def test_a_wrong_password_is_checked_once(client, monkeypatch):
    user = UserFactory()
    checks = []
    check_password = AbstractBaseUser.check_password
    monkeypatch.setattr(
        AbstractBaseUser, "check_password", lambda self, raw: checks.append(1) or check_password(self, raw)
    )
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 200 and "Please enter a correct username and password" in response.content.decode()
    assert len(checks) == 1
