"""Deep linking: an instructor picks lessons, quizzes and labs; the platform gets a signed
LtiDeepLinkingResponse with ltiResourceLink items (a lineItem for graded ones) by form POST."""

import json
import re
from html import unescape

import jwt
import pytest
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from courseware.labrunner.models import Lab
from tests.lti.platform import LIS, LTI

pytestmark = pytest.mark.django_db
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"


def _deep_link_request(platform) -> dict:
    settings = {
        "deep_link_return_url": f"{platform.url}/deep_links",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "data": "opaque-platform-data",
    }
    return {LTI + "message_type": "LtiDeepLinkingRequest", DL + "deep_linking_settings": settings}


@pytest.fixture
def course(make_quiz):
    make_quiz()
    Lab.objects.create(
        slug="hello", title="Hello Lambda", order=1, summary="s", deploy="function", handler="app.handler",
        points=10, minutes=5, body_html="", source_path="labs/hello", content_hash="x", synced_at=timezone.now(),
    )  # fmt: skip


def _verify(token: str, platform) -> dict:
    """As the platform does: the tool's key from the tool's JWKS, by kid."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(key for key in platform.tool_jwks["keys"] if key["kid"] == kid)
    return jwt.decode(token, RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"], audience=platform.issuer)


def test_an_instructor_places_a_lesson_a_quiz_and_a_lab(registered, launch, client, course):
    response, _, _ = launch(registered, sub="teacher", roles=(LIS + "Instructor",), **_deep_link_request(registered))
    assert response["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/").content.decode()
    assert all(f'value="{value}"' in picker for value in ("lesson:intro", "lesson:next", "quiz:intro", "lab:hello"))
    back = client.post("/lti/deep-link/", {"item": ["lesson:next", "quiz:intro", "lab:hello"]})
    page = back.content.decode()
    assert f'action="{registered.url}/deep_links"' in page
    assert f"form-action 'self' {registered.url}" in back["Content-Security-Policy"]
    claims = _verify(unescape(re.search(r'name="JWT" value="([^"]+)"', page).group(1)), registered)
    assert claims["iss"] == registered.client_id
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == registered.deployment_id
    assert claims[DL + "data"] == "opaque-platform-data"
    items = {item["custom"]["resource"]: item for item in claims[DL + "content_items"]}
    assert {item["type"] for item in items.values()} == {"ltiResourceLink"}
    assert items["lesson:next"]["url"] == "http://testserver/lti/launch/" and "lineItem" not in items["lesson:next"]
    assert items["quiz:intro"]["lineItem"] == {
        "scoreMaximum": 100,
        "label": "Quiz on the intro",
        "resourceId": "quiz:intro",
    }
    assert items["lab:hello"]["lineItem"]["scoreMaximum"] == 10


def test_a_placed_link_launches_onto_its_activity(registered, launch, course):
    response, _, _ = launch(registered, **{LTI + "custom": {"resource": "lab:hello"}})
    assert response["Location"] == "/labs/hello/"


def test_a_learner_cannot_deep_link(registered, launch, client, course):
    launch(registered, **_deep_link_request(registered))
    assert client.get("/lti/deep-link/").status_code == 403


def test_choosing_nothing_is_a_400(registered, launch, client, course):
    launch(registered, sub="teacher", roles=(LIS + "Instructor",), **_deep_link_request(registered))
    assert client.post("/lti/deep-link/", {}).status_code == 400
