import json
import logging

import pytest

from courseware.core.logging import JsonFormatter
from tests.factories import UserFactory


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="courseware.request")

    def lines():
        return [r for r in caplog.records if r.name == "courseware.request"]

    return lines


def test_each_request_is_logged_once_with_its_figures(client, db, request_lines):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/pricing/", HTTP_HX_REQUEST="true")
    [line] = request_lines()
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/pricing/", 200, user.pk)
    assert line.htmx is True
    assert line.duration_ms > 0
    assert len(response["X-Request-ID"]) == 32


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client, db, request_lines):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level": "ERROR"}')["X-Request-ID"]
    assert forged != 'x"\n{"level": "ERROR"}' and len(forged) == 32


def test_server_errors_are_logged_as_errors_and_client_errors_are_not(client, db, request_lines, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from courseware.core.logging import RequestLogMiddleware

    client.get("/no-such-page/")
    assert (request_lines()[-1].levelno, request_lines()[-1].status) == (logging.INFO, 404)
    request = rf.get("/x")
    request.user = AnonymousUser()
    RequestLogMiddleware(lambda request: HttpResponse(status=502))(request)
    assert (request_lines()[-1].levelno, request_lines()[-1].status) == (logging.ERROR, 502)


def test_json_lines_carry_the_extra_fields_and_the_request_id():
    from courseware.core.logging import request_id_var

    record = logging.LogRecord("courseware.request", logging.INFO, __file__, 1, "GET %s", ("/",), None)
    record.status = 200
    token = request_id_var.set("abc12345")
    try:
        entry = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert entry["message"] == "GET /"
    assert entry["status"] == 200
    assert entry["request_id"] == "abc12345"
    assert entry["level"] == "INFO" and entry["time"].endswith("Z")


def test_exceptions_are_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]
