"""Hints of a lab's checks: where each is written in checks.py, and whether its links lead somewhere.

An author gives a check tiers of hints (`@check(points=2, hints=["a nudge", "a pointer"])`): the
learner reveals them one at a time after the check failed. The last tier points to the lesson
section that teaches the idea, as `[text](lessons/<slug>#<section>)`: checks.py lives outside
lessons/, so a lesson is named by its slug, not by a relative file path. Other links must be
https:// pages (AWS's documentation). The grader imports checks.py to get the hints; this module
reads the file's syntax tree only to say on which line a broken link is written.
"""

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LINK_RE = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
LESSON_LINK_RE = re.compile(r"^lessons/([a-z0-9]+(?:-[a-z0-9]+)*)(?:/)?(?:#([\w-]+))?$")
LessonAnchors = dict[str, set[str]]  # lesson slug -> the ids of its headings


@dataclass(frozen=True)
class HintProblem:
    line: int
    message: str


def hint_lines(path: Path) -> dict[str, list[tuple[int, str]]]:
    """Each check function's hints as written: (first line, source text) per tier. A hint that is
    not a literal (built by code) is placed at its decorator's line."""
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            keyword = next(
                (k for k in getattr(decorator, "keywords", []) if k.arg == "hints"),
                None,
            )
            if keyword is None:
                continue
            items = keyword.value.elts if isinstance(keyword.value, ast.List | ast.Tuple) else [keyword.value]
            found[node.name] = [(item.lineno, ast.get_source_segment(source, item) or "") for item in items]
    return found


def link_line(written: tuple[int, str], target: str) -> int:
    """The line of checks.py on which `target` is written, inside a hint starting at `written`."""
    line, text = written
    offset = text.find(target)
    return line + (text.count("\n", 0, offset) if offset >= 0 else 0)


def check_hints(hints: tuple[str, ...], written: list[tuple[int, str]], anchors: LessonAnchors, line: int):
    """Every problem with one check's hints: links that lead nowhere, and a last tier with no
    pointer to a lesson section. `line` is the check's own line, for hints given by code."""
    problems = []
    for index, hint in enumerate(hints):
        where = written[index] if index < len(written) else (line, "")
        for target in LINK_RE.findall(hint):
            message = link_problem(target, anchors)
            if message:
                problems.append(HintProblem(link_line(where, target), message))
    if hints and not any(LESSON_LINK_RE.match(t) for t in LINK_RE.findall(hints[-1])):
        last = written[len(hints) - 1][0] if len(written) >= len(hints) else line
        problems.append(
            HintProblem(
                last,
                "the last hint should point to the lesson section that teaches this: "
                "add a link like [the section](lessons/<slug>#<section>)",
            )
        )
    return problems


def link_problem(target: str, anchors: LessonAnchors) -> str | None:
    """Why a hint's link leads nowhere, or None when it is fine."""
    if urlsplit(target).scheme == "https":
        return None
    match = LESSON_LINK_RE.match(target)
    if match is None:
        return f"broken hint link '{target}': link a lesson as lessons/<slug>#<section>, or an https:// page"
    slug, section = match.groups()
    if slug not in anchors:
        return f"broken hint link '{target}': no lesson has the slug '{slug}'"
    if not section:
        return f"hint link '{target}' should name the section to read: lessons/{slug}#<section>"
    if section not in anchors[slug]:
        return f"broken hint link '{target}': lesson '{slug}' has no section '#{section}'"
    return None


def hint_link_resolver(lesson_url: Callable[[str], str]) -> Callable[[str], str | None]:
    """What a rendered hint's `lessons/<slug>#<section>` link becomes: the lesson page's URL."""

    def resolve(target: str) -> str | None:
        match = LESSON_LINK_RE.match(target)
        if match is None:
            return None
        slug, section = match.groups()
        return lesson_url(slug) + (f"#{section}" if section else "")

    return resolve
