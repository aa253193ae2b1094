"""Hints on the lab page: only after a check failed, one tier at a time, recorded; never a hidden
check's. Progress checks are recorded runs here (what grading produced), so no backend is needed."""

import functools
import io
import re
import shutil
from contextlib import nullcontext

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from courseware.course.loader import load_course
from courseware.labrunner.grading.checks import load_checks
from courseware.labrunner.models import Lab, LabHintReveal, LabRun, LabWorkspace
from courseware.labrunner.sync import lab_sync
from tests.lab_fixtures import HTMX

pytestmark = pytest.mark.django_db
SLUG = "hello-lambda"
CHECK = "cold_then_warm"  # visible, two tiers
HIDDEN = "defaults_to_world"


@functools.cache
def hello_lambda():
    """hello-lambda as `content sync` reads it (through the course loader, which renders hints)."""
    return next(lab for lab in load_course(settings.CONTENT_DIR).labs if lab.slug == SLUG)


@functools.cache
def written_hints() -> dict[str, tuple[str, ...]]:
    """Each check's hints as checks.py says them, hidden checks included."""
    return {item.name: item.hints for item in load_checks(hello_lambda().checks_path)}


def words(markdown: str) -> str:
    """The longest stretch of a hint's plain words: on a page whatever Markdown or escaping does."""
    return max(re.findall(r"[A-Za-z][A-Za-z ,]+", markdown), key=len).strip()


@pytest.fixture
def lab(db):
    lab_sync(sources=[hello_lambda()])
    return Lab.objects.get(slug=SLUG)


@pytest.fixture
def workspace(lab, student):
    return LabWorkspace.objects.create(user=student, lab=lab, account_id="210987654321", files=lab.starter)


def graded(workspace, *, failed=(), hidden_failed=False) -> LabRun:
    """A finished progress check as grading records it: hidden checks under anonymous names."""
    checks = []
    for index, name in enumerate(written_hints(), 1):
        hidden = name == HIDDEN
        failed_here = hidden_failed if hidden else name in failed
        checks.append(
            {
                "name": f"hidden-{index}" if hidden else name,
                "title": "Hidden check" if hidden else name,
                "passed": not failed_here,
                "points": 1,
                "earned": 0 if failed_here else 1,
                "message": "Failed." if failed_here else "Passed.",
                "hidden": hidden,
                "status": "failed" if failed_here else "passed",
            }
        )
    return LabRun.objects.create(
        workspace=workspace,
        kind=LabRun.Kind.GRADE,
        state=LabRun.State.DONE,
        account_id=workspace.account_id,
        result={"checks": checks, "score": 0, "total": len(checks)},
    )


def page(client, run=None) -> str:
    query = f"?run={run.pk}" if run else ""
    return client.get(reverse("labrunner:lab", args=[SLUG]) + query).content.decode()


def reveal(client, check=CHECK, tier=1, run=None, htmx=True):
    data = {"tier": str(tier), **({"run": str(run.pk)} if run else {})}
    return client.post(reverse("labrunner:hint", args=[SLUG, check]), data, **(HTMX if htmx else {}))


def test_every_check_of_every_lab_has_hints_ending_at_a_lesson_section():
    for lab in load_course(settings.CONTENT_DIR).labs:
        for item in load_checks(lab.checks_path):
            assert len(item.hints) >= 2, f"{lab.slug}: {item.name} needs a nudge and a pointer"
            assert "](lessons/" in item.hints[-1], f"{lab.slug}: {item.name}'s last hint points nowhere"


def test_no_hint_reaches_the_page_before_its_check_failed(student_client, workspace):
    tier_one = words(written_hints()[CHECK][0])
    assert tier_one in hello_lambda().hints[CHECK][0]  # the control: the words are what is shown
    run = graded(workspace)  # everything passed
    html = page(student_client, run)
    assert tier_one not in html and "Show a hint" not in html
    refused = reveal(student_client, run=run)
    assert refused.status_code == 422 and "once this check has failed" in refused.content.decode()
    assert tier_one not in refused.content.decode()
    assert not LabHintReveal.objects.exists()


def test_hints_come_one_tier_at_a_time_after_a_failure_and_are_recorded(student_client, workspace):
    first, second = (words(hint) for hint in written_hints()[CHECK])
    run = graded(workspace, failed=[CHECK])
    html = page(student_client, run)
    assert "Show a hint (1 of 2)" in html and f'id="hints-{CHECK}"' in html
    assert first not in html and second not in html  # offered, not sent
    skipped = reveal(student_client, tier=2, run=run)
    assert skipped.status_code == 422 and "Read hint 1 first" in skipped.content.decode()
    assert second not in skipped.content.decode()
    one = reveal(student_client, tier=1, run=run).content.decode()
    assert first in one and second not in one and "Show hint 2 of 2" in one
    assert reveal(student_client, tier=1, run=run).status_code == 200  # asked twice: still one
    two = reveal(student_client, tier=2, run=run).content.decode()
    assert first in two and second in two and "Show hint" not in two
    reveals = list(LabHintReveal.objects.filter(workspace=workspace).values_list("check_name", "tier", "run"))
    assert reveals == [(CHECK, 1, run.pk), (CHECK, 2, run.pk)]
    # Revealed hints stay with the failed check when the page is read again.
    assert first in page(student_client, run) and second in page(student_client, run)


def test_a_hidden_checks_hints_never_reach_the_browser(student_client, workspace, lab):
    hidden_hints = written_hints()[HIDDEN]
    assert hidden_hints and HIDDEN not in lab.hints  # written by the author, never stored
    run = graded(workspace, hidden_failed=True)
    html = page(student_client, run)
    assert "Hidden check" in html and "Show a hint" not in html
    for name in (HIDDEN, "hidden-6"):
        refused = reveal(student_client, check=name, run=run)
        assert refused.status_code == 422 and "no hints" in refused.content.decode()
    for hint in hidden_hints:
        assert words(hint) not in html
    assert not LabHintReveal.objects.exists()


def test_another_learners_failure_opens_nothing(client, workspace, other_student):
    graded(workspace, failed=[CHECK])
    client.force_login(other_student)
    page(client)  # opens their own workspace
    refused = reveal(client)
    assert refused.status_code == 422 and not LabHintReveal.objects.exists()


def test_without_javascript_a_reveal_returns_to_the_failed_check(student_client, workspace):
    first = words(written_hints()[CHECK][0])
    run = graded(workspace, failed=[CHECK])
    response = reveal(student_client, run=run, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('labrunner:lab', args=[SLUG])}?run={run.pk}#check-{CHECK}"
    html = student_client.get(response["Location"]).content.decode()
    assert first in html and f'id="check-{CHECK}"' in html
    # The form posts with its CSRF token; htmx sends the page's in hx-headers.
    assert 'name="csrfmiddlewaretoken"' in html and "hx-headers" in html


def test_the_instructor_sees_how_many_hints_a_learner_used(client, student, instructor, workspace):
    run = graded(workspace, failed=[CHECK])
    client.force_login(student)
    assert reveal(client, tier=1, run=run).status_code == 200
    client.force_login(instructor)
    html = client.get(reverse("instructor:learner_lab", args=[student.pk, SLUG])).content.decode()
    assert "Hints used" in html and "1 of 2" in html


def test_lab_grade_prints_the_hints_of_failed_checks_for_authors(lab_backend, monkeypatch, tmp_path):
    from courseware.labrunner.management.commands import lab as lab_command

    monkeypatch.setattr(lab_command, "lab_backend", lambda: nullcontext((lab_backend.endpoint, "moto")))
    shutil.copytree(hello_lambda().directory / "starter", tmp_path / "starter")
    handler = tmp_path / "starter" / "handler.py"
    handler.write_text(handler.read_text().replace("Hello, world!", "Hello, nobody!"))  # fails the hidden check
    starter, out = str(tmp_path / "starter"), io.StringIO()
    call_command("lab", "grade", SLUG, "--solution", starter, stdout=out)
    text = out.getvalue()
    assert f"    hint 1: {written_hints()['greets_by_name'][0]}" in text
    assert words(written_hints()[HIDDEN][0]) not in text  # hidden: named only with --show-hidden
    call_command("lab", "grade", SLUG, "--solution", starter, "--show-hidden", stdout=out)
    assert f"    hint 1: {written_hints()[HIDDEN][0]}" in out.getvalue()
