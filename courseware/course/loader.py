"""The whole course read from files: lessons, their quizzes, and labs, each checked against the rest.

Lessons come first because quizzes and labs are checked against them (a question's `section` is a
heading of its lesson; a lab names its lesson) and are rendered with their links. A lab's
checks.py is loaded by the grader that will run it, so `content check` fails where grading would.
"""

import posixpath
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from courseware.content.checks import split_target
from courseware.content.hints import check_hints, hint_lines, hint_link_resolver
from courseware.content.labs import LabSource, load_labs
from courseware.content.lessons import default_image_url, default_lesson_url, load_lessons
from courseware.content.renderer import render_markdown
from courseware.content.sources import Course
from courseware.labrunner.grading.checks import ChecksError, load_checks
from courseware.quizzes.spec.loader import load_quizzes


def load_course(
    content_dir: Path,
    *,
    lesson_url: Callable[[str], str] = default_lesson_url,
    image_url: Callable[[str], str] = default_image_url,
) -> Course:
    """Read, validate and render every lesson, quiz and lab under `content_dir`."""
    lessons = load_lessons(Path(content_dir), lesson_url=lesson_url, image_url=image_url)
    if not lessons.found:
        return Course("", [], [], lessons.problems)
    quizzes = load_quizzes(lessons)
    slugs = {lesson.slug for lesson in lessons.lessons}
    labs = load_labs(lessons.reader.content_dir, lessons.reader.problem, slugs, lessons.render)
    by_slug = {lesson.slug: lesson for lesson in lessons.lessons}
    anchors = {lesson.slug: lesson.anchors for lesson in lessons.lessons}
    render_hint = hint_renderer(lesson_url, anchors)
    by_file = {lesson.file_name: lesson for lesson in lessons.lessons}
    for lab in labs:
        check_lab_grader(lab, lessons.reader.problem, anchors, render_hint)
        check_lab_links(lab, lessons.reader, by_file)
        if lab.lesson in by_slug:  # a lesson page links to the labs that practise it
            by_slug[lab.lesson].labs.append({"slug": lab.slug, "title": lab.title, "order": lab.order})
    return Course(lessons.title, lessons.modules, lessons.lessons, sorted(lessons.problems), quizzes, labs)


def check_lab_links(lab: LabSource, reader, by_file: dict) -> None:
    """A lab's links to lessons (`16-observability.md#tracing-with-x-ray`) lead to a lesson and a
    section it has, as lessons' own links must."""
    for link in reader.scan_body(lab.path, lab.body, lab.body_start):
        if link.is_image or urlsplit(link.target).scheme or link.target.startswith(("/", "#")):
            continue
        path, fragment = split_target(link.target)
        lesson = by_file.get(posixpath.normpath(path))
        if lesson is None:
            reader.problem(lab.path, link.line, f"broken link '{link.target}': no lesson file lessons/{path}")
        elif fragment and fragment not in lesson.anchors:
            reader.problem(
                lab.path, link.line, f"broken link '{link.target}': {lesson.path} has no section '#{fragment}'"
            )


def hint_renderer(lesson_url: Callable[[str], str], anchors: dict[str, set[str]]) -> Callable[[str], str]:
    """Hints rendered as lessons are, their `lessons/<slug>#<section>` links made lesson URLs."""
    resolve = hint_link_resolver(lesson_url)
    links_key = repr(("hints", lesson_url("sample"), sorted(anchors)))

    def render(text: str) -> str:
        return render_markdown(text, resolve_link=resolve, links_key=links_key).html

    return render


def check_lab_grader(lab: LabSource, problem, anchors: dict[str, set[str]], render_hint: Callable[[str], str]) -> None:
    """checks.py must import, define checks, and add up to the lab's points; its hints' links
    must lead to lesson sections. The hints of visible checks are kept, rendered, on the lab:
    a hidden check's never leave checks.py (they would say what it tests)."""
    rel = f"{lab.path.rsplit('/', 1)[0]}/checks.py"
    if not lab.checks_path.is_file():
        problem(rel, 1, "every lab needs a checks.py")
        return
    try:
        checks = load_checks(lab.checks_path)
    except ChecksError as error:
        problem(rel, error.line, error.message)
        return
    written = hint_lines(lab.checks_path)
    for item in checks:
        for found in check_hints(item.hints, written.get(item.name, []), anchors, item.line):
            problem(rel, found.line, found.message)
        if item.hints and not item.hidden:
            lab.hints[item.name] = [render_hint(hint) for hint in item.hints]
    total = sum(item.points for item in checks)
    if total != lab.points:
        problem(lab.path, 1, f"'points' is {lab.points} but the checks in checks.py add up to {total}")
