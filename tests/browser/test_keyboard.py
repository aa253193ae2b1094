"""A quiz and a lab done with the keyboard alone: only page.keyboard after the first page.goto.

Every element Tab reaches must show where focus is (an outline or a box-shadow); the code
editor, which takes Tab to indent, must let the learner leave with Esc then Tab."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.labrunner.grading.runner import lab_source
from courseware.labrunner.models import LabWorkspace
from courseware.labrunner.sync import lab_sync
from courseware.quizzes.models import Attempt
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SOLUTION = Path(settings.CONTENT_DIR) / "labs" / "hello-lambda" / "solution" / "handler.py"

# What has focus, and whether it shows: a code editor draws its ring round the whole editor.
FOCUSED = """() => {
  const el = document.activeElement;
  const ring = el.closest(".CodeMirror") || el;
  const style = getComputedStyle(ring);
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "", id: el.id,
    value: el.value === undefined ? "" : String(el.value), checked: !!el.checked,
    text: (el.innerText || "").trim().slice(0, 60),
    editor: ring === el ? "" : ring.dataset.file,
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def press(page, key: str) -> dict:
    """Press a key and return what has focus, which must show it unless it is the page itself."""
    page.keyboard.press(key)
    now = focused(page)
    assert now["tag"] == "body" or now["ring"], f"no visible focus on {now} after {key}"
    return now


def tab_until(page, wanted, limit: int = 150, seen: list | None = None) -> dict:
    for _ in range(limit):
        now = press(page, "Tab")
        if seen is not None:
            seen.append(now)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the element; last focused: {now}")


def choose(page, value: str) -> None:
    """Arrow through the focused <select> (or radio group) until it holds value."""
    for _ in range(12):
        if focused(page)["value"] == value:
            return
        press(page, "ArrowDown")
    raise AssertionError(f"never reached {value!r}: {focused(page)}")


def editor_holds(page, text: str) -> None:
    """Wait until CodeMirror has read the typing into its document: in contenteditable mode it
    reads the DOM a moment after each change, and text inserted before then can be lost."""
    page.wait_for_function(
        "text => document.querySelector('.CodeMirror').CodeMirror.getValue().includes(text)",
        arg=text,
    )


def keyboard_answers(attempt) -> dict[str, object]:
    """Per form field: the radio value, the set of checkbox values, the text, or the option."""
    specs = {q.key: q.spec for q in attempt.quiz.questions.all()}
    answers = {}
    for key in attempt.layout["order"]:
        spec, layout, name = specs[key], attempt.layout["questions"][key], f"q-{key}"
        kind = spec["type"]
        if kind in ("single", "multiple"):
            right = {layout["ids"][i] for i, choice in enumerate(spec["choices"]) if choice["correct"]}
            answers[name] = right if kind == "multiple" else right.pop()
        elif kind == "truefalse":
            answers[name] = "true" if spec["answer"] else "false"
        elif kind == "numeric":
            answers[name] = "987,654 s"
        elif kind == "short":
            answers[name] = "Secret Word"
        elif kind == "calculated":
            answers[name] = str(layout["params"]["a"] * layout["params"]["b"])
        elif kind == "matching":
            for index in range(len(spec["pairs"])):
                answers[f"{name}-{layout['left_ids'][index]}"] = layout["option_ids"][index]
        elif kind == "ordering":
            for index in range(len(spec["items"])):
                answers[f"{name}-{layout['ids'][index]}"] = str(index + 1)
    return answers


def test_take_a_quiz_with_the_keyboard(live_server, page, sign_in, make_quiz):
    quiz = make_quiz()
    learner = UserFactory()
    sign_in(page.context, learner)
    page.goto(live_server.url + "/lessons/intro/quiz/")
    tab_until(page, lambda el: el["text"] == "Start the quiz")
    page.keyboard.press("Enter")
    expect(page.get_by_text("0 of 8 answered")).to_be_visible()
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    answers = keyboard_answers(attempt)

    answered = set()
    now = tab_until(page, lambda el: el["name"].startswith("q-"))
    while now["id"] != "quiz-submit":
        name = now["name"]
        if now["type"] == "radio" and name not in answered:
            # Focus lands on the group's first radio; arrows move and check, Space checks.
            if now["value"] == answers[name]:
                press(page, "Space")
            choose(page, answers[name])
            assert focused(page)["checked"]
        elif now["type"] == "checkbox" and now["value"] in answers[name]:
            press(page, "Space")
        elif now["tag"] == "input" and now["type"] == "text":
            page.keyboard.type(answers[name])
        elif now["tag"] == "select":
            choose(page, answers[name])
        answered.add(name)
        now = press(page, "Tab")
    assert {name for name in answered if name.startswith("q-")} >= set(answers)
    expect(page.get_by_text("8 of 8 answered")).to_be_visible()
    for key in attempt.layout["order"]:
        expect(page.locator(f"#question-{key} .saved")).to_be_visible()

    page.keyboard.press("Enter")  # on "Finish attempt…": the summary first
    expect(page).to_have_url(re.compile(r"/summary/$"))
    tab_until(page, lambda el: el["id"] == "quiz-submit")
    page.keyboard.press("Enter")  # on "Submit all and finish"
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Attempt 1: 100.0%")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.percent == 100 and attempt.score == attempt.max_score == 9


def test_do_a_lab_with_the_keyboard(live_server, page, sign_in, task_worker):
    lab_sync(sources=[lab_source(settings.CONTENT_DIR, "hello-lambda")])
    learner = UserFactory()
    sign_in(page.context, learner)
    page.goto(live_server.url + "/labs/hello-lambda/")

    assert press(page, "Tab")["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "site-main"
    seen = []
    tab_until(page, lambda el: el["editor"] == "handler.py", seen=seen)
    # The instructions' wide code blocks scroll sideways: each is a tab stop, so it can be read.
    assert "pre" in [el["tag"] for el in seen]
    expect(page.locator("#editor-keys")).to_contain_text("press Esc, then Tab")

    page.keyboard.press("Control+A")
    page.keyboard.type("# Typed at the keyboard.\n")
    editor_holds(page, "# Typed at the keyboard.\n")
    # The rest arrives as one text insertion: typed key by key, CodeMirror would indent each
    # new line itself and double the file's own indentation.
    page.keyboard.insert_text(SOLUTION.read_text())
    editor_holds(page, "def handler(event, context):")
    assert press(page, "Tab")["editor"] == "handler.py", "Tab indents inside the editor"
    page.keyboard.press("Escape")
    # Esc then Tab leaves the editor, for the file's own actions (rename, delete), then the folder's.
    assert press(page, "Tab")["name"] == "rename_to:handler.py", "Esc then Tab leaves the editor"
    assert press(page, "Shift+Tab")["editor"] == "handler.py", "and Shift+Tab comes back"
    page.keyboard.press("Escape")
    assert tab_until(page, lambda el: el["name"] == "memory_mb")["name"] == "memory_mb"
    for value in ("256", "10", None, None, "GREETING=Hello"):  # memory, timeout, runtime, architecture, env
        if value is not None:
            page.keyboard.press("Control+A")
            page.keyboard.type(value)
        press(page, "Tab")
    assert focused(page)["text"] == "Deploy"
    page.keyboard.press("Enter")
    expect(page.locator("#deploy-run")).to_contain_text("Version 1 deployed", timeout=60_000)

    assert tab_until(page, lambda el: el["tag"] == "select")["name"] == "event_name"
    choose(page, "hello")
    tab_until(page, lambda el: el["text"] == "Invoke")
    page.keyboard.press("Space")
    output = page.locator("#invoke-run")
    expect(output).to_contain_text("Hello, Ada!", timeout=60_000)
    expect(output.locator("pre.logs")).to_contain_text("REPORT RequestId")

    tab_until(page, lambda el: el["text"] == "Check my progress")
    page.keyboard.press("Enter")
    expect(page.locator("#grade-run")).to_contain_text("Score: 10/10", timeout=120_000)
    workspace = LabWorkspace.objects.get(user=learner)
    assert workspace.best_score == 10
    assert workspace.deployed_version.files["handler.py"].startswith("# Typed at the keyboard.\n")
