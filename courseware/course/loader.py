"""The whole course read from files: lessons, their quizzes, and labs, each checked against the rest.

Lessons come first because quizzes and labs are checked against them (a question's `section` is a
heading of its lesson; a lab names its lesson) and are rendered with their links. A lab's
checks.py is loaded by the grader that will run it, so `content check` fails where grading would.
"""

from collections.abc import Callable
from pathlib import Path

from courseware.content.labs import LabSource, load_labs
from courseware.content.lessons import default_image_url, default_lesson_url, load_lessons
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
    for lab in labs:
        check_lab_grader(lab, lessons.reader.problem)
        if lab.lesson in by_slug:  # a lesson page links to the labs that practise it
            by_slug[lab.lesson].labs.append({"slug": lab.slug, "title": lab.title, "order": lab.order})
    return Course(lessons.title, lessons.modules, lessons.lessons, sorted(lessons.problems), quizzes, labs)


def check_lab_grader(lab: LabSource, problem) -> None:
    """checks.py must import, define checks, and add up to the lab's points."""
    rel = f"{lab.path.rsplit('/', 1)[0]}/checks.py"
    if not lab.checks_path.is_file():
        problem(rel, 1, "every lab needs a checks.py")
        return
    try:
        checks = load_checks(lab.checks_path)
    except ChecksError as error:
        problem(rel, error.line, error.message)
        return
    total = sum(item.points for item in checks)
    if total != lab.points:
        problem(lab.path, 1, f"'points' is {lab.points} but the checks in checks.py add up to {total}")
