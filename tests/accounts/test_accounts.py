import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from courseware.accounts.roles import is_instructor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_signup_creates_a_student_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "ada",
            "email": "Ada@Example.com",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("catalog:dashboard")
    user = get_user_model().objects.get(username="ada")
    assert user.email == "ada@example.com"
    assert not is_instructor(user)
    assert client.get(reverse("catalog:dashboard")).status_code == 200


def test_signup_errors_are_shown_and_nothing_is_created(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("signup"),
        {"username": "bob", "email": "TAKEN@example.com", "password1": "x", "password2": "y"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An account with this e-mail address already exists." in page
    assert "The two password fields didn" in page
    assert not get_user_model().objects.filter(username="bob").exists()


def test_login_and_logout(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("catalog:dashboard")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    client.post(reverse("logout"))
    assert client.get(reverse("catalog:dashboard")).status_code == 302


def test_wrong_password_is_refused(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-one-2",
            "new_password2": "another-long-one-2",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-one-2")


def test_password_reset_by_email(client):
    user = UserFactory(email="reset@example.com")
    client.post(reverse("password_reset"), {"email": "reset@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "fresh-pass-phrase-3", "new_password2": "fresh-pass-phrase-3"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fresh-pass-phrase-3")


def test_roles(student, instructor):
    staff = UserFactory(is_staff=True)
    assert not is_instructor(student)
    assert is_instructor(instructor)
    assert is_instructor(staff)


def test_another_group_does_not_make_an_instructor(student):
    student.groups.add(Group.objects.create(name="teaching-assistants"))
    assert not is_instructor(get_user_model().objects.get(pk=student.pk))
