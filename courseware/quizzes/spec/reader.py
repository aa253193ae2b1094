"""Typed access to one YAML mapping with the file line of every key and list item."""

from collections.abc import Callable
from typing import Any

import yaml


def node_lines(node: yaml.Node, first_line: int) -> Any:
    """Mirror a composed YAML node as (line, children): dict for mappings, list for sequences."""
    line = first_line + node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        return line, {key.value: node_lines(value, first_line) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return line, [node_lines(item, first_line) for item in node.value]
    return line, None


class MappingReader:
    """Reads fields of one mapping, reporting problems at the line of the offending key or item."""

    def __init__(self, values: dict, lines: tuple, report: Callable[[int, str], None], where: str):
        self.values = values
        self.line_number, self.children = lines
        self.children = self.children or {}
        self._report = report
        self.where = where  # e.g. "question 'free-tier'"
        self.failed = False

    def line(self, key: str | None = None, index: int | None = None) -> int:
        if key is None or key not in self.children:
            return self.line_number
        line, items = self.children[key]
        if index is not None and isinstance(items, list) and index < len(items):
            return items[index][0]
        return line

    def sub(self, key: str, index: int) -> tuple:
        _line, items = self.children.get(key, (self.line_number, None))
        if isinstance(items, list) and index < len(items):
            return items[index]
        return (self.line(key), None)

    def problem(self, message: str, key: str | None = None, index: int | None = None) -> None:
        self.failed = True
        self._report(self.line(key, index), f"{self.where}: {message}")

    def unknown(self, allowed: set[str]) -> None:
        for key in self.values:
            if key not in allowed:
                self.problem(f"unknown field '{key}' (known: {', '.join(sorted(allowed))})", key)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.values.get(key)
        if value is None:
            if required:
                self.problem(f"missing '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
            self.problem(f"'{key}' must be non-empty text", key)
            return default
        return str(value).strip()

    def number(self, key: str, *, required: bool = True, default: float = 0, minimum: float | None = None):
        value = self.values.get(key, None)
        if value is None:
            if required:
                self.problem(f"missing '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"'{key}' must be a number, not {value!r}", key)
            return default
        if minimum is not None and value < minimum:
            self.problem(f"'{key}' must be at least {minimum}, not {value}", key)
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            self.problem(f"'{key}' must be true or false, not {value!r}", key)
            return default
        return value

    def choice(self, key: str, options: list[str], default: str) -> str:
        value = self.values.get(key, default)
        if value not in options:
            self.problem(f"'{key}' must be one of {', '.join(options)}, not {value!r}", key)
            return default
        return value

    def items(self, key: str, *, required: bool = True, minimum: int = 1) -> list:
        value = self.values.get(key)
        if value is None:
            if required:
                self.problem(f"missing '{key}'")
            return []
        if not isinstance(value, list) or len(value) < minimum:
            self.problem(f"'{key}' must be a list of at least {minimum}", key)
            return []
        return value
