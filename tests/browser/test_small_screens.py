"""Every page type at 390 px (a phone), in Chromium: nothing is wider than the screen, the header
is one row with a menu, a lesson opens on its title and a lab on its editor.

The pages are in the states a learner meets them: a lesson with tables and code, a quiz in
progress and its review (matching questions, whose selects were 756 px wide), a lab after a
deploy, an invoke and a check, each calculator tab and its error state, search results, the
dashboard, and the instructor's pages."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.course import services as course_services
from courseware.labrunner import services as lab_services
from courseware.labrunner.models import Lab, LabRun
from courseware.pricing.tabs import TABS
from courseware.quizzes import services as quiz_services
from courseware.quizzes.models import Quiz
from tests.factories import InstructorFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
HELLO = settings.CONTENT_DIR / "labs" / "hello-lambda" / "solution"

# The elements that stick out past the right edge of the page, outside any region that scrolls
# or clips on its own: what makes the page wider than the screen.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (/auto|scroll|hidden|clip/.test(getComputedStyle(up).overflowX)) return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .slice(0, 5)
    .map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${[...el.classList].join(".")} (${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits};
}"""


@pytest.fixture
def phone(browser, live_server, sign_in):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)

    def visit(path: str, user=None, status: int = 200):
        context.clear_cookies()
        if user is not None:
            sign_in(context, user)
        response = page.goto(live_server.url + path)
        assert response.status == status, f"{path}: HTTP {response.status}"
        page.wait_for_load_state("load")
        return page

    yield visit
    context.close()


def learner_with_everything():
    """A learner part-way through: a lesson done, a quiz submitted, one in progress, lab 1 done."""
    learner = UserFactory()
    pricing = Quiz.objects.get(lesson__slug="lambda-pricing")  # matching questions: long options
    quiz_services.attempt_submit(attempt=quiz_services.attempt_start(user=learner, quiz=pricing))
    open_attempt = quiz_services.attempt_start(user=learner, quiz=Quiz.objects.get(lesson__slug="invocation-models"))
    workspace = lab_services.lab_workspace_get(user=learner, lab=Lab.objects.get(slug="hello-lambda"))
    lab_services.lab_draft_save(
        workspace=workspace,
        files={"handler.py": (HELLO / "handler.py").read_text()},
        config={"memory_mb": 256, "timeout_s": 10, "environment": "GREETING=Hello"},
    )
    for kind, extra in (("deploy", {}), ("invoke", {"event_name": "hello"}), ("grade", {})):
        run = lab_services.lab_run_start(workspace=workspace, kind=kind, **extra)
        assert run.state == LabRun.State.DONE, (kind, run.result)
    submitted = pricing.attempts.get(user=learner)
    return learner, submitted, open_attempt


def test_no_page_is_wider_than_a_phone(phone, labs):
    course_services.content_sync()  # the real lessons/, quizzes and labs/
    learner, submitted, open_attempt = learner_with_everything()
    instructor = InstructorFactory()
    pages = [
        (None, "/"),
        (None, "/lessons/lambda-pricing/"),
        (None, "/labs/"),
        (None, "/labs/hello-lambda/"),
        (None, "/api/pricing/"),
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        (None, "/search/?q=cold+start"),
        *[(None, TABS[slug].url) for slug in TABS],
        (learner, "/"),
        (learner, "/lessons/lambda-anatomy/"),
        (learner, "/dashboard/"),
        (learner, "/labs/"),
        (learner, "/labs/hello-lambda/"),
        (learner, "/labs/securing-an-api/"),
        (learner, "/lessons/lambda-pricing/quiz/"),
        (learner, f"/quiz/attempts/{open_attempt.pk}/"),
        (learner, f"/quiz/attempts/{submitted.pk}/review/"),
        (learner, "/accounts/password/change/"),
        (instructor, "/instructor/gradebook/"),
        (instructor, f"/instructor/learners/{learner.pk}/"),
        (instructor, f"/instructor/attempts/{submitted.pk}/"),
        (instructor, "/instructor/quizzes/"),
        (instructor, "/instructor/quizzes/lambda-pricing/statistics/"),
        (instructor, "/instructor/preview/?file=04-lambda-pricing.md"),
    ]
    wide = []
    for user, path in pages:
        found = phone(path, user).evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"]:
            wide.append(
                f"{path} ({'signed in' if user else 'anonymous'}): {found['scrollWidth']} px; {found['culprits']}"
            )
    for path, status in (("/pricing/?memory_mb=64&requests=", 422), ("/no-such-page/", 404)):
        found = phone(path, status=status).evaluate(OVERFLOW)
        if found["scrollWidth"] > found["width"]:
            wide.append(f"{path}: {found['scrollWidth']} px; {found['culprits']}")
    assert not wide, "Pages wider than 390 px:\n" + "\n".join(wide)


def test_the_header_is_one_row_with_a_menu(phone, live_server):
    course_services.content_sync()
    page = phone("/", UserFactory())
    assert page.locator(".site-header").bounding_box()["height"] < 80
    links = page.get_by_role("navigation", name="Main")
    expect(links).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_role("link", name="Labs")).to_be_visible()
    expect(links.get_by_role("searchbox", name="Search the course")).to_be_visible()
    page.keyboard.press("Escape")
    expect(links).to_be_hidden()


def test_a_lesson_opens_on_its_title_and_a_lab_on_its_editor(phone, labs):
    course_services.content_sync()
    page = phone("/lessons/lambda-anatomy/")
    title = page.get_by_role("heading", name="Anatomy of a Lambda function", level=1)
    assert title.bounding_box()["y"] < 300  # it was at y = 813, below the table of contents
    contents = page.get_by_role("navigation", name="On this page")
    expect(contents).to_be_hidden()  # folded behind its summary
    page.locator("summary", has_text="On this page").click()
    expect(contents).to_be_visible()

    page = phone("/labs/hello-lambda/", UserFactory())
    editor = page.locator(".CodeMirror").first
    expect(editor).to_be_visible()
    assert editor.bounding_box()["y"] < PHONE["height"]  # on the first screen; it was 3,163 px down
    expect(page.get_by_role("heading", name="Objectives")).to_be_hidden()
    page.locator("summary", has_text="Instructions").click()
    expect(page.get_by_role("heading", name="Objectives")).to_be_visible()
