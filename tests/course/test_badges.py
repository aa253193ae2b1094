"""Challenge labs and the course badge: marked in lab.md, kept at sync, earned with full marks,
shown on the dashboard; the labs list and the lab page say which labs are challenges."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from courseware.course import selectors
from courseware.course import services as course_services
from courseware.course.loader import load_course
from courseware.labrunner.models import Lab, LabRun, LabWorkspace
from tests.lab_fixtures import write_lab

pytestmark = pytest.mark.django_db
CHECKS = "from courseware.labrunner.grading import check\n\n\n@check(points=2)\ndef ok(lab):\n    pass\n"
BADGE = "Demo course: capstone complete"


def demo_lab(content, fields: str):
    """labs/demo/ (2 points) with `fields` added to its front matter, after `lesson` (line 10)."""
    lab = write_lab(content, CHECKS)
    text = (lab / "lab.md").read_text()
    (lab / "lab.md").write_text(text.replace("lesson: intro\n", f"lesson: intro\n{fields}", 1))
    return lab


def problems(content) -> list[str]:
    return [str(problem) for problem in load_course(content.root).problems]


def test_a_challenge_lab_is_marked_in_its_front_matter(content):
    demo_lab(content, f'challenge: true\nbadge: "{BADGE}"\n')
    course = load_course(content.root)
    assert course.ok, course.problems
    assert (course.labs[0].challenge, course.labs[0].badge) == (True, BADGE)


def test_a_lab_is_no_challenge_unless_it_says_so(content):
    demo_lab(content, "")
    lab = load_course(content.root).labs[0]
    assert (lab.challenge, lab.badge) == (False, "")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("challenge: 1\n", "labs/demo/lab.md:11: 'challenge' must be true or false, not 1"),
        ('challenge: "true"\n', "labs/demo/lab.md:11: 'challenge' must be true or false, not 'true'"),
        ("challenge: true\n", "labs/demo/lab.md:11: a challenge lab names the badge its full marks earn in 'badge'"),
        (f'badge: "{BADGE}"\n', "labs/demo/lab.md:11: only a challenge lab ('challenge: true') earns a badge"),
        (
            "challenge: false\nbadge: ok\n",
            "labs/demo/lab.md:12: only a challenge lab ('challenge: true') earns a badge",
        ),
        ("challenge: true\nbadge: 7\n", "labs/demo/lab.md:12: 'badge' must be non-empty text"),
        (
            "challenge: true\nbadge: " + "b" * 81 + "\n",
            "labs/demo/lab.md:12: 'badge' is 81 characters long; the limit is 80",
        ),
    ],
)
def test_bad_challenge_fields_are_reported_at_their_line(content, fields, message):
    demo_lab(content, fields)
    assert message in problems(content)


def test_sync_keeps_the_mark_beside_the_lab_and_takes_it_away(content):
    lab = demo_lab(content, f'challenge: true\nbadge: "{BADGE}"\n')
    course_services.content_sync()
    assert (Lab.objects.get(slug="demo").challenge, Lab.objects.get(slug="demo").badge) == (True, BADGE)
    assert course_services.content_sync().labs.unchanged == ["demo"]
    (lab / "lab.md").write_text((lab / "lab.md").read_text().replace(f'challenge: true\nbadge: "{BADGE}"\n', ""))
    assert course_services.content_sync().labs.updated == ["demo"]
    assert (Lab.objects.get(slug="demo").challenge, Lab.objects.get(slug="demo").badge) == (False, "")


@pytest.fixture
def challenge(content):
    demo_lab(content, f'challenge: true\nbadge: "{BADGE}"\n')
    course_services.content_sync()
    return Lab.objects.get(slug="demo")


def graded(user, lab, *scores: int) -> LabWorkspace:
    """A workspace with one finished progress check per score, a day apart from 3 March 2026."""
    space = LabWorkspace.objects.create(user=user, lab=lab, account_id="123456789012", best_score=max(scores))
    for day, score in enumerate(scores, 3):
        finished = datetime(2026, 3, day, 12, tzinfo=UTC)
        LabRun.objects.create(
            workspace=space, kind=LabRun.Kind.GRADE, state=LabRun.State.DONE, score=score, finished_at=finished
        )
    return space


def test_the_badge_is_earned_at_full_marks_only(challenge, student, other_student):
    graded(student, challenge, 1)
    assert selectors.learner_badges(user=student) == ([], [challenge])
    graded(other_student, challenge, 1, 2, 2)
    [badge], waiting = selectors.learner_badges(user=other_student)
    assert (badge.title, badge.lab, waiting) == (BADGE, challenge, [])
    assert badge.earned_at == datetime(2026, 3, 4, 12, tzinfo=UTC)  # the first check with full marks


def test_the_badge_needs_a_challenge_lab(content, student):
    demo_lab(content, "")
    course_services.content_sync()
    graded(student, Lab.objects.get(slug="demo"), 2)
    assert selectors.learner_badges(user=student) == ([], [])


def test_the_dashboard_shows_the_badge_only_at_full_marks(challenge, student, student_client):
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert BADGE not in page
    assert 'Not earned yet: full marks in the challenge lab <a href="/labs/demo/">1. Demo</a>' in page
    space = graded(student, challenge, 1)
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert BADGE not in page and "Not earned yet" in page
    LabRun.objects.create(
        workspace=space,
        kind=LabRun.Kind.GRADE,
        state=LabRun.State.DONE,
        score=2,
        finished_at=datetime(2026, 3, 9, 12, tzinfo=UTC),
    )
    LabWorkspace.objects.filter(pk=space.pk).update(best_score=2)
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert f'<strong>{BADGE}</strong> <span class="muted">earned 9 March 2026</span>' in page
    assert "Not earned yet" not in page


def test_a_course_without_challenge_labs_shows_no_badge_section(synced, student_client):
    assert "Course badge" not in student_client.get(reverse("catalog:dashboard")).content.decode()


def test_the_labs_list_and_the_lab_page_name_a_challenge_lab(challenge, client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the labs, each knowing its badge (anonymous: no workspaces)
        listing = client.get(reverse("labrunner:list")).content.decode()
    assert '1. Demo</a> <span class="badge">Challenge lab</span>' in listing
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert 'Lab 1 · <span class="badge">Challenge lab</span>' in page
    Lab.objects.filter(pk=challenge.pk).update(badge="")
    assert "Challenge lab" not in client.get(reverse("labrunner:list")).content.decode()
    assert "Challenge lab" not in client.get(challenge.get_absolute_url()).content.decode()
