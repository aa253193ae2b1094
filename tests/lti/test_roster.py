"""Names and Role Provisioning: the platform course's roster, fetched page by page (Link header),
made into learners and instructors in the course's cohort, by the command and the instructor page."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from lti_tool.models import LtiContext

from courseware.accounts.roles import is_instructor
from tests.lti.platform import LIS

pytestmark = pytest.mark.django_db
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def _member(sub, role, **extra):
    return {"user_id": sub, "roles": [LIS + role], "name": sub.title(), "email": f"{sub}@uni.example", **extra}


@pytest.fixture
def course_context(registered, launch):
    registered.members = [
        _member("grace", "Learner"),
        _member("alan", "Learner", status="Active"),
        _member("barbara", "Instructor"),
        _member("ken", "Learner", status="Inactive"),
        _member("edsger", "Learner"),
    ]  # three pages of two
    launch(registered, sub="barbara", roles=(LIS + "Instructor",))
    return LtiContext.objects.get(id_on_platform="course-1")


def test_the_command_imports_every_page_of_the_roster(course_context, capsys):
    call_command("lti", "roster", str(course_context.pk))
    assert "4 members, 1 teaching" in capsys.readouterr().out
    users = get_user_model().objects.filter(email__endswith="@uni.example")
    assert sorted(u.email.split("@")[0] for u in users) == ["alan", "barbara", "edsger", "grace"]
    assert [u.email for u in users if is_instructor(u)] == ["barbara@uni.example"]
    assert all(u.groups.filter(name="Serverless 101").exists() for u in users)
    assert course_context.memberships.filter(is_active=False).count() == 1  # ken, inactive


def test_the_roster_links_the_users_who_already_launched(course_context, registered, launch):
    launch(registered, sub="grace")
    call_command("lti", "roster", str(course_context.pk))
    assert get_user_model().objects.filter(email="grace@uni.example").count() == 1


def test_an_instructor_imports_the_roster_from_the_lti_page(course_context, client):
    page = client.get("/lti/instructor/").content.decode()
    assert f"/lti/instructor/roster/{course_context.pk}/" in page
    response = client.post(f"/lti/instructor/roster/{course_context.pk}/", follow=True)
    assert "Roster imported: 4 members, 1 teaching." in response.content.decode()


def test_a_learner_cannot_import_a_roster(course_context, registered, launch, client):
    launch(registered, sub="grace")
    assert client.post(f"/lti/instructor/roster/{course_context.pk}/").status_code == 403


def test_a_course_without_names_and_roles_says_so(registered, launch):
    launch(registered, sub="barbara", roles=(LIS + "Instructor",), **{NRPS: None})
    context = LtiContext.objects.get()
    with pytest.raises(CommandError, match="Names and Role Provisioning"):
        call_command("lti", "roster", str(context.pk))
