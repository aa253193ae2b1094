"""Launches from the fake platform: a learner and an instructor signed in on the activity named,
and every refusal the spec asks for, each with its reason on a 4xx page and in the log."""

import logging
import time

import pytest
from django.contrib.auth import get_user_model

from courseware.accounts.roles import is_instructor
from tests.lti.platform import LIS, LTI, rsa_key

pytestmark = pytest.mark.django_db
CUSTOM = LTI + "custom"


def test_a_learner_lands_on_the_lesson_signed_in_as_a_learner(registered, launch, content, client):
    from courseware.course.services import content_sync

    content_sync()
    response, _, _ = launch(registered, **{CUSTOM: {"resource": "lesson:intro"}})
    assert response.status_code == 302 and response["Location"] == "/lessons/intro/"
    user = get_user_model().objects.get(email="learner-1@uni.example")
    assert not is_instructor(user) and user.first_name == "Ada" and not user.has_usable_password()
    response = client.get("/lessons/intro/")  # a signed-in lesson page is filled in, not rendered whole
    assert response.wsgi_request.user == user and user.username in response.content.decode()
    assert list(user.groups.values_list("name", flat=True)) == ["Serverless 101"]


def test_an_instructor_is_given_the_instructor_role_and_the_same_user_next_time(registered, launch, client):
    roles = (LIS + "Instructor",)
    response, _, _ = launch(registered, sub="teacher-9", roles=roles)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    user = get_user_model().objects.get(email="teacher-9@uni.example")
    assert is_instructor(user)
    launch(registered, sub="teacher-9", roles=roles)
    assert get_user_model().objects.filter(email="teacher-9@uni.example").count() == 1
    assert client.get("/lti/instructor/").status_code == 200


def test_the_target_link_uri_names_the_activity_when_no_custom_claim_does(registered, launch, content):
    from courseware.course.services import content_sync

    content_sync()
    response, _, _ = launch(registered, **{LTI + "target_link_uri": "http://testserver/lessons/next/"})
    assert response["Location"] == "/lessons/next/"


def _refused(response, reason, caplog):
    assert response.status_code == 403
    assert f"<strong data-reason>{reason}</strong>" in response.content.decode()
    assert any(f"LTI launch refused: {reason}" in record.getMessage() for record in caplog.records)
    assert "_auth_user_id" not in response.wsgi_request.session


def test_a_token_signed_by_another_key_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    response, _, _ = launch(registered, key=rsa_key())
    _refused(response, "bad signature", caplog)


def test_a_token_whose_signature_was_tampered_with_is_refused(registered, client, caplog):
    from tests.lti.conftest import login

    caplog.set_level(logging.WARNING, "courseware.lti")
    state, nonce = login(client, registered)
    header, body, signature = registered.id_token(nonce=nonce).split(".")
    forged = registered.id_token(nonce=nonce, sub="someone-else").split(".")[1]
    response = client.post("/lti/launch/", {"id_token": f"{header}.{forged}.{signature}", "state": state})
    _refused(response, "bad signature", caplog)


def test_an_unknown_issuer_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    response, _, _ = launch(registered, iss="https://lms.elsewhere.example")
    _refused(response, "unknown issuer", caplog)


def test_a_login_from_an_unknown_issuer_is_refused(registered, client):
    response = client.post("/lti/login/", {"iss": "https://lms.elsewhere.example", "login_hint": "x", "client_id": "c"})
    assert response.status_code == 403 and b"unknown issuer" in response.content


def test_an_unknown_deployment_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    response, _, _ = launch(registered, **{LTI + "deployment_id": "deployment-nobody-registered"})
    _refused(response, "unknown deployment", caplog)


def test_a_replayed_launch_is_refused(registered, launch, client, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    first, token, state = launch(registered)
    assert first.status_code == 302
    client.logout()
    response = client.post("/lti/launch/", {"id_token": token, "state": state})
    _refused(response, "replayed nonce", caplog)


def test_an_expired_token_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    now = int(time.time())
    response, _, _ = launch(registered, iat=now - 600, exp=now - 60)
    _refused(response, "expired token", caplog)


def test_a_token_for_another_audience_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    response, _, _ = launch(registered, aud="another-tool", azp="another-tool")
    _refused(response, "wrong audience", caplog)


def test_a_token_issued_in_the_future_is_refused(registered, launch, caplog):
    caplog.set_level(logging.WARNING, "courseware.lti")
    now = int(time.time())
    response, _, _ = launch(registered, iat=now + 600, exp=now + 900)
    _refused(response, "token issued in the future", caplog)


def test_a_nonce_the_tool_never_issued_is_refused(registered, client, caplog):
    from tests.lti.conftest import login

    caplog.set_level(logging.WARNING, "courseware.lti")
    state, _ = login(client, registered)
    response = client.post("/lti/launch/", {"id_token": registered.id_token(nonce="made-up"), "state": state})
    _refused(response, "nonce not issued", caplog)


def test_the_launch_views_alone_skip_csrf(registered, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(
            "/lti/login/", {"iss": registered.issuer, "login_hint": "h", "client_id": registered.client_id}
        ).status_code
        == 302
    )
    assert strict.post("/lti/deep-link/", {}).status_code == 403  # CSRF applies after the launch
