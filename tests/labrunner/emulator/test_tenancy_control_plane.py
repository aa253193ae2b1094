"""Learner code cannot reach moto's control plane, in any spelling.

A handler in the sandbox sends raw HTTP to its own account socket: every control endpoint moto 5.2
has (its `/moto-api/` URL map, the instance metadata service, moto's `/{service}_{region}/`
self-calls), spelled every way we know, with every kind of Host, signature, header and framing.
Then: nothing of the victim account changed, nothing emulator-wide changed, moto's own
dispatcher (the only way to its control plane) was never called, and every answer was a refusal
in AWS's shape, never a page of the emulator's.
"""

import copy
import json
import os
import urllib.request

import pytest
from moto.core.config import default_user_config
from moto.moto_api import recorder, state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.urls import url_paths
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from courseware.labrunner.client.aws import CONTROL_HEADER

from .tenancy_fixtures import SECRET, raw, send_raw, signed, statuses

CONTROL_PATHS = sorted(
    {path.replace("{0}", "") for path in url_paths}
    | {
        "/moto-api",
        "/moto-api/",
        "/favicon.ico",
        "/latest/meta-data/",
        "/latest/api/token",
        "/latest/meta-data/iam/security-credentials/",
        "/s3_us-east-1/moto-api/reset",
        "/moto_api/reset",
        "/moto-api/reset?x=1",
    }
)


def spellings(path: str) -> list[str]:
    head, _, query = path.partition("?")
    encoded = "/" + "".join(f"%{ord(c):02x}" for c in head[1:])
    return [
        path,
        encoded,
        head.replace("/", "%2F"),
        "/" + path,
        "/./" + path[1:],
        "/x/.." + path,
        "/%2e%2e" + path,
        "/x/%2e%2e" + path,
        path.upper(),
        "http://motoapi.amazonaws.com" + path,
        "http://127.0.0.1:4566" + path,
        "https://s3.amazonaws.com" + path,
    ]


def header_variants(account_b: str) -> list[list[tuple]]:
    host = [("Host", "127.0.0.1:4566")]
    return [
        host,
        [("Host", "motoapi.amazonaws.com")],
        [("Host", "169.254.169.254")],
        [("Host", "localhost:5000"), ("Host", "motoapi.amazonaws.com")],
        host + signed("s3"),
        host + signed("sqs"),
        host + signed("moto_api"),
        host + signed("motoapi"),
        host + signed("iam"),
        host + signed("execute-api"),
        host + [("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")],
        host + [("x-moto-account-id", account_b), ("X-Moto-Account-Id", account_b)],
        host + [("x_moto_account_id", account_b)] + signed("s3"),
        host + [(CONTROL_HEADER, "0" * 64)],
        host + [("Content-Type", "application/x-www-form-urlencoded")],
    ]


def attacks(account_b: str) -> list[bytes]:
    body = json.dumps({"batch": {"FAKE": 1}, "core": {"passthrough": {"urls": [".*"]}}}).encode()
    found = []
    for path in CONTROL_PATHS:
        for method in ("GET", "POST"):
            for target in spellings(path):
                found.append(raw(method, target, [("Host", "127.0.0.1:4566")] + signed("s3"), body))
            for headers in header_variants(account_b):
                found.append(raw(method, path, headers, body if method == "POST" else b""))
        # HTTP/1.0 with no Host, chunked bodies, and a control request pipelined behind a
        # harmless one on the same connection (the server closes after one response).
        found.append(raw("POST", path, [], body, version="HTTP/1.0"))
        chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
        found.append(raw("POST", path, [("Host", "x"), ("Transfer-Encoding", "chunked")], chunked))
        both = [("Host", "x"), ("Transfer-Encoding", "chunked"), ("Content-Length", "4")]
        found.append(raw("POST", path, both, chunked))
        found.append(
            raw("GET", "/", [("Host", "x")] + signed("s3"))
            + raw("POST", path, [("Host", "x"), ("Connection", "close")], body)
        )
    return found


@pytest.fixture
def dispatcher_calls(monkeypatch):
    """Every request that reaches moto's own path-based dispatcher: the only door to its
    control plane."""
    calls = []
    original = DomainDispatcherApplication.__call__

    def counted(self, environ, start_response):
        calls.append(environ.get("PATH_INFO"))
        return original(self, environ, start_response)

    monkeypatch.setattr(DomainDispatcherApplication, "__call__", counted)
    return calls


def emulator_wide() -> dict:
    return {
        "config": copy.deepcopy(default_user_config),
        "recording": recorder._user_enabled,
        "transitions": copy.deepcopy(state_manager._transitions),
        "recording_file": os.path.exists("moto_recording"),
    }


def test_no_spelling_of_a_control_endpoint_reaches_moto(open_backend, victim, attacker, dispatcher_calls, monkeypatch):
    seeded = []
    monkeypatch.setattr(mock_random, "seed", lambda *a, **k: seeded.append(a))
    before, emulator_before = victim.state(), emulator_wide()
    requests = attacks(victim.account_id)
    assert len(requests) > 1500
    answers = send_raw(attacker, requests)
    assert victim.state() == before
    assert emulator_wide() == emulator_before
    assert seeded == []
    assert dispatcher_calls == []
    for request, answer in zip(requests, answers, strict=True):
        codes = statuses(answer)
        if request.startswith(b"GET / HTTP/1.1"):  # a pipelined pair: only the first is served
            assert codes == [200], (request, answer)
            continue
        assert len(codes) == 1 and codes[0] >= 400, (request, answer)
        final = answer.split(b"\r\n\r\n", 1)[1]
        assert SECRET.encode() not in answer and victim.account_id.encode() not in final
        assert b"<html" not in answer.lower() and b"<!doctype" not in answer.lower(), answer
    # The refusals are AWS's: S3's XML for S3-signed requests, JSON for unsigned ones.
    s3 = answers[0].split(b"\r\n\r\n", 1)[1]
    assert b"<Error><Code>" in s3
    unsigned = [
        a
        for r, a in zip(requests, answers, strict=True)
        if r.startswith(b"GET /moto-api/reset HTTP/1.1\r\nHost: 127.0.0.1:4566\r\n\r\n")
    ]
    assert b"MissingAuthenticationTokenException" in unsigned[0]


def test_the_control_plane_answers_the_host_with_the_token(open_backend, victim, dispatcher_calls):
    """The refusals above are ours: the endpoint is live for the platform's own host code."""
    url = open_backend.endpoint + "/moto-api/config"
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={CONTROL_HEADER: open_backend.control_token})
    ) as response:
        assert response.status in (200, 201) and "batch" in json.loads(response.read())
    assert dispatcher_calls == ["/moto-api/config"]
    refused = urllib.request.Request(url, headers={CONTROL_HEADER: "0" * 64})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(refused)
    assert error.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url)  # no token: an unsigned request to AWS
    assert error.value.code == 403 and b"Missing Authentication Token" in error.value.read()
