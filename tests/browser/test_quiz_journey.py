"""A learner takes a quiz end to end in Chromium: every question type, htmx saves, submit, review."""

import re

import pytest
from playwright.sync_api import expect

from courseware.course import services as course_services
from courseware.quizzes.models import Attempt, QuizGrade
from tests.factories import UserFactory
from tests.quiz_fixtures import INTERACTIVE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def answer_everything(page, attempt):
    """Answer through the page as a learner would; the test knows the key from the database."""
    specs = {q.key: q.spec for q in attempt.quiz.questions.all()}
    for key in attempt.layout["order"]:
        spec, layout = specs[key], attempt.layout["questions"][key]
        fieldset = page.locator(f"#question-{key}")
        kind = spec["type"]
        if kind in ("single", "multiple"):
            for index, choice in enumerate(spec["choices"]):
                if choice["correct"]:
                    fieldset.locator(f"input[value='{layout['ids'][index]}']").check()
        elif kind == "truefalse":
            fieldset.locator(f"input[value='{'true' if spec['answer'] else 'false'}']").check()
        elif kind in ("numeric", "short", "calculated"):
            value = {"numeric": "987,654 s", "short": "Secret Word"}.get(kind) or str(
                layout["params"]["a"] * layout["params"]["b"]
            )
            box = fieldset.get_by_label("Your answer")
            box.fill(value)
            box.dispatch_event("change")
        elif kind == "matching":
            for index in range(len(spec["pairs"])):
                fieldset.locator(f"#match-{key}-{layout['left_ids'][index]}").select_option(layout["option_ids"][index])
        elif kind == "ordering":
            for index in range(len(spec["items"])):
                fieldset.locator(f"#order-{key}-{layout['ids'][index]}").select_option(str(index + 1))
        expect(page.locator(f"#question-{key} .saved")).to_be_visible()


def test_take_a_quiz_end_to_end(live_server, page, screenshot, make_quiz):
    make_quiz(time_limit=30)
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/lessons/intro/")
    page.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_text("Time limit: 30 minutes")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("0 of 8 answered")).to_be_visible()
    expect(page.locator(".timer-remaining")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    screenshot("01-attempt")
    attempt = Attempt.objects.get(user=learner)
    answer_everything(page, attempt)
    expect(page.get_by_text("8 of 8 answered")).to_be_visible()
    # A typo in a number is explained in place, and nothing else changes.
    box = page.locator("#question-how-many").get_by_label("Your answer")
    box.fill("lots")
    box.dispatch_event("change")
    expect(page.locator("#status-how-many")).to_contain_text("Enter a number")
    box = page.locator("#question-how-many").get_by_label("Your answer")
    box.fill("987654")
    box.dispatch_event("change")
    expect(page.locator("#question-how-many .saved")).to_be_visible()
    screenshot("02-answered")
    page.reload()  # leaving and coming back resumes with every answer in place
    expect(page.get_by_text("8 of 8 answered")).to_be_visible()
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page).to_have_url(re.compile(r"/summary/$"))
    expect(page.get_by_text("8 of 8 questions answered")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 100.0%")
    expect(page.get_by_text("SECRET-EXPLANATION-calculated")).to_be_visible()
    screenshot("03-review")
    assert QuizGrade.objects.get(user=learner).grade == 100


def test_immediate_feedback_in_place(live_server, page, screenshot, make_quiz):
    make_quiz(reveal="immediately")
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/lessons/intro/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    question = page.locator("#question-true-or-false")
    question.locator("input[value='true']").check()
    question.get_by_role("button", name="Check answer").click()
    expect(page.locator("#question-true-or-false")).to_contain_text("Not correct")
    expect(page.locator("#question-true-or-false")).to_contain_text("SECRET-FEEDBACK-tf-true")
    expect(page.locator("#question-true-or-false input[value='false']")).to_be_disabled()
    expect(page.locator("#question-pick-one")).not_to_contain_text("SECRET")
    screenshot("immediate", page.locator("#question-true-or-false"))


def test_a_blank_quiz_shows_its_summary_before_anything_is_submitted(live_server, page, screenshot, make_quiz):
    make_quiz(time_limit=30, attempts=1)
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/lessons/intro/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user=learner)
    page.get_by_role("button", name="Finish attempt…").click()  # one click on a blank quiz
    expect(page).to_have_url(re.compile(r"/summary/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary of attempt 1")
    expect(page.get_by_text("0 of 8 questions answered.")).to_be_visible()
    expect(page.get_by_text("You have not answered any question yet.")).to_be_visible()
    expect(page.locator("table.summary-table tbody tr")).to_have_count(8)
    expect(page.locator("table.summary-table")).to_contain_text("Not yet answered")
    expect(page.locator(".timer-remaining")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    screenshot("summary-blank")
    attempt.refresh_from_db()
    assert attempt.is_open and not QuizGrade.objects.exists(), "nothing was submitted or graded"
    # Back to the attempt from the summary's link to one question, answer it, and finish again.
    page.locator("table.summary-table").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/quiz/attempts/\d+/#question-"))
    box = page.locator("#question-name-it").get_by_label("Your answer")
    box.fill("secret word")
    box.dispatch_event("change")
    expect(page.locator("#question-name-it .saved")).to_be_visible()
    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_text("1 of 8 questions answered.")).to_be_visible()
    expect(page.get_by_text("7 questions not answered")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.locator("#question-name-it")).to_contain_text("Correct")
    expect(page.locator("#question-pick-one")).to_contain_text("Not answered")
    assert QuizGrade.objects.get(user=learner).attempts == 1


def test_interactive_tries_with_a_hint_and_try_again(live_server, page, screenshot, content):
    content.write("01-intro.quiz.yaml", INTERACTIVE)
    course_services.content_sync()
    learner = UserFactory()
    log_in(page, live_server, learner)
    page.goto(live_server.url + "/lessons/intro/quiz/")
    expect(page.get_by_text("with 3 tries and a hint after each wrong one")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    question = page.locator("#question-colour")
    question.get_by_label("Blue").check()
    question.get_by_role("button", name="Check answer").click()
    expect(page.locator("#question-colour")).to_contain_text("Not correct")
    expect(page.locator("#question-colour")).to_contain_text("HINT-one")
    expect(page.locator("#question-colour").get_by_label("Red")).to_be_disabled()
    screenshot("wrong-try", page.locator("#question-colour"))
    page.locator("#question-colour").get_by_role("button", name="Try again").click()
    expect(page.locator("#question-colour")).to_contain_text("Try 2 of 3.")
    expect(page.locator("#question-colour").get_by_label("Red")).to_be_enabled()
    page.locator("#question-colour").get_by_label("Red").check()
    page.locator("#question-colour").get_by_role("button", name="Check answer").click()
    expect(page.locator("#question-colour")).to_contain_text("Correct")
    expect(page.locator("#question-colour")).to_contain_text("75% of the points, on try 2")
    expect(page.locator("#question-colour")).to_contain_text("SECRET-EXPLANATION-colour")
    screenshot("right-on-try-2", page.locator("#question-colour"))
