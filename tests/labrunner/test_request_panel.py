"""The request panel through the views: a learner calls their deployed HTTP API (lab 7), bad
input is refused with a message, and the answer key never reaches the page."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from courseware.labrunner.grading.runner import lab_source
from courseware.labrunner.models import LabRun
from courseware.labrunner.sync import lab_sync
from tests.lab_fixtures import HTMX, solution_post

LAB = "http-api"
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / LAB / "solution"


def url(name, *args, slug=LAB):
    return reverse(f"labrunner:{name}", args=[slug, *args])


@pytest.fixture
def api_lab(labs, settings):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, slug) for slug in ("hello-lambda", LAB)])
    return labs


def solution_files() -> dict:
    return {f"file:{p.name}": p.read_text() for p in SOLUTION.iterdir() if p.is_file()}


def send(client, **fields):
    data = {"method": "GET", "path": "/", "auth": "none", "headers": "", "body": ""} | fields
    return client.post(url("run_create", "request"), data, **HTMX)


def test_the_panel_calls_the_deployed_api_and_shows_the_event(student_client, api_lab):
    page = student_client.get(url("lab")).content.decode()
    assert "Call your API" in page and "Send request" in page
    deployed = student_client.post(url("run_create", "deploy"), solution_files(), **HTMX)
    assert "deployed" in deployed.content.decode()
    listed = send(student_client, path="/items?limit=2", headers="Origin: https://shop.example.com")
    html = listed.content.decode()
    assert listed.status_code == 200 and "HTTP <strong>200</strong>" in html
    assert "access-control-allow-origin: https://shop.example.com" in html
    assert "GET /items" in html and "payload format 2.0" in html  # the route key and the event
    assert "&quot;limit&quot;: &quot;2&quot;" in html  # queryStringParameters as the function saw them
    created = send(
        student_client,
        method="POST",
        path="/items",
        headers="Content-Type: application/json",
        body='{"name": "Teapot", "price": 30}',
    )
    assert "HTTP <strong>201</strong>" in created.content.decode()
    missing = send(student_client, path="/nowhere/at/all")
    assert "HTTP <strong>404</strong>" in missing.content.decode()
    assert "Your function was not called" in missing.content.decode()
    run = LabRun.objects.filter(kind=LabRun.Kind.REQUEST).latest("pk")
    assert run.result["response"]["status"] == 404 and run.request["path"] == "/nowhere/at/all"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"method": "BREW"}, "choose a method"),
        ({"path": "items"}, "the path starts with /"),
        ({"path": "/a b"}, "has no spaces"),
        ({"headers": "no colon here"}, "header line 1: write Name: value"),
        ({"auth": "root"}, "choose how to authenticate"),
        ({"body": "x" * (256 * 1024 + 1)}, "larger than 256 KB"),
    ],
)
def test_bad_requests_are_refused_with_a_message_and_nothing_queued(student_client, api_lab, fields, message):
    response = send(student_client, **fields)
    assert response.status_code == 422 and message in response.content.decode()
    assert not LabRun.objects.filter(kind=LabRun.Kind.REQUEST).exists()


def test_a_request_before_deploying_or_without_an_api_says_what_is_missing(student_client, api_lab):
    assert "Deploy your code first" in send(student_client, path="/items").content.decode()
    hello = reverse("labrunner:run_create", args=["hello-lambda", "deploy"])
    student_client.post(hello, solution_post(), **HTMX)
    no_api = student_client.post(
        reverse("labrunner:run_create", args=["hello-lambda", "request"]),
        {"method": "GET", "path": "/", "auth": "none"},
        **HTMX,
    )
    assert "Your template has no API" in no_api.content.decode()


def test_a_token_helper_needs_a_user_pool(student_client, api_lab):
    student_client.post(url("run_create", "deploy"), solution_files(), **HTMX)
    response = send(student_client, path="/items", auth="id-token")
    assert "Your template has no user pool" in response.content.decode()
