import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "a long enough passphrase 42"


@pytest.mark.django_db
def test_new_passwords_use_argon2id_at_owasps_minimum():
    user = UserFactory()
    user.set_password(PASSWORD)
    algorithm, variety, version, params, *_ = user.password.split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    assert params == "m=19456,t=2,p=1"
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "!")


@pytest.mark.django_db
def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded(client):
    user = UserFactory()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
