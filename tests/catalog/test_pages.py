"""Lesson pages kept per content release: a signed-in learner's page is a shell every learner shares,
with their own parts filled in per request. These tests hold what must never go wrong with that:
one learner's data on another's page, a stale lesson after a sync, a session that outlives logout."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.template import TemplateSyntaxError
from django.test import Client, RequestFactory
from django.urls import reverse

from courseware.catalog.models import LessonCompletion
from courseware.catalog.shells import PersonalOutsideHole, shell_render
from courseware.course import services
from tests.factories import InstructorFactory, UserFactory
from tests.quiz_fixtures import quiz_yaml

pytestmark = pytest.mark.django_db

HX_TOKEN_RE = re.compile(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client: Client, slug: str = "next") -> str:
    response = client.get(reverse("catalog:lesson", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def complete(user, slug: str) -> None:
    signed_in(user).post(reverse("catalog:lesson_complete", args=[slug]), {"completed": "1"})


def test_two_learners_see_their_own_marks_and_name(synced):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    complete(ada, "intro")
    complete(ada, "next")
    bobs = page(signed_in(bob))  # bob's view renders the shell every learner then shares
    adas = page(signed_in(ada))
    assert "ada" in adas and "Mark as not complete" in adas and 'status-done">done</span>' in adas
    assert ">bob<" not in adas
    assert "bob" in bobs and "Mark as complete" in bobs and 'status-done">done</span>' not in bobs
    assert ">ada<" not in bobs
    assert "Mark as complete" in page(signed_in(bob))  # and again, after ada's page was served


def test_a_learners_marks_change_at_once_when_they_complete_a_lesson(synced):
    ada = UserFactory()
    client = signed_in(ada)
    assert 'status-done">done</span>' not in page(client)
    client.post(reverse("catalog:lesson_complete", args=["intro"]), {"completed": "1"})
    assert 'status-done">done</span>' in page(client)
    LessonCompletion.objects.filter(user=ada).delete()  # as the admin would
    assert 'status-done">done</span>' not in page(client)


def test_instructors_links_are_on_the_instructors_page_only(synced):
    teacher, student = InstructorFactory(), UserFactory()
    teachers = page(signed_in(teacher))
    students = page(signed_in(student))
    assert reverse("instructor:gradebook") in teachers and "Instructor</span>" in teachers
    assert reverse("instructor:gradebook") not in students and "Instructor</span>" not in students


def test_each_learner_gets_their_own_working_csrf_token(synced):
    ada, bob = UserFactory(), UserFactory()
    clients = {user: Client(enforce_csrf_checks=True) for user in (ada, bob)}
    tokens = {}
    for user, client in clients.items():
        client.force_login(user)
        tokens[user] = HX_TOKEN_RE.search(page(client, "intro")).group(1)
    assert tokens[ada] != tokens[bob]
    url = reverse("catalog:lesson_complete", args=["intro"])
    response = clients[ada].post(url, {"completed": "1"}, headers={"HX-Request": "true", "X-CSRFToken": tokens[ada]})
    assert response.status_code == 200
    assert LessonCompletion.objects.filter(user=ada).exists() and not LessonCompletion.objects.filter(user=bob).exists()


def test_a_message_is_shown_to_its_learner_once(synced):
    ada, bob = UserFactory(), UserFactory()
    client = signed_in(ada)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Your answers are saved.")
    response = HttpResponse()
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    assert "Your answers are saved." in page(client)
    assert "Your answers are saved." not in page(client)
    assert "Your answers are saved." not in page(signed_in(bob))


def test_a_sync_shows_the_new_lesson_to_signed_in_learners_at_once(synced, student_client):
    assert "About intro." in page(student_client, "intro")
    synced.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nRevised.\n\n## Details\n")
    services.content_sync()
    text = page(student_client, "intro")
    assert "Revised." in text and "About intro." not in text


def test_a_quiz_added_by_a_sync_shows_on_the_lesson_page(synced, student_client, client):
    assert "Check your understanding" not in page(student_client, "intro")
    assert "Check your understanding" not in page(Client(), "intro")
    synced.write("01-intro.quiz.yaml", quiz_yaml())
    services.content_sync()
    assert "Take the quiz" in page(student_client, "intro")
    assert "Check your understanding" in page(Client(), "intro")


def test_after_logout_the_page_is_anonymous(synced):
    ada = UserFactory(username="ada")
    client = signed_in(ada)
    assert "ada" in page(client)
    client.post(reverse("logout"))
    text = page(client)
    assert "track your progress" in text and "ada" not in text and "X-CSRFToken" not in text


def test_a_password_changed_elsewhere_ends_this_session(synced):
    ada = UserFactory(username="ada")
    here, elsewhere = signed_in(ada), signed_in(ada)
    assert "ada" in page(here)
    response = elsewhere.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "another-long-one-2",
            "new_password2": "another-long-one-2",
        },
    )
    assert response.status_code == 302
    assert "ada" in page(elsewhere)  # the session that changed it stays signed in
    assert "track your progress" in page(here) and "ada" not in page(here)


def test_a_deactivated_learner_is_signed_out(synced):
    ada = UserFactory(username="ada")
    client = signed_in(ada)
    assert "ada" in page(client)
    ada.is_active = False
    ada.save()
    assert "track your progress" in page(client)


def test_a_reader_value_outside_personal_fails_the_shell(tmp_path, settings, synced):
    (tmp_path / "leaky.html").write_text("{% load personal %}<p>{{ user.get_username }}</p>")
    (tmp_path / "looped.html").write_text(
        '{% load personal %}{% for n in numbers %}{% personal "n" %}{{ n }}{% endpersonal %}{% endfor %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    request = RequestFactory().get("/lessons/intro/")
    request.resolver_match = None
    with pytest.raises(PersonalOutsideHole):
        shell_render(request, "leaky.html", {})
    with pytest.raises(TemplateSyntaxError):
        shell_render(request, "looped.html", {"numbers": [1, 2]})


def test_a_shell_keeps_no_query_string(tmp_path, settings, synced):
    (tmp_path / "echo.html").write_text("{% load personal %}[{{ request.GET.q }}]")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    request = RequestFactory().get("/lessons/intro/", {"q": "<first reader's query>"})
    request.resolver_match = None
    shell = shell_render(request, "echo.html", {})
    assert shell.parts == ["[]"]
