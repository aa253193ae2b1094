"""Question types where the learner types: short here; numeric and calculated in `numeric.py`.

Typed answers may be listed with a `credit` and a `feedback` each, as Moodle's short-answer and
numerical questions have: the first listed answer that matches is the one graded.
"""

import re
from collections.abc import Callable, Mapping
from html import escape

from .choices import Render, one
from .credit import is_full, parse_credit
from .grading import AnswerInvalid, Grade, mark, normalise_text, parse_number
from .reader import MappingReader

MAX_ANSWER_LENGTH = 200


def parse_units(q: MappingReader) -> dict:
    unit = q.text("unit", required=False)
    units = q.values.get("units") or {}
    if not isinstance(units, dict) or not all(
        isinstance(f, int | float) and not isinstance(f, bool) and f > 0 for f in units.values()
    ):
        q.problem("'units' must map unit names to positive factors", "units")
        units = {}
    if units and not unit:
        q.problem("'units' needs a main 'unit' to convert to", "units")
    return {"unit": unit, "units": {str(name): float(factor) for name, factor in units.items()}}


def number_with_unit(data: dict, text: str) -> float:
    value, unit = parse_number(text)
    if not unit or not data["unit"]:
        if unit:
            raise AnswerInvalid(f"This answer takes no unit; remove '{unit}'.")
        return value
    if unit.casefold() == data["unit"].casefold():
        return value
    for name, factor in data["units"].items():
        if unit.casefold() == name.casefold():
            return value * factor
    accepted = ", ".join([data["unit"], *data["units"]])
    raise AnswerInvalid(f"'{unit}' is not a unit this question accepts ({accepted}).")


def typed_response(form: Mapping[str, list[str]], name: str) -> str:
    text = one(form, name).strip()
    if len(text) > MAX_ANSWER_LENGTH:
        raise AnswerInvalid(f"Keep the answer under {MAX_ANSWER_LENGTH} characters.")
    return text


def answer_items(
    q: MappingReader, render: Render, value_key: str, read: Callable[[dict, int], dict], extra: frozenset = frozenset()
) -> list[dict]:
    """The `answers` list: each a bare value (full credit) or a mapping with `value_key`, optional
    `credit` and `feedback`, and the `extra` fields `read(raw, index)` turns into the type's own."""
    items = []
    for index, raw in enumerate(q.items("answers")):
        raw = raw if isinstance(raw, dict) else {value_key: raw}
        allowed = {value_key, "credit", "feedback", *extra}
        if value_key not in raw or not set(raw) <= allowed:
            known = ", ".join(sorted(allowed - {value_key}))
            q.problem(f"answer {index + 1} needs '{value_key}' (and may have {known})", "answers", index)
            continue
        credit = 1.0
        if "credit" in raw:
            try:
                credit = parse_credit(raw["credit"])
            except ValueError as error:
                q.problem(f"answer {index + 1}: {error}", "answers", index)
        feedback = str(raw.get("feedback") or "")
        item = {"credit": credit, "feedback": feedback, "feedback_html": render(feedback) if feedback else ""}
        items.append(read(raw, index) | item)
    if items and not any(is_full(item["credit"]) for item in items):
        q.problem("at least one answer needs full credit (leave out 'credit', or write 100%)", "answers")
    return items


class ShortType:
    name = "short"
    fields = {"answers", "pattern", "case_sensitive"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        def read(raw: dict, index: int) -> dict:
            text = raw["text"]
            if isinstance(text, bool) or not isinstance(text, str | int | float) or not str(text).strip():
                q.problem(f"answer {index + 1}: the text must be a word or phrase", "answers", index)
            return {"text": str(text)}

        items = answer_items(q, render, "text", read)
        pattern = q.text("pattern", required=False)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                q.problem(f"'pattern' is not a valid regular expression: {error}", "pattern")
        return {
            "answers": [item["text"] for item in items if is_full(item["credit"])],
            "answer_list": items,
            "pattern": pattern,
            "case_sensitive": q.boolean("case_sensitive", False),
        }

    def layout(self, data, rng, shuffle):
        return {}

    def public(self, data, layout):
        return {}

    def parse_response(self, data, layout, form, name):
        return typed_response(form, name)

    def matched(self, data, response) -> dict | None:
        """The first listed answer the response matches (or the pattern, at full credit)."""
        given = normalise_text(response, data["case_sensitive"])
        if not given:
            return None
        items = data.get("answer_list") or [{"text": a, "credit": 1.0, "feedback_html": ""} for a in data["answers"]]
        for item in items:
            if given == normalise_text(item["text"], data["case_sensitive"]):
                return item
        if data["pattern"] and re.fullmatch(data["pattern"], response.strip()):
            return {"credit": 1.0, "feedback_html": ""}
        return None

    def grade(self, data, layout, response):
        item = self.matched(data, response)
        if item is None:
            return Grade(0.0)
        return Grade(item["credit"], [item["feedback_html"]] if item["feedback_html"] else [])

    def review(self, data, layout, response) -> dict:
        if not response:
            return {}
        item = self.matched(data, response) or {"credit": 0.0, "feedback_html": ""}
        return {"answer": {"mark": mark(item["credit"]), "feedback_html": item["feedback_html"]}}

    def answer_html(self, data, layout):
        return " or ".join(f"<code>{escape(answer)}</code>" for answer in data["answers"])
