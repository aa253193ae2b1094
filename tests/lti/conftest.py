from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from tests.lti.platform import Platform


@pytest.fixture
def platform(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    running = Platform().start()
    yield running
    running.stop()


@pytest.fixture
def registered(platform, client):
    """The platform registered by the command, as an admin would, and given the tool's JWKS."""
    call_command(
        "lti",
        "register",
        "--name=Test LMS",
        f"--issuer={platform.issuer}",
        f"--client-id={platform.client_id}",
        f"--deployment={platform.deployment_id}",
        f"--jwks-url={platform.url}/jwks",
        f"--auth-url={platform.url}/auth",
        f"--token-url={platform.url}/token",
    )
    platform.tool_jwks = client.get("/lti/jwks.json").json()
    return platform


def login(client, platform, **params):
    """OIDC third-party login initiation (LTI 1.3 §5.1.1); returns the state and nonce the tool
    put in its authentication request to the platform."""
    form = {"iss": platform.issuer, "login_hint": "hint", "target_link_uri": "http://testserver/lti/launch/"}
    form |= {"client_id": platform.client_id, "lti_deployment_id": platform.deployment_id, **params}
    response = client.post("/lti/login/", form)
    assert response.status_code == 302, response.content
    request = urlsplit(response["Location"])
    query = {k: v[0] for k, v in parse_qs(request.query).items()}
    assert f"{request.scheme}://{request.netloc}{request.path}" == f"{platform.url}/auth"
    assert query["response_type"] == "id_token" and query["scope"] == "openid"
    assert query["redirect_uri"] == "http://testserver/lti/launch/"
    return query["state"], query["nonce"]


@pytest.fixture
def launch(client):
    """Login, then the platform's form post of the id_token to the launch URL."""

    def run(platform, **claims):
        state, nonce = login(client, platform)
        token = platform.id_token(nonce=nonce, **claims)
        return client.post("/lti/launch/", {"id_token": token, "state": state}), token, state

    return run
