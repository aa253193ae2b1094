"""Checks across lessons: unique slugs and orders, modules, prerequisites, links and images.

They run after every lesson is rendered, because a link's `#section` must match a heading id that
only the renderer knows.
"""

import posixpath
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from .sources import IMAGE_SUFFIXES, LessonSource, LinkRef, ModuleSource


class Reporter(Protocol):
    lessons_dir: Path

    def problem(self, path: str, line: int, message: str) -> None: ...


def check_course(reader: Reporter, modules: list[ModuleSource], lessons: list[LessonSource]) -> None:
    module_slugs = {module.slug for module in modules}
    all_slugs = {lesson.slug for lesson in lessons}
    by_slug: dict[str, LessonSource] = {}
    seen: dict[tuple[str, object], LessonSource] = {}
    for lesson in lessons:
        for field_name in ("slug", "order"):
            value = getattr(lesson, field_name)
            first = seen.setdefault((field_name, value), lesson)
            if first is not lesson:
                reader.problem(
                    lesson.path,
                    lesson.lines[field_name],
                    f"duplicate {field_name} {value!r} (also in {first.path})",
                )
        by_slug.setdefault(lesson.slug, lesson)
        if module_slugs and lesson.module not in module_slugs:
            known = ", ".join(sorted(module_slugs))
            reader.problem(
                lesson.path,
                lesson.lines["module"],
                f"unknown module '{lesson.module}' (modules in lessons/course.yaml: {known})",
            )
        for index, prerequisite in enumerate(lesson.prerequisites):
            line = (
                lesson.prerequisite_lines[index]
                if index < len(lesson.prerequisite_lines)
                else lesson.lines["prerequisites"]
            )
            if prerequisite == lesson.slug:
                reader.problem(lesson.path, line, "a lesson cannot be its own prerequisite")
            elif prerequisite not in all_slugs:
                reader.problem(
                    lesson.path,
                    line,
                    f"unknown prerequisite '{prerequisite}': no lesson has that slug",
                )
    _check_cycles(reader, by_slug)


def _check_cycles(reader: Reporter, by_slug: dict[str, LessonSource]) -> None:
    state: dict[str, str] = {}

    def visit(slug: str, trail: list[str]) -> None:
        state[slug] = "visiting"
        for prerequisite in by_slug[slug].prerequisites:
            if prerequisite not in by_slug:
                continue
            if state.get(prerequisite) == "visiting":
                cycle = (
                    trail[trail.index(prerequisite) :] + [prerequisite]
                    if prerequisite in trail
                    else [slug, prerequisite]
                )
                lesson = by_slug[slug]
                reader.problem(
                    lesson.path,
                    lesson.lines.get("prerequisites", 1),
                    "prerequisites form a cycle: " + " -> ".join(cycle),
                )
            elif prerequisite not in state:
                visit(prerequisite, trail + [prerequisite])
        state[slug] = "done"

    for slug in by_slug:
        if slug not in state:
            visit(slug, [slug])


def split_target(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return path, fragment


def check_links(reader: Reporter, lessons: list[LessonSource]) -> None:
    by_file = {lesson.file_name: lesson for lesson in lessons}
    for lesson in lessons:
        for link in lesson.links:
            if urlsplit(link.target).scheme or link.target.startswith("/"):
                continue
            path, fragment = split_target(link.target)
            if not path:
                if fragment and fragment not in lesson.anchors and not fragment.startswith("fn"):
                    reader.problem(
                        lesson.path,
                        link.line,
                        f"broken link '#{fragment}': this lesson has no such section",
                    )
                continue
            normal = posixpath.normpath(path)
            if link.is_image or not normal.endswith(".md"):
                _check_image(reader, lesson, link, normal)
                continue
            target_lesson = by_file.get(normal)
            if target_lesson is None:
                reader.problem(
                    lesson.path,
                    link.line,
                    f"broken link '{link.target}': no lesson file lessons/{normal}",
                )
            elif fragment and fragment not in target_lesson.anchors:
                reader.problem(
                    lesson.path,
                    link.line,
                    f"broken link '{link.target}': {target_lesson.path} has no section '#{fragment}'",
                )


def _check_image(reader: Reporter, lesson: LessonSource, link: LinkRef, normal: str) -> None:
    kind = "image" if link.is_image else "link"
    if normal.startswith("../") or normal == ".." or not normal.startswith("images/"):
        reader.problem(
            lesson.path,
            link.line,
            f"{kind} '{link.target}' must point into lessons/images/ (or be a lesson .md file)",
        )
    elif Path(normal).suffix.lower() not in IMAGE_SUFFIXES:
        reader.problem(
            lesson.path,
            link.line,
            f"{kind} '{link.target}' has an unsupported type (use {', '.join(sorted(IMAGE_SUFFIXES))})",
        )
    elif not (reader.lessons_dir / normal).is_file():
        reader.problem(lesson.path, link.line, f"missing {kind} file lessons/{normal}")
