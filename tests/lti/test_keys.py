"""The tool's keys: registrations and keys by command, the JWKS, rotation keeping the old public
key published for a grace period, and no private key ever rendered."""

import pytest
from django.core.management import call_command
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from courseware.lti.services import score_push_record

pytestmark = pytest.mark.django_db


def test_register_records_the_platform_its_deployments_and_a_signing_key(registered):
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id) == (registered.issuer, registered.client_id)
    assert registration.keyset_url == f"{registered.url}/jwks" and registration.token_url == f"{registered.url}/token"
    assert list(LtiDeployment.objects.values_list("deployment_id", "is_active")) == [("deployment-1", True)]
    assert Key.objects.active().count() == 1 and not registration.private_key


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(registered, client):
    old = str(Key.objects.get())
    call_command("lti", "rotate-key")
    kids = [key["kid"] for key in client.get("/lti/jwks.json").json()["keys"]]
    assert len(kids) == 2 and old in kids
    assert all("d" not in key for key in client.get("/lti/jwks.json").json()["keys"])  # public halves only
    new = str(Key.objects.latest())
    registered.tool_jwks = client.get("/lti/jwks.json").json()
    target = registered_target(registered)
    score_push_record(target=target, score=5, maximum=10)
    assert registered.tokens == []  # queued on commit, not sent inside the transaction
    from courseware.lti.passback import score_push_send

    score_push_send(push_id=target.pushes.get().pk)
    assert registered.tokens and registered.scores[0]["scoreGiven"] == 5.0
    assert new != old
    call_command("lti", "rotate-key", "--grace-days=0")
    kids = [key["kid"] for key in client.get("/lti/jwks.json").json()["keys"]]
    assert old not in kids and new not in kids and len(kids) == 1


def registered_target(platform):
    from django.contrib.auth import get_user_model

    from courseware.lti.models import GradeTarget

    user = get_user_model().objects.create_user(username="u")
    return GradeTarget.objects.create(
        user=user, registration=LtiRegistration.objects.get(), kind="quiz", slug="intro", sub="learner-1",
        lineitem_url=platform.lineitem("q"), scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
    )  # fmt: skip


def test_no_private_key_is_rendered_in_the_admin(registered, admin_client):
    key = Key.objects.get()
    marker = key.private_key.splitlines()[1]
    for url in ["/admin/lti_tool/key/", f"/admin/lti_tool/key/{key.pk}/change/", "/admin/lti_tool/ltiregistration/"]:
        page = admin_client.get(url)
        assert (
            page.status_code == 200
            and marker not in page.content.decode()
            and "PRIVATE KEY" not in page.content.decode()
        )
    registration = LtiRegistration.objects.get()
    page = admin_client.get(f"/admin/lti_tool/ltiregistration/{registration.pk}/change/").content.decode()
    assert "private_key" not in page


def test_the_doctor_names_a_missing_signing_key(registered, settings):
    from courseware.core.doctor import check_lti

    settings.REDIS_URL = "redis://cache:6379/0"
    [ok] = check_lti()
    assert ok.status == "ok" and str(Key.objects.get()) in ok.summary
    Key.objects.update(is_active=False)
    [missing] = check_lti()
    assert missing.status == "error" and "rotate-key" in missing.fix
