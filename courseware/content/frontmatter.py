"""Split a lesson file into YAML front matter and Markdown body, and validate the front matter.

PyYAML's node tree gives every key and value a line number, so each problem points at the line
an author has to fix rather than at the top of the file.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass
class FrontMatter:
    values: dict[str, Any]
    lines: dict[str, int]  # key -> line of the key in the file (1-based)
    item_lines: dict[str, list[int]] = field(default_factory=dict)  # list key -> line of each item
    body_start: int = 1  # file line of the first body line


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_start_line). The YAML starts on file line 2."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, "file must start with YAML front matter between two '---' lines")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(1, "front matter is not closed: no second '---' line")


# libyaml's parser when PyYAML was built with it (Debian's and the wheels are): the pure-Python
# scanner was most of a course load's time (bench/preview.py). Same safe constructor either way.
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse YAML once: its node tree (every key's line) and the values built from that tree, as
    `yaml.safe_load` builds them. Raises yaml.YAMLError, always the pure-Python parser's: it
    marks the line an author has to fix, where libyaml often marks the end of the text."""
    try:
        return _compose_and_load(text, FAST_SAFE_LOADER)
    except yaml.YAMLError:
        if FAST_SAFE_LOADER is yaml.SafeLoader:
            raise
        return _compose_and_load(text, yaml.SafeLoader)  # raises the same error, better marked


def _compose_and_load(text: str, loader_class) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def parse_yaml_mapping(yaml_text: str, first_line: int) -> FrontMatter:
    """Parse YAML that must be a mapping; `first_line` is the file line of the YAML's first line."""
    try:
        node, values = compose_and_load(yaml_text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        raise FrontMatterError(line, f"invalid YAML: {error.problem or error}") from error
    except yaml.YAMLError as error:
        raise FrontMatterError(first_line, f"invalid YAML: {error}") from error
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise FrontMatterError(first_line, "front matter must be a YAML mapping of field: value")
    lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key in lines:
            raise FrontMatterError(
                first_line + key_node.start_mark.line,
                f"field '{key}' is given twice (first on line {lines[key]})",
            )
        lines[key] = first_line + key_node.start_mark.line
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [first_line + item.start_mark.line for item in value_node.value]
    return FrontMatter(values=values, lines=lines, item_lines=item_lines)


class FieldChecker:
    """Collects problems while reading typed fields out of a FrontMatter."""

    def __init__(self, front: FrontMatter, start_line: int):
        self.front = front
        self.start_line = start_line
        self.problems: list[tuple[int, str]] = []

    def line(self, key: str, index: int | None = None) -> int:
        if index is not None and key in self.front.item_lines:
            items = self.front.item_lines[key]
            if index < len(items):
                return items[index]
        return self.front.lines.get(key, self.start_line)

    def report(self, key: str, message: str, index: int | None = None) -> None:
        self.problems.append((self.line(key, index), message))

    def unknown(self, allowed: set[str]) -> None:
        for key in self.front.values:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.report(key, f"unknown field '{key}' (known fields: {known})")

    def require(self, key: str) -> Any:
        if key not in self.front.values or self.front.values[key] is None:
            self.problems.append((self.start_line, f"missing required field '{key}'"))
            return None
        return self.front.values[key]

    def text(self, key: str, *, required: bool = True, max_length: int = 500) -> str | None:
        value = self.require(key) if required else self.front.values.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.report(key, f"'{key}' must be non-empty text")
            return None
        if len(value) > max_length:
            self.report(key, f"'{key}' is {len(value)} characters long; the limit is {max_length}")
            return None
        return value.strip()

    def slug(self, key: str) -> str | None:
        value = self.text(key, max_length=80)
        if value is not None and not SLUG_RE.match(value):
            self.report(key, f"'{key}' must be lowercase letters, digits and single hyphens, not {value!r}")
            return None
        return value

    def integer(self, key: str, *, minimum: int, maximum: int) -> int | None:
        value = self.require(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(key, f"'{key}' must be a whole number, not {value!r}")
            return None
        if not minimum <= value <= maximum:
            self.report(key, f"'{key}' must be between {minimum} and {maximum}, not {value}")
            return None
        return value

    def flag(self, key: str, *, default: bool = False) -> bool:
        """An optional true/false field (YAML's `true`/`false`; "yes" or 1 are refused)."""
        value = self.front.values.get(key, default)
        if not isinstance(value, bool):
            self.report(key, f"'{key}' must be true or false, not {value!r}")
            return default
        return value

    def text_list(self, key: str, *, required: bool = True) -> list[str] | None:
        value = self.require(key) if required else self.front.values.get(key, [])
        if value is None:
            return None
        if not isinstance(value, list) or (required and not value):
            self.report(key, f"'{key}' must be a non-empty list" if required else f"'{key}' must be a list")
            return None
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.report(key, f"item {index + 1} of '{key}' must be non-empty text", index)
            else:
                result.append(item.strip())
        return result

    def sources(self, key: str) -> list[dict[str, str]] | None:
        value = self.require(key)
        if value is None:
            return None
        if not isinstance(value, list) or not value:
            self.report(key, f"'{key}' must be a non-empty list of {{title, url, note}} entries")
            return None
        result = []
        for index, item in enumerate(value):
            number = index + 1
            if isinstance(item, str) and item.strip():
                item = {"title": item}
            if not isinstance(item, dict):
                self.report(key, f"source {number} must be a title or a mapping with 'title'", index)
                continue
            extra = set(item) - {"title", "url", "note"}
            if extra:
                names = ", ".join(sorted(map(str, extra)))
                self.report(
                    key,
                    f"source {number} has unknown keys: {names} (known: title, url, note)",
                    index,
                )
            title, url, note = item.get("title"), item.get("url"), item.get("note")
            if not isinstance(title, str) or not title.strip():
                self.report(key, f"source {number} needs a 'title'", index)
                continue
            if url is not None and (not isinstance(url, str) or not URL_RE.match(url)):
                self.report(key, f"source {number} has an invalid url {url!r} (http or https only)", index)
                continue
            if note is not None and not isinstance(note, str):
                self.report(key, f"source {number} has a 'note' that is not text", index)
                continue
            entry = {"title": title.strip()}
            if url:
                entry["url"] = url
            if note:
                entry["note"] = note.strip()
            result.append(entry)
        return result
