"""The front door: routing, the proxy event field by field (1.0 and 2.0), and response mapping."""

import base64
import json

import pytest

from courseware.labrunner.client.api import call_api
from courseware.labrunner.client.aws import AccountAws, new_account_id
from tests.apigw_fixtures import http_api, make_function, rest_api


@pytest.fixture(scope="module")
def aws(lab_backend):
    return AccountAws(endpoint=lab_backend.endpoint, account_id=new_account_id())


@pytest.fixture(scope="module")
def echo(aws):
    return make_function(aws, "echo")


@pytest.fixture(scope="module")
def rest(aws, echo):
    return rest_api(
        aws,
        echo,
        [
            ("GET", "/items", None, None),
            ("GET", "/items/{id}", None, None),
            ("POST", "/items/special", None, None),
            ("ANY", "/files/{proxy+}", None, None),
            ("GET", "/mocked", None, "MOCK"),
        ],
        binary=["image/png"],
    )


@pytest.fixture(scope="module")
def http(aws, echo):
    return http_api(
        aws,
        echo,
        [
            ("GET /items", None),
            ("GET /items/{id}", None),
            ("ANY /files/{proxy+}", None),
            ("$default", None),
        ],
    )


def test_rest_event_v1_fields(aws, rest):
    response = call_api(
        aws,
        api_id=rest,
        stage="prod",
        method="GET",
        path="/items/42?tag=a&tag=b&q=x y",
        headers={"X-Trace": "t1", "User-Agent": "lab-test"},
    )
    assert response.status == 200
    event = response.json()
    assert event == response.event  # what the function received is what the trace shows
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/42"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x y"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x y"]}
    assert event["headers"]["X-Trace"] == "t1"
    assert event["multiValueHeaders"]["X-Trace"] == ["t1"]
    assert event["headers"]["Host"] == f"{rest}.execute-api.us-east-1.amazonaws.com"
    assert "x-moto-account-id" not in {k.lower() for k in event["headers"]}
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert event["stageVariables"] is None
    context = event["requestContext"]
    assert context["accountId"] == aws.account_id
    assert context["apiId"] == rest and context["stage"] == "prod"
    assert context["resourcePath"] == "/items/{id}" and context["path"] == "/prod/items/42"
    assert context["identity"]["userAgent"] == "lab-test"
    assert context["identity"]["sourceIp"]
    assert context["requestTimeEpoch"] > 0 and "+0000" in context["requestTime"]
    assert "version" not in event  # REST events carry no version


def test_rest_routing_prefers_literals_and_greedy_paths(aws, rest):
    special = call_api(aws, api_id=rest, stage="prod", method="POST", path="/items/special", body={"a": 1})
    assert special.event["resource"] == "/items/special"
    assert json.loads(special.event["body"]) == {"a": 1}
    deep = call_api(aws, api_id=rest, stage="prod", method="DELETE", path="/files/a/b/c.txt")
    assert deep.event["resource"] == "/files/{proxy+}"
    assert deep.event["pathParameters"] == {"proxy": "a/b/c.txt"}
    assert deep.event["httpMethod"] == "DELETE"


def test_rest_misses_answer_missing_authentication_token(aws, rest):
    for method, path in [("GET", "/nowhere"), ("DELETE", "/items/1"), ("GET", "/files")]:
        response = call_api(aws, api_id=rest, stage="prod", method=method, path=path)
        assert response.status == 403
        assert response.json() == {"message": "Missing Authentication Token"}
        assert response.event is None
    wrong_stage = call_api(aws, api_id=rest, stage="dev", method="GET", path="/items")
    assert (wrong_stage.status, wrong_stage.json()) == (403, {"message": "Forbidden"})


def test_rest_binary_media_types_are_base64(aws, rest):
    response = call_api(
        aws,
        api_id=rest,
        stage="prod",
        method="PUT",
        path="/files/logo.png",
        headers={"Content-Type": "image/png"},
        body=b"\x89PNG\x00\x01",
    )
    assert response.event["isBase64Encoded"] is True
    assert base64.b64decode(response.event["body"]) == b"\x89PNG\x00\x01"
    text = call_api(
        aws,
        api_id=rest,
        stage="prod",
        method="PUT",
        path="/files/a.txt",
        headers={"Content-Type": "text/plain"},
        body="plain",
    )
    assert (text.event["isBase64Encoded"], text.event["body"]) == (False, "plain")


def test_rest_responses_are_mapped_or_refused_as_malformed(aws, rest):
    teapot = call_api(aws, api_id=rest, stage="prod", path="/items", query={"mode": "teapot"})
    assert (teapot.status, teapot.text, teapot.headers["x-from"]) == (
        418,
        "short and stout",
        "function",
    )
    multi = call_api(aws, api_id=rest, stage="prod", path="/items", query={"mode": "multi"})
    assert multi.status == 201 and multi.headers["x-tag"] == "one, two"
    binary = call_api(aws, api_id=rest, stage="prod", path="/items", query={"mode": "binary"})
    assert binary.body == b"\x89PNG"
    for mode in ("bad", "bare", "string"):  # REST needs a statusCode structure with a string body
        response = call_api(aws, api_id=rest, stage="prod", path="/items", query={"mode": mode})
        assert (response.status, response.json()) == (502, {"message": "Internal server error"})
        assert "Malformed Lambda proxy response" in response.trace["response_error"]
    crash = call_api(aws, api_id=rest, stage="prod", path="/items", query={"mode": "crash"})
    assert crash.status == 502 and crash.trace["invocation"]["status"] == "error"
    assert "boom" in crash.trace["invocation"]["logs"]


def test_non_proxy_integrations_say_they_are_not_emulated(aws, rest):
    response = call_api(aws, api_id=rest, stage="prod", path="/mocked")
    assert response.status == 501
    assert "MOCK integrations are not emulated" in response.json()["message"]


def test_http_event_v2_fields(aws, http):
    response = call_api(
        aws,
        api_id=http,
        stage="$default",
        method="GET",
        path="/items/7?tag=a&tag=b",
        headers={"X-Trace": "t2", "Cookie": "session=abc; theme=dark", "User-Agent": "lab-test"},
    )
    assert response.status == 200
    event = response.event
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/7"
    assert event["rawQueryString"] == "tag=a&tag=b"
    assert event["queryStringParameters"] == {"tag": "a,b"}
    assert event["pathParameters"] == {"id": "7"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-trace"] == "t2" and "cookie" not in event["headers"]
    assert all(name == name.lower() for name in event["headers"])
    assert event["isBase64Encoded"] is False and "body" not in event
    http_context = event["requestContext"]["http"]
    assert http_context == {
        "method": "GET",
        "path": "/items/7",
        "protocol": "HTTP/1.1",
        "sourceIp": http_context["sourceIp"],
        "userAgent": "lab-test",
    }
    assert event["requestContext"]["stage"] == "$default"
    assert event["requestContext"]["routeKey"] == "GET /items/{id}"
    assert response.headers["apigw-requestid"]


def test_http_routing_default_route_and_binary_bodies(aws, http):
    fallback = call_api(
        aws,
        api_id=http,
        stage="$default",
        method="PATCH",
        path="/anything/else",
        headers={"Content-Type": "application/octet-stream"},
        body=b"\x00\xff",
    )
    assert fallback.event["routeKey"] == "$default"
    assert fallback.event["isBase64Encoded"] is True
    assert base64.b64decode(fallback.event["body"]) == b"\x00\xff"
    greedy = call_api(aws, api_id=http, stage="$default", method="POST", path="/files/x/y", body="hi")
    assert greedy.event["routeKey"] == "ANY /files/{proxy+}"
    assert greedy.event["pathParameters"] == {"proxy": "x/y"} and greedy.event["body"] == "hi"


def test_http_responses_bare_values_cookies_and_errors(aws, http):
    bare = call_api(aws, api_id=http, stage="$default", path="/items", query={"mode": "bare"})
    assert (bare.status, bare.json(), bare.headers["content-type"]) == (
        200,
        {"hello": "world"},
        "application/json",
    )
    text = call_api(aws, api_id=http, stage="$default", path="/items", query={"mode": "string"})
    assert text.json() == "just text"
    cookies = call_api(aws, api_id=http, stage="$default", path="/items", query={"mode": "cookies"})
    assert cookies.cookies == ["a=1; Path=/", "b=2"] and cookies.text == "ok"
    binary = call_api(aws, api_id=http, stage="$default", path="/items", query={"mode": "binary"})
    assert binary.body == b"\x89PNG" and binary.headers["content-type"] == "image/png"
    crash = call_api(aws, api_id=http, stage="$default", path="/items", query={"mode": "crash"})
    assert (crash.status, crash.json()) == (500, {"message": "Internal Server Error"})


def test_http_api_with_payload_format_1_0(aws, echo):
    api = http_api(aws, echo, [("GET /v1/{name}", None)], payload="1.0")
    response = call_api(aws, api_id=api, stage="$default", path="/v1/ada?x=1")
    event = response.event
    assert event["version"] == "1.0"
    assert event["pathParameters"] == {"name": "ada"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1"]}
    assert event["requestContext"]["routeKey"] == "GET /v1/{name}"
    missing = call_api(aws, api_id=api, stage="$default", path="/v2/ada")
    assert (missing.status, missing.json()) == (404, {"message": "Not Found"})


def test_the_front_door_serves_localstacks_url_form_too(aws, http, lab_backend):
    import urllib.request

    url = f"{lab_backend.endpoint}/restapis/{http}/$default/_user_request_/items/3?mode=bare"
    with urllib.request.urlopen(url) as response:  # unpinned: found by API id, like the internet
        assert json.loads(response.read()) == {"hello": "world"}


def test_cors_preflight_and_responses(aws, echo):
    cors = {
        "AllowOrigins": ["https://shop.example.com"],
        "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["content-type"],
        "MaxAge": 600,
        "ExposeHeaders": ["x-total"],
    }
    api = http_api(aws, echo, [("GET /items", None)], cors=cors)
    ask = {"Origin": "https://shop.example.com", "Access-Control-Request-Method": "POST"}
    preflight = call_api(aws, api_id=api, stage="$default", method="OPTIONS", path="/items", headers=ask)
    assert preflight.status == 204 and preflight.event is None
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert preflight.headers["access-control-allow-methods"] == "GET,POST"
    assert preflight.headers["access-control-max-age"] == "600"
    allowed = call_api(
        aws,
        api_id=api,
        stage="$default",
        path="/items",
        headers={"Origin": "https://shop.example.com"},
    )
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert allowed.headers["access-control-expose-headers"] == "x-total"
    other = call_api(aws, api_id=api, stage="$default", path="/items", headers={"Origin": "https://evil.example"})
    assert other.status == 200 and "access-control-allow-origin" not in other.headers
