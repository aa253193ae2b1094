"""Learners never see the authors' working files.

The course is written from a few public talks and a fact sheet kept beside the code for authors.
Learners have neither: a lesson cites a talk by its title, speaker and year, and a figure by its
public source (an AWS pricing or documentation page). This test reads everything a learner's
browser can receive and reports each place that still speaks of the authors' files, as
path:line.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CONTENT = Path(settings.CONTENT_DIR)
# "seed deck", "seed 003", "seeds/", "facts.md", "fact sheet", and their hyphenated spellings.
AUTHOR_WORDS = re.compile(r"seed[ -]?decks?|seed[ -]0|seeds/|facts\.md|fact[ -]sheet", re.IGNORECASE)


def _lines(path: Path):
    yield from enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)


def _whole_files() -> list[Path]:
    """Files a learner reads as they are: every line counts, comments included."""
    lessons = CONTENT / "lessons"
    return [
        *sorted(lessons.glob("*.md")),
        *sorted(lessons.glob("*.quiz.yaml")),
        lessons / "course.yaml",
        *sorted((lessons / "images").glob("*.svg")),
        *sorted((CONTENT / "labs").glob("*/lab.md")),
        *sorted(path for path in (ROOT / "templates").rglob("*") if path.is_file()),
    ]


def _yaml_without_comments(path: Path):
    """A price set's titles and sources are shown on the calculator; its comments are not."""
    for number, line in _lines(path):
        if not line.lstrip().startswith("#"):
            yield number, re.sub(r"\s#\s.*$", "", line)


def _python_strings(path: Path, *, docstrings: bool):
    """String literals of a module (f-strings' literal parts too), with their lines.

    In a lab's checks.py the docstring of a check is its title, so docstrings count there; in the
    pricing engine docstrings are for developers and only the other strings reach a page."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    if not docstrings:
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    skip.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            for offset, line in enumerate(node.value.splitlines() or [""]):
                yield node.lineno + offset, line


def find_author_words() -> list[str]:
    hits = []

    def scan(path, numbered_lines):
        for number, line in numbered_lines:
            if AUTHOR_WORDS.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")

    for path in _whole_files():
        scan(path, _lines(path))
    for path in sorted((ROOT / "courseware" / "pricing" / "catalog").glob("*.yaml")):
        scan(path, _yaml_without_comments(path))
    for path in sorted((CONTENT / "labs").glob("*/checks.py")):
        scan(path, _python_strings(path, docstrings=True))
    for path in sorted((ROOT / "courseware" / "pricing" / "engine").glob("*.py")):
        scan(path, _python_strings(path, docstrings=False))
    return hits


def test_the_scan_covers_every_kind_of_file():
    files = _whole_files()
    for pattern in ["lessons/*.md", "lessons/*.quiz.yaml", "lessons/images/*.svg", "labs/*/lab.md"]:
        assert any(path.relative_to(CONTENT).match(pattern) for path in files), pattern
    assert any(path.suffix == ".html" for path in files)
    assert list((CONTENT / "labs").glob("*/checks.py"))
    assert list((ROOT / "courseware" / "pricing" / "catalog").glob("*.yaml"))


def test_the_scan_finds_author_words(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Module docstring: facts.md."""\nNOTE = "as Seed 003 says"\n# fact sheet\n')
    found = [line for _, line in _python_strings(sample, docstrings=False) if AUTHOR_WORDS.search(line)]
    assert found == ["as Seed 003 says"]


def test_learners_see_no_author_working_files():
    hits = find_author_words()
    assert not hits, (
        f"{len(hits)} learner-visible lines name the authors' seed decks or fact sheet; cite the "
        "talk (title, speaker, year) or the public AWS page instead:\n" + "\n".join(hits)
    )
