"""Question types where the learner types: numeric, short and calculated."""

import itertools
import math
import random
import re
from collections.abc import Callable, Mapping

from .choices import Render, one
from .expressions import FormulaError, evaluate, formula_names, parse_formula
from .grading import (
    AnswerInvalid,
    Grade,
    normalise_text,
    parse_number,
    parse_tolerance,
    within_tolerance,
)
from .reader import MappingReader

MAX_ANSWER_LENGTH = 200
PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([^{}]*))?\}")


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


class NumericType:
    name = "numeric"
    fields = {"answer", "tolerance", "unit", "units"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        answer = q.number("answer")
        data = {"answer": answer, **parse_units(q), **self.parse_tolerance(q)}
        return data

    @staticmethod
    def parse_tolerance(q: MappingReader) -> dict:
        if "tolerance" not in q.values:
            q.problem("missing 'tolerance' (write 0 for an exact answer, or a percentage such as '1%')")
            return {"tolerance": ["absolute", 0.0]}
        try:
            return {"tolerance": list(parse_tolerance(q.values["tolerance"]))}
        except ValueError as error:
            q.problem(str(error), "tolerance")
            return {"tolerance": ["absolute", 0.0]}

    def layout(self, data, rng, shuffle):
        return {}

    def public(self, data, layout):
        return {"unit": data["unit"]}

    def parse_response(self, data, layout, form, name):
        text = typed_response(form, name)
        if text:
            number_with_unit(data, text)  # refuse what cannot be graded, before it is saved
        return text

    def expected(self, data, layout) -> float:
        return data["answer"]

    def grade(self, data, layout, response):
        if not response:
            return Grade(0.0)
        value = number_with_unit(data, response)
        kind, amount = data["tolerance"]
        return Grade(1.0 if within_tolerance(value, self.expected(data, layout), kind, amount) else 0.0)

    def answer_html(self, data, layout):
        value = self.expected(data, layout)
        decimals = data.get("decimals")
        shown = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,.10g}"
        kind, amount = data["tolerance"]
        margin = f" (±{amount * 100:g}%)" if kind == "relative" and amount else (f" (±{amount:g})" if amount else "")
        return f"{shown} {data['unit']}".strip() + margin


class ShortType:
    name = "short"
    fields = {"answers", "pattern", "case_sensitive"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        answers = [str(item) for item in q.items("answers")]
        pattern = q.text("pattern", required=False)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                q.problem(f"'pattern' is not a valid regular expression: {error}", "pattern")
        return {
            "answers": answers,
            "pattern": pattern,
            "case_sensitive": q.boolean("case_sensitive", False),
        }

    def layout(self, data, rng, shuffle):
        return {}

    def public(self, data, layout):
        return {}

    def parse_response(self, data, layout, form, name):
        return typed_response(form, name)

    def grade(self, data, layout, response):
        given = normalise_text(response, data["case_sensitive"])
        if given and any(given == normalise_text(a, data["case_sensitive"]) for a in data["answers"]):
            return Grade(1.0)
        if given and data["pattern"] and re.fullmatch(data["pattern"], response.strip()):
            return Grade(1.0)
        return Grade(0.0)

    def answer_html(self, data, layout):
        from html import escape

        return " or ".join(f"<code>{escape(answer)}</code>" for answer in data["answers"])


class CalculatedType(NumericType):
    """Parameters drawn per attempt; the answer is a formula (or a named function) of them."""

    name = "calculated"
    fields = {"parameters", "formula", "function", "tolerance", "unit", "units", "decimals"}

    def __init__(self, functions: Mapping[str, Callable] | None = None):
        self.functions = functions or {}

    def parse(self, q: MappingReader, render: Render) -> dict:
        parameters = self.parse_parameters(q)
        data = {"parameters": parameters, **parse_units(q), **self.parse_tolerance(q)}
        data["decimals"] = q.values.get("decimals")
        if data["decimals"] is not None and (not isinstance(data["decimals"], int) or not 0 <= data["decimals"] <= 10):
            q.problem("'decimals' must be a whole number from 0 to 10", "decimals")
        if ("formula" in q.values) == ("function" in q.values):
            q.problem("give exactly one of 'formula' or 'function'")
            return data
        if "formula" in q.values:
            data["formula"] = q.text("formula")
            try:
                tree = parse_formula(data["formula"])
            except FormulaError as error:
                q.problem(str(error), "formula")
                return data
            unknown = formula_names(tree) - set(parameters)
            if unknown:
                q.problem(f"formula uses unknown names: {', '.join(sorted(unknown))}", "formula")
                return data
        else:
            data["function"] = q.text("function")
            if data["function"] not in self.functions:
                q.problem(f"no function '{data['function']}' in lessons/quiz_functions.py", "function")
                return data
        if not q.failed:
            self.check_corners(q, data)
        return data

    @staticmethod
    def parse_parameters(q: MappingReader) -> dict:
        raw = q.values.get("parameters")
        if not isinstance(raw, dict) or not raw:
            q.problem("'parameters' must map names to {min, max, step} or {choices: [...]}", "parameters")
            return {}
        parameters = {}
        for name, spec in raw.items():
            ok_name = isinstance(name, str) and name.isidentifier() and name.islower()
            numbers = isinstance(spec, dict) and all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in (spec.get("choices") or []) + [spec.get(k, 0) for k in ("min", "max", "step")]
            )
            if ok_name and numbers and set(spec) == {"choices"} and spec["choices"]:
                parameters[name] = {"choices": list(spec["choices"])}
            elif (
                ok_name
                and numbers
                and set(spec) in ({"min", "max"}, {"min", "max", "step"})
                and spec["min"] <= spec["max"]
            ):
                step = spec.get("step", 1)
                if step <= 0:
                    q.problem(f"parameter '{name}': step must be positive", "parameters")
                parameters[name] = {"min": spec["min"], "max": spec["max"], "step": step}
            else:
                q.problem(
                    f"parameter '{name}' must be {{min, max[, step]}} with min <= max, or {{choices: [numbers]}}",
                    "parameters",
                )
        return parameters

    def check_corners(self, q: MappingReader, data: dict) -> None:
        values = {
            name: spec["choices"] if "choices" in spec else sorted({spec["min"], spec["max"]})
            for name, spec in data["parameters"].items()
        }
        for combination in itertools.islice(itertools.product(*values.values()), 256):
            params = dict(zip(values, combination, strict=True))
            try:
                self.compute(data, params)
            except Exception as error:  # noqa: BLE001 (any failure is the author's to fix)
                q.problem(
                    f"the answer cannot be computed for {params}: {error}",
                    "formula" if "formula" in data else "function",
                )
                return

    def compute(self, data: dict, params: dict) -> float:
        if "formula" in data:
            return evaluate(parse_formula(data["formula"]), params)
        result = self.functions[data["function"]](**params)
        if isinstance(result, bool) or not isinstance(result, int | float) or not math.isfinite(float(result)):
            raise FormulaError(f"{data['function']}() returned {result!r}, not a finite number")
        return float(result)

    def layout(self, data, rng: random.Random, shuffle):
        params = {}
        for name, spec in data["parameters"].items():
            if "choices" in spec:
                params[name] = rng.choice(spec["choices"])
            else:
                steps = int((spec["max"] - spec["min"]) // spec["step"])
                value = spec["min"] + spec["step"] * rng.randint(0, steps)
                params[name] = round(value, 10) if isinstance(value, float) else value
        return {"params": params}

    def expected(self, data, layout) -> float:
        return self.compute(data, layout["params"])


def fill_parameters(text: str, params: dict) -> str:
    """Put a draw's values into `{name}` / `{name:,}` placeholders; other braces stay as they are."""

    def replace(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2) or ""
        if name not in params:
            return match.group(0)
        try:
            return format(params[name], spec)
        except ValueError:
            return str(params[name])

    return PLACEHOLDER_RE.sub(replace, text)
