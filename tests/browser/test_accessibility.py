"""axe-core finds no serious or critical violation on any page type, in the light and the dark
colour scheme, and no page trips the Content-Security-Policy (see tests/browser/audit.py).

Pages are audited in the states a learner meets: a quiz part-answered, with a typing mistake,
checked question by question and reviewed; a lab after deploy, invoke and grading; the
calculator showing an estimate and an error; the login and sign-up forms showing errors."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from courseware.catalog import services as catalog_services
from courseware.catalog.models import Lesson
from courseware.course import services as course_services
from courseware.course.loader import load_course
from courseware.labrunner import services as lab_services
from courseware.labrunner.models import Lab, LabRun
from courseware.labrunner.sync import lab_sync
from courseware.quizzes import checking
from courseware.quizzes import services as quiz_services
from courseware.quizzes.models import Quiz
from tests.factories import InstructorFactory, UserFactory
from tests.instructor import classroom
from tests.quiz_fixtures import INTERACTIVE, quiz_yaml, right_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HELLO = Path(settings.CONTENT_DIR) / "labs" / "hello-lambda" / "solution"


def assert_clean(auditor):
    assert not auditor.problems, "Accessibility or CSP problems:\n" + auditor.report()


def test_public_pages(auditor, labs):
    course_services.content_sync()  # the real lessons/ folder
    auditor.as_user(None)
    for path in ("/", "/lessons/what-is-serverless/", "/labs/", "/labs/hello-lambda/"):
        auditor.check(path)
    auditor.check("/pricing/?requests=3000000&memory_mb=128&duration_ms=100&free_tier=false")
    auditor.check("/pricing/?memory_mb=64", "calculator with an input error", status=422)
    auditor.check("/pricing/scenario/", "calculator: the whole workload")
    auditor.check("/pricing/dynamodb/?capacity_mode=provisioned&rcu=100000", "calculator: a mode's fields")
    auditor.check("/pricing/apigateway/?requests=&cache_size_gb=3", "calculator: an empty field", status=422)
    for watched in (auditor.light, auditor.dark):  # a bad value while typing: the estimate stays
        watched.page.get_by_label("Hours a month the REST cache runs").fill("lots")
        expect(watched.page.locator("#error-cache_hours")).not_to_be_empty()
        auditor.check_here("calculator with an error while typing", watched.scheme)
    auditor.check("/api/pricing/")
    auditor.check("/search/?q=cold+start", "search results")
    auditor.check("/search/?q=zzqqxx", "search without results")
    for path in ("/accounts/login/", "/accounts/signup/"):
        auditor.check(path)
        # Submitting empty shows the field errors, which must be announced and readable too.
        for watched in (auditor.light, auditor.dark):
            watched.page.locator("main form button[type=submit]").press("Enter")
            expect(watched.page.locator(".error, .form-errors").first).to_be_visible()
            auditor.check_here(f"{path} with errors", watched.scheme)
    assert_clean(auditor)


def features(html: str) -> set[str]:
    tags = set(re.findall(r"<(\w+)", html))
    return tags | {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


def lessons_using_every_feature() -> list[str]:
    """The few lessons whose HTML between them uses every element and class that any lesson
    uses (admonitions, tabs, tables, footnotes, images, each code token): every Markdown feature
    is audited in about a third of the time that auditing every lesson takes. Picked greedily."""
    found = {lesson.slug: features(lesson.body_html) for lesson in Lesson.objects.all()}
    wanted, chosen = set().union(*found.values()), []
    while wanted:
        best = max(found, key=lambda slug: len(found[slug] & wanted))
        chosen.append(best)
        wanted -= found.pop(best)
    return chosen


def test_lessons_and_the_lesson_preview(auditor):
    course_services.content_sync()  # the real lessons/ folder
    slugs = lessons_using_every_feature()
    auditor.as_user(None)
    for slug in slugs:
        auditor.check(f"/lessons/{slug}/")
    auditor.as_user(InstructorFactory())
    auditor.check("/instructor/preview/?file=04-lambda-pricing.md", "lesson preview")
    assert_clean(auditor)


def answered_in_part(attempt) -> dict[str, list[str]]:
    """Right, wrong, partly right and missing answers, so the review shows every outcome."""
    form = right_answers(attempt)
    form["q-true-or-false"] = ["true"]
    form["q-pick-many"] = form["q-pick-many"][:1]
    form.pop("q-how-many")
    return form


def interactive_attempt(learner):
    """The interactive quiz (on lesson "more"), its first question tried wrongly: a hint showing."""
    attempt = quiz_services.attempt_start(user=learner, quiz=Quiz.objects.get(lesson__slug="more"))
    wrong = attempt.layout["questions"]["colour"]["ids"][1]
    checking.attempt_check(attempt=attempt, key="colour", form={"q-colour": wrong})
    return attempt


def test_quiz_and_instructor_pages(auditor, content, make_quiz):
    # A second quiz, on the next lesson, checks answers as you go; its questions cite #overview.
    content.lesson("02-next.md", slug="next", order=2, module="advanced", prerequisites=["intro"])
    content.write("02-next.quiz.yaml", quiz_yaml(reveal="immediately"))
    content.lesson("04-more.md", slug="more", order=4, module="advanced", prerequisites=["intro"])
    content.write("04-more.quiz.yaml", INTERACTIVE)  # interactive, with hints
    quiz = make_quiz(time_limit=30)  # syncs every quiz; the timer shows on the attempt
    content.write("03-broken.md", "---\nslug: broken\n---\nNo front matter to speak of.\n")
    learner, instructor = UserFactory(), InstructorFactory()
    first = quiz_services.attempt_start(user=learner, quiz=quiz)
    quiz_services.attempt_save(attempt=first, form=answered_in_part(first))
    quiz_services.attempt_submit(attempt=first)
    second = quiz_services.attempt_start(user=learner, quiz=quiz)
    some = {k: v for k, v in right_answers(second).items() if k.startswith("q-pick")}
    quiz_services.attempt_save(attempt=second, form=some)
    checked = quiz_services.attempt_start(user=learner, quiz=Quiz.objects.get(lesson__slug="next"))
    for key, values in right_answers(checked).items():
        if key in ("q-pick-one", "q-true-or-false"):
            answer = values if key == "q-pick-one" else ["true"]  # one right, one wrong
            checking.attempt_check(attempt=checked, key=key[2:], form={key: answer})
    catalog_services.lesson_completion_set(user=learner, lesson=Lesson.objects.get(slug="intro"), completed=True)
    interactive = interactive_attempt(learner)
    lab = Lab.objects.create(
        slug="hello-lambda", title="Hello Lambda", order=1, summary="", deploy="function", handler="handler.handler",
        points=10, minutes=20, lesson_slug="intro", body_html="", source_path="", content_hash="",
        synced_at=timezone.now(),
    )  # fmt: skip
    classroom.lab_work([learner], [lab], grade_runs=3, score=5)
    Group.objects.create(name="Evening").user_set.add(learner)

    auditor.as_user(learner)
    auditor.check("/", "outline, signed in")
    auditor.check("/lessons/intro/", "lesson, signed in, completed, with a quiz")
    auditor.check("/lessons/intro/quiz/", "quiz home")
    auditor.check(f"/quiz/attempts/{second.pk}/", "attempt in progress")
    for watched in (auditor.light, auditor.dark):
        box = watched.page.locator("#question-how-many").get_by_label("Your answer")
        box.fill("lots")
        box.dispatch_event("change")
        expect(watched.page.locator("#status-how-many")).to_contain_text("Enter a number")
        auditor.check_here("attempt with a typing mistake", watched.scheme)
    auditor.check(f"/quiz/attempts/{checked.pk}/", "attempt checked as you go")
    auditor.check(f"/quiz/attempts/{first.pk}/review/", "review")
    auditor.check("/dashboard/")

    auditor.check(f"/quiz/attempts/{second.pk}/summary/", "summary before submitting")
    auditor.check(f"/quiz/attempts/{interactive.pk}/", "interactive attempt waiting for another try")

    auditor.as_user(instructor)
    auditor.check("/instructor/gradebook/")
    auditor.check("/instructor/gradebook/?sort=-lab:hello-lambda&group=Evening", "gradebook sorted and filtered")
    auditor.check(f"/instructor/learners/{learner.pk}/")
    auditor.check(f"/instructor/learners/{learner.pk}/labs/hello-lambda/", "a learner's lab history")
    auditor.check("/instructor/class/", "class at a glance")
    auditor.check("/instructor/class/labs/hello-lambda/", "one lab's class, with who is stuck")
    auditor.check("/instructor/class/quizzes/intro/", "one quiz's class")
    auditor.check(f"/instructor/attempts/{first.pk}/")
    auditor.check(f"/instructor/attempts/{second.pk}/", "an attempt in progress, as an instructor sees it")
    auditor.check("/instructor/quizzes/")
    auditor.check("/instructor/quizzes/intro/statistics/")
    auditor.check("/instructor/preview/?file=03-broken.md", "preview with content problems")
    assert_clean(auditor)


def test_lab_pages_after_deploy_invoke_and_grading(auditor, labs):
    # A sync holds the whole set of labs: hello-lambda (synced by the fixture) and the API lab.
    # Read as `content sync` reads them, so the checks' hints are on the page after a failure.
    names = ("hello-lambda", "securing-an-api")
    lab_sync(sources=[lab for lab in load_course(settings.CONTENT_DIR).labs if lab.slug in names])
    learner = UserFactory()
    workspace = lab_services.lab_workspace_get(user=learner, lab=Lab.objects.get(slug="hello-lambda"))
    lab_services.lab_draft_save(
        workspace=workspace,
        files={"handler.py": (HELLO / "handler.py").read_text()},
        config={"memory_mb": 256, "timeout_s": 10, "environment": "GREETING=Hello"},
    )
    # The immediate task backend runs each step before lab_run_start returns.
    for kind, extra in (("deploy", {}), ("invoke", {"event_name": "hello"}), ("grade", {})):
        run = lab_services.lab_run_start(workspace=workspace, kind=kind, **extra)
        assert run.state == LabRun.State.DONE, (kind, run.result)

    auditor.as_user(learner)
    auditor.check("/labs/", "labs list, signed in")
    auditor.check("/labs/hello-lambda/", "lab after deploy, invoke and grading")
    for watched in (auditor.light, auditor.dark):
        page = watched.page
        expect(page.locator("#invoke-run")).to_contain_text("Hello, Ada!")
        expect(page.locator("#grade-run")).to_contain_text("Score: 10/10")
        page.locator("#history summary").press("Enter")  # the invocation history table
        page.locator("#invoke-run details summary").first.press("Enter")  # the cost working
        auditor.check_here("lab with its details open", watched.scheme)
    for watched in (auditor.light, auditor.dark):
        watched.page.locator("summary", has_text="Reset lab…").press("Enter")
        auditor.check_here("lab with the reset confirmation open", watched.scheme)
    auditor.check("/labs/securing-an-api/", "API lab with the request panel")
    auditor.check("/dashboard/", "dashboard with a lab")
    # A function that fails: one check says so, the rest are "not run".
    lab_services.lab_draft_save(
        workspace=workspace, files={"handler.py": "def handler(event, context):\n    raise KeyError('GREETING')\n"}
    )
    for kind in ("deploy", "grade"):
        run = lab_services.lab_run_start(workspace=workspace, kind=kind)
        assert run.state == LabRun.State.DONE, (kind, run.result)
    assert run.result["not_run"] > 0
    auditor.check("/labs/hello-lambda/", "lab whose function fails its checks")
    for watched in (auditor.light, auditor.dark):  # a failed check's hint, revealed by htmx
        watched.page.get_by_role("button", name="Show a hint (1 of 2)").first.press("Enter")
        expect(watched.page.locator(".check-hints .hints").first).to_be_visible()
        auditor.check_here("lab with a hint revealed", watched.scheme)
    auditor.as_user(UserFactory())
    auditor.check("/dashboard/", "dashboard of a new learner")
    auditor.check("/labs/", "labs list, nothing started")
    assert_clean(auditor)


def test_step_functions_lab_with_an_execution_history(auditor, labs):
    """The execution panel after a run that retried, was caught and failed: its history table
    (failed and succeeded rows in colour, badges) and its cost, in both colour schemes."""
    lab_sync(sources=[lab for lab in load_course(settings.CONTENT_DIR).labs if lab.slug == "order-workflow"])
    learner = UserFactory()
    workspace = lab_services.lab_workspace_get(user=learner, lab=Lab.objects.get(slug="order-workflow"))
    definition = "statemachine/order.asl.json"
    solution = Path(settings.CONTENT_DIR) / "labs" / "order-workflow" / "solution" / definition
    lab_services.lab_draft_save(workspace=workspace, files={definition: solution.read_text()})
    for kind, extra in (("deploy", {}), ("execution", {"execution": {"event_name": "out-of-stock"}})):
        run = lab_services.lab_run_start(workspace=workspace, kind=kind, **extra)
        assert run.state == LabRun.State.DONE, (kind, run.result)
    assert run.result["status"] == "FAILED" and any(row["caught_from"] for row in run.result["events"])

    auditor.as_user(learner)
    auditor.check("/labs/order-workflow/", "Step Functions lab with an execution's history")
    for watched in (auditor.light, auditor.dark):
        expect(watched.page.locator("#execution-run")).to_contain_text("Catch from ReserveInventory")
        watched.page.locator("#execution-run details summary").first.press("Enter")  # the cost working
        auditor.check_here("execution with the cost working open", watched.scheme)
    assert_clean(auditor)
