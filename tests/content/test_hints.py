"""`content check` holds a check's hints to their format: a list of texts whose links lead to a
lesson section (or an https page), the last one pointing to a lesson, each problem at its line."""

import io

import pytest
from django.core.management import CommandError, call_command

from courseware.course.loader import load_course
from tests.lab_fixtures import write_lab


def checks_with(hints: str, *, hidden=False) -> str:
    return (
        "from courseware.labrunner.grading import check\n"
        "\n"
        "\n"
        "@check(\n"
        f"    points=2,{' hidden=True,' if hidden else ''}\n"
        f"    hints=[\n{hints}\n    ],\n"
        ")\n"
        "def returns(lab):\n"
        "    lab.invoke({})\n"
    )


def problems(content) -> list[str]:
    return [str(problem) for problem in load_course(content.root).problems]


def test_good_hints_are_kept_rendered_with_lesson_urls(content):
    write_lab(
        content,
        checks_with(
            '        "What does the handler return?",\n'
            '        "Read [the details](lessons/intro#details) and "\n'
            '        "[the docs](https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html).",'
        ),
    )
    course = load_course(content.root)
    assert not course.problems
    (lab,) = course.labs
    first, second = lab.hints["returns"]
    assert first == "<p>What does the handler return?</p>"
    assert '<a href="/lessons/intro/#details">the details</a>' in second
    assert 'href="https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html"' in second


def test_a_broken_lesson_link_is_refused_by_content_check_at_its_line(content):
    write_lab(
        content,
        checks_with(
            '        "A nudge.",\n'
            '        "Read the part on "\n'
            '        "[details](lessons/intro#no-such-section) "\n'
            '        "or [next](lessons/nowhere#start).",'
        ),
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("content", "check", stderr=stderr)
    assert stderr.getvalue().splitlines() == [
        "labs/demo/checks.py:9: broken hint link 'lessons/intro#no-such-section': lesson 'intro' has no section '#no-such-section'",
        "labs/demo/checks.py:10: broken hint link 'lessons/nowhere#start': no lesson has the slug 'nowhere'",
    ]


def test_links_that_are_not_lesson_sections_are_refused(content):
    write_lab(
        content,
        checks_with(
            '        "See [the file](../../lessons/01-intro.md#details).",\n'
            '        "See [the lesson](lessons/intro) or [plain](http://example.com/).",'
        ),
    )
    assert problems(content) == [
        "labs/demo/checks.py:7: broken hint link '../../lessons/01-intro.md#details': link a lesson as lessons/<slug>#<section>, or an https:// page",
        "labs/demo/checks.py:8: broken hint link 'http://example.com/': link a lesson as lessons/<slug>#<section>, or an https:// page",
        "labs/demo/checks.py:8: hint link 'lessons/intro' should name the section to read: lessons/intro#<section>",
    ]


def test_the_last_hint_must_point_to_a_lesson(content):
    write_lab(content, checks_with('        "A nudge.",\n        "Still only a nudge.",'))
    assert problems(content) == [
        "labs/demo/checks.py:8: the last hint should point to the lesson section that teaches this: "
        "add a link like [the section](lessons/<slug>#<section>)"
    ]


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        ('        "one", "two", "three", "four",', "at most 3 hints"),
        ('        "",', "each hint must be a non-empty text"),
    ],
)
def test_hints_that_are_not_a_short_list_of_texts_are_refused(content, hints, message):
    write_lab(content, checks_with(hints))
    (found,) = problems(content)
    assert found.startswith("labs/demo/checks.py:4: check 'returns':") and message in found


def test_a_hint_given_as_one_text_is_refused(content):
    text = checks_with('        "x",').replace('hints=[\n        "x",\n    ],', 'hints="just one text",')
    assert 'hints="just one text"' in text
    write_lab(content, text)
    (found,) = problems(content)
    assert "hints must be a list of texts" in found


def test_a_hidden_checks_hints_are_checked_but_never_kept(content):
    write_lab(content, checks_with('        "Nudge.",\n        "[Read](lessons/intro#details).",', hidden=True))
    course = load_course(content.root)
    assert not course.problems and course.labs[0].hints == {}
