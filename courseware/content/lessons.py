"""Read `lessons/` into validated, rendered lesson sources, collecting every problem found.

Validation never stops at the first problem: an author fixing content wants the whole list, each
as `path:line: message`. What is read here (the outline, the lessons, and how their links
render) is what quizzes and labs are then checked against (`courseware.course.loader`).
"""

import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_course, check_links, split_target
from .frontmatter import FieldChecker, FrontMatterError, parse_yaml_mapping, split_front_matter
from .problems import ContentProblem
from .renderer import render_markdown
from .sources import LessonSource, LinkRef, ModuleSource

LESSON_FIELDS = {
    "slug",
    "title",
    "module",
    "order",
    "summary",
    "objectives",
    "estimated_minutes",
    "prerequisites",
    "sources",
}
FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK_RE = re.compile(r"(!?)\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
REFERENCE_RE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
H1_RE = re.compile(r"^#(?!#)\s")


def default_lesson_url(slug: str) -> str:
    return f"/lessons/{slug}/"


def default_image_url(name: str) -> str:
    return f"/lessons/media/{name}"


class LessonReader:
    """Reads files under a content directory, collecting each problem with its path and line."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self.lessons_dir = content_dir / "lessons"
        self.problems: list[ContentProblem] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.content_dir).as_posix()
        except ValueError:
            return path.as_posix()

    def problem(self, path: str, line: int, message: str) -> None:
        self.problems.append(ContentProblem(path, line, message))

    def read_text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problem(self.rel(path), 1, f"not valid UTF-8 text ({error.reason})")
        except OSError as error:
            self.problem(self.rel(path), 1, f"cannot read file: {error.strerror}")
        return None

    def read_course(self) -> tuple[str, list[ModuleSource]]:
        path = self.lessons_dir / "course.yaml"
        rel = self.rel(path)
        if not path.is_file():
            self.problem(rel, 1, "missing: the course outline (title and modules) lives here")
            return "", []
        text = self.read_text(path)
        if text is None:
            return "", []
        try:
            front = parse_yaml_mapping(text, 1)
        except FrontMatterError as error:
            self.problem(rel, error.line, error.message)
            return "", []
        checker = FieldChecker(front, 1)
        checker.unknown({"title", "modules"})
        title = checker.text("title") or ""
        modules: list[ModuleSource] = []
        raw_modules = checker.require("modules")
        if raw_modules is not None and (not isinstance(raw_modules, list) or not raw_modules):
            checker.report("modules", "'modules' must be a non-empty list")
        elif raw_modules:
            seen: set[str] = set()
            for index, item in enumerate(raw_modules):
                line = checker.line("modules", index)
                if not isinstance(item, dict) or set(item) != {"slug", "title", "summary"}:
                    checker.problems.append((line, f"module {index + 1} must have exactly slug, title and summary"))
                    continue
                if not all(isinstance(item[key], str) and item[key].strip() for key in item):
                    checker.problems.append((line, f"module {index + 1}: every field must be text"))
                    continue
                if item["slug"] in seen:
                    checker.problems.append((line, f"module slug '{item['slug']}' is used twice"))
                    continue
                seen.add(item["slug"])
                modules.append(ModuleSource(item["slug"], item["title"].strip(), item["summary"].strip(), index))
        for line, message in checker.problems:
            self.problem(rel, line, message)
        return title, modules

    def read_lesson(self, path: Path) -> LessonSource | None:
        rel = self.rel(path)
        text = self.read_text(path)
        if text is None:
            return None
        try:
            yaml_text, body, body_start = split_front_matter(text)
            front = parse_yaml_mapping(yaml_text, 2)
        except FrontMatterError as error:
            self.problem(rel, error.line, error.message)
            return None
        checker = FieldChecker(front, 1)
        checker.unknown(LESSON_FIELDS)
        values = {
            "slug": checker.slug("slug"),
            "title": checker.text("title", max_length=200),
            "module": checker.text("module", max_length=80),
            "order": checker.integer("order", minimum=1, maximum=10_000),
            "summary": checker.text("summary", max_length=600),
            "objectives": checker.text_list("objectives"),
            "estimated_minutes": checker.integer("estimated_minutes", minimum=1, maximum=600),
            "prerequisites": checker.text_list("prerequisites", required=False),
            "sources": checker.sources("sources"),
        }
        for line, message in checker.problems:
            self.problem(rel, line, message)
        links = self.scan_body(rel, body, body_start)
        if checker.problems:
            return None
        return LessonSource(
            path=rel,
            file_name=path.name,
            body=body,
            lines=front.lines,
            prerequisite_lines=front.item_lines.get("prerequisites", []),
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            links=links,
            **values,
        )

    def scan_body(self, rel: str, body: str, body_start: int) -> list[LinkRef]:
        links: list[LinkRef] = []
        fence: str | None = None
        for offset, raw_line in enumerate(body.split("\n")):
            line_number = body_start + offset
            match = FENCE_RE.match(raw_line)
            if match:
                marker = match.group(1)
                if fence is None:
                    fence = marker
                elif marker[0] == fence[0] and len(marker) >= len(fence):
                    fence = None
                continue
            if fence is not None:
                continue
            if H1_RE.match(raw_line):
                self.problem(rel, line_number, "level-1 heading: the title comes from front matter; use '##'")
            line = INLINE_CODE_RE.sub("", raw_line)
            for found in LINK_RE.finditer(line):
                links.append(LinkRef(line_number, found.group(2), found.group(1) == "!"))
            reference = REFERENCE_RE.match(line)
            if reference:
                links.append(LinkRef(line_number, reference.group(1), False))
        if fence is not None:
            self.problem(rel, body_start, "a fenced code block is never closed")
        return links


@dataclass
class Lessons:
    """The course outline and its lessons, validated and rendered, and the problems found."""

    reader: LessonReader
    title: str = ""
    modules: list[ModuleSource] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)  # by (order, slug)
    render: Callable[[str], str] = str  # Markdown to HTML, links resolved as the lessons' are

    @property
    def found(self) -> bool:
        return self.reader.lessons_dir.is_dir()

    @property
    def problems(self) -> list[ContentProblem]:
        return self.reader.problems


def load_lessons(
    content_dir: Path,
    *,
    lesson_url: Callable[[str], str] = default_lesson_url,
    image_url: Callable[[str], str] = default_image_url,
) -> Lessons:
    """Read, validate and render every lesson under `content_dir/lessons`."""
    reader = LessonReader(Path(content_dir))
    if not reader.lessons_dir.is_dir():
        reader.problem("lessons", 1, f"no lessons directory at {reader.lessons_dir}")
        return Lessons(reader)
    title, modules = reader.read_course()
    lessons = [
        lesson for path in sorted(reader.lessons_dir.glob("*.md")) if (lesson := reader.read_lesson(path)) is not None
    ]
    check_course(reader, modules, lessons)
    by_file = {lesson.file_name: lesson.slug for lesson in lessons}

    def resolve_link(target: str) -> str | None:
        path, fragment = split_target(target)
        slug = by_file.get(posixpath.normpath(path)) if path else None
        if slug is None:
            return None
        return lesson_url(slug) + (f"#{fragment}" if fragment else "")

    def resolve_image(target: str) -> str | None:
        normal = posixpath.normpath(target)
        return image_url(normal.removeprefix("images/")) if normal.startswith("images/") else None

    # What the resolvers answer depends on the lesson files and the URL scheme: while those stay,
    # a text rendered before renders the same (render_markdown remembers it).
    links_key = repr((sorted(by_file.items()), lesson_url("sample"), image_url("sample.png")))

    def render_one(text: str):
        return render_markdown(text, resolve_link=resolve_link, resolve_image=resolve_image, links_key=links_key)

    for lesson in lessons:
        rendered = render_one(lesson.body)
        lesson.html, lesson.toc, lesson.anchors = rendered.html, rendered.toc, set(rendered.anchors)
    check_links(reader, lessons)

    def render(text: str) -> str:
        return render_one(text).html

    lessons.sort(key=lambda lesson: (lesson.order, lesson.slug))
    return Lessons(reader, title, modules, lessons, render)
