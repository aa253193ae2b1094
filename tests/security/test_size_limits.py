"""Size limits: an oversized body is a 4xx, never a 500; lab files, invoke events and typed quiz
answers have bounds with a message and nothing saved; the pricing API refuses absurd numbers."""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from courseware.content.labs import MAX_FILE_BYTES
from courseware.labrunner.models import LabRun
from courseware.labrunner.services import MAX_EVENT_BYTES
from courseware.quizzes.models import Response
from courseware.quizzes.spec.typed import MAX_ANSWER_LENGTH

from .conftest import OWNER_ANSWER, assert_unchanged, database_snapshot
from .routes import HTMX, client_for, fast_client

pytestmark = pytest.mark.django_db


def over_the_body_limit() -> str:
    return "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_an_oversized_form_body_is_a_400_page_not_a_500(world, encoding):
    # With CSRF enforced, as in production: the middleware reads the body first.
    client = client_for(world, "owner", enforce_csrf_checks=True)
    client.get(reverse("catalog:dashboard"))
    token = client.cookies["csrftoken"].value
    url = reverse("catalog:lesson_complete", args=["intro"])
    data = {"completed": "1", "padding": over_the_body_limit()}
    before = database_snapshot()
    if encoding == "urlencoded":
        response = client.generic(
            "POST",
            url,
            urlencode(data),
            "application/x-www-form-urlencoded",
            headers={"X-CSRFToken": token},
        )
    else:
        response = client.post(url, data, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()  # templates/400.html, no trace
    assert_unchanged(before, database_snapshot())


def test_a_posted_file_is_never_stored(world, monkeypatch):
    from django.core.files import uploadhandler
    from django.core.files.uploadedfile import SimpleUploadedFile

    stored = []
    for handler in (
        uploadhandler.TemporaryFileUploadHandler,
        uploadhandler.MemoryFileUploadHandler,
    ):
        monkeypatch.setattr(handler, "receive_data_chunk", lambda self, chunk, start: stored.append(chunk))
    client = client_for(world, "owner")
    upload = SimpleUploadedFile("big.bin", b"x" * (5 * 1024 * 1024))
    url = reverse("catalog:lesson_complete", args=["intro"])
    response = client.post(url, {"completed": "1", "file": upload})
    assert response.status_code == 302  # the form itself is fine; the file part is dropped
    assert stored == []  # no upload handler ever saw a byte of it (the 1 MB limit skips files)


def test_an_oversized_login_post_is_a_400(db):
    response = fast_client().post(reverse("login"), {"username": over_the_body_limit()})
    assert response.status_code == 400


# --- Labs ------------------------------------------------------------------------------------


def lab_url(world, name, *args):
    return reverse(f"labrunner:{name}", args=[world.lab.slug, *args])


def test_a_lab_file_over_64_kb_is_refused_and_nothing_saved(world):
    client = client_for(world, "owner")
    before = database_snapshot()
    over = {"file:handler.py": "#" * (MAX_FILE_BYTES + 1)}
    response = client.post(lab_url(world, "draft"), over, headers=HTMX)
    assert response.status_code == 422
    assert "handler.py is larger than 64 KB" in response.content.decode()
    assert_unchanged(before, database_snapshot())
    # The bound is the limit itself, in bytes: exactly 64 KB is saved.
    exact = {"file:handler.py": "#" * MAX_FILE_BYTES}
    assert client.post(lab_url(world, "draft"), exact, headers=HTMX).status_code == 200
    world.workspace.refresh_from_db()
    assert len(world.workspace.files["handler.py"]) == MAX_FILE_BYTES


def event_of(size: int, filler: str = "x") -> str:
    text = '{"pad": "' + filler * (size - len('{"pad": ""}')) + '"}'
    assert len(text.encode()) == size
    return text


def test_an_invoke_event_over_256_kb_is_refused_and_no_run_recorded(world):
    client = client_for(world, "owner")
    runs = LabRun.objects.count()
    data = {"event_name": "", "event": event_of(MAX_EVENT_BYTES + 1)}
    response = client.post(lab_url(world, "run_create", "invoke"), data, headers=HTMX)
    assert response.status_code == 422
    assert "the event is larger than 256 KB" in response.content.decode()
    assert LabRun.objects.count() == runs


def test_the_largest_event_fits_the_body_limit_even_url_encoded(world):
    # '%' is sent as %25: three bytes for each of the event's 256 KB, still under 1 MB.
    client = client_for(world, "owner")
    data = {"event_name": "", "event": event_of(MAX_EVENT_BYTES, filler="%")}
    response = client.post(lab_url(world, "run_create", "invoke"), data, headers=HTMX)
    assert response.status_code == 200, response.content[:300]
    run = LabRun.objects.filter(workspace=world.workspace).first()
    assert run.state == LabRun.State.QUEUED and len(run.request["event"]["pad"]) > 260_000


# --- Quizzes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["name-it", "how-many", "compute-it"])
def test_a_typed_answer_has_a_bound_with_a_message(world, question):
    client = client_for(world, "owner")
    url = reverse("quizzes:save", args=[world.open_attempt.pk]) + f"?q={question}"
    response = client.post(url, {f"q-{question}": "9" * (MAX_ANSWER_LENGTH + 1)}, headers=HTMX)
    assert response.status_code == 422
    assert f"Keep the answer under {MAX_ANSWER_LENGTH} characters" in response.content.decode()
    saved = Response.objects.filter(attempt=world.open_attempt, question__key=question).first()
    assert saved is None or saved.answer in (None, OWNER_ANSWER)


@pytest.mark.parametrize("value", ["9" * 5000, "²"], ids=["5000-digits", "superscript"])
def test_an_unreadable_ordering_position_is_a_400_not_a_500(world, value):
    # isdigit() accepts these; int() does not. No page offers them, so the form is forged.
    layout = world.open_attempt.layout["questions"]["order-them"]
    url = reverse("quizzes:save", args=[world.open_attempt.pk])
    data = {f"q-order-them-{layout['ids'][0]}": value}
    response = client_for(world, "owner").post(url, data)
    assert response.status_code == 400
    assert "This form cannot be accepted" in response.content.decode()


# --- The pricing API -------------------------------------------------------------------------

ABSURD = [
    ("lambda", {"requests": "-1"}, "requests"),
    ("lambda", {"requests": "1e20"}, "requests"),
    ("lambda", {"requests": "1.5"}, "requests"),
    ("lambda", {"memory_mb": "1e999999"}, "memory_mb"),  # a million-digit number when shown
    ("lambda", {"duration_ms": "1e10000000"}, "duration_ms"),  # beyond Decimal's exponent range
    ("lambda", {"duration_ms": "-1e-10000000"}, "duration_ms"),
    ("lambda", {"duration_ms": "NaN"}, "duration_ms"),
    ("lambda", {"duration_ms": "Infinity"}, "duration_ms"),
    ("lambda", {"memory_mb": "9" * 10_000}, "memory_mb"),
    ("lambda", {"architecture": "z80"}, "architecture"),
    ("lambda", {"price_set": "1999-01"}, "price_set"),
    ("dynamodb", {"reads": "1e16"}, "reads"),
]


@pytest.mark.parametrize("service, params, field", ABSURD, ids=[str(p)[:40] for _, p, _ in ABSURD])
def test_the_pricing_api_refuses_absurd_numbers_with_a_short_json_400(db, service, params, field):
    client = fast_client()
    for url in (
        reverse("pricing:api_estimate", args=[service]),
        reverse("pricing:api_scenario") if service == "lambda" else None,
    ):
        if url is None:
            continue
        response = client.get(url, params)
        assert response.status_code == 400, response.content[:200]
        error = json.loads(response.content)["error"]
        assert error["field"] == field and error["message"]
        assert len(response.content) < 1000  # the refusal is never bigger than the request


@pytest.mark.parametrize("value", ["1e10000000", "1e999999"])
def test_the_calculator_page_and_csv_refuse_them_too(db, value):
    client = fast_client()
    page = client.get(reverse("pricing:calculator"), {"duration_ms": value})
    assert page.status_code == 422 and len(page.content) < 100_000
    assert "far outside any range" in page.content.decode()
    csv = client.get(reverse("pricing:calculator_csv"), {"duration_ms": value})
    assert csv.status_code == 400 and json.loads(csv.content)["error"]["field"] == "duration_ms"
