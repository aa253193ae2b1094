"""Question types where the learner types a number: numeric (one answer, or several each with its
own tolerance and credit, as Moodle's numerical question) and calculated (numbers drawn per
attempt, the answer from a formula or a named function)."""

import itertools
import math
import random
import re
from collections.abc import Callable, Mapping

from .choices import Render
from .credit import is_full
from .expressions import FormulaError, evaluate, formula_names, parse_formula
from .grading import Grade, mark, parse_tolerance, within_tolerance
from .reader import MappingReader
from .typed import answer_items, number_with_unit, parse_units, typed_response

PLACEHOLDER_RE = re.compile(r"\{([a-z_][a-z0-9_]*)(?::([^{}]*))?\}")


class NumericType:
    name = "numeric"
    fields = {"answer", "answers", "tolerance", "unit", "units"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        if "answers" not in q.values:
            answer = q.number("answer")
            return {"answer": answer, **parse_units(q), **self.parse_tolerance(q)}
        if "answer" in q.values or "tolerance" in q.values:
            q.problem("give 'answer' and 'tolerance', or a list of 'answers' (each with its own tolerance), not both")

        def read(raw: dict, index: int) -> dict:
            value = raw["answer"]
            if isinstance(value, bool) or not isinstance(value, int | float):
                q.problem(f"answer {index + 1}: 'answer' must be a number, not {value!r}", "answers", index)
                value = 0
            if "tolerance" not in raw:
                q.problem(f"answer {index + 1}: missing 'tolerance' (0 for exact, or a percentage)", "answers", index)
                return {"answer": value, "tolerance": ["absolute", 0.0]}
            try:
                return {"answer": value, "tolerance": list(parse_tolerance(raw["tolerance"]))}
            except ValueError as error:
                q.problem(f"answer {index + 1}: {error}", "answers", index)
                return {"answer": value, "tolerance": ["absolute", 0.0]}

        items = answer_items(q, render, "answer", read, frozenset({"tolerance"}))
        full = next((item for item in items if is_full(item["credit"])), {"answer": 0, "tolerance": ["absolute", 0.0]})
        return {"answer": full["answer"], "tolerance": full["tolerance"], "answer_list": items, **parse_units(q)}

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

    def matched(self, data, layout, response) -> dict | None:
        """The first listed answer within its tolerance of the response."""
        if not response:
            return None
        value = number_with_unit(data, response)
        items = data.get("answer_list") or [
            {"answer": self.expected(data, layout), "tolerance": data["tolerance"], "credit": 1.0, "feedback_html": ""}
        ]
        for item in items:
            kind, amount = item["tolerance"]
            if within_tolerance(value, item["answer"], kind, amount):
                return item
        return None

    def grade(self, data, layout, response):
        item = self.matched(data, layout, response)
        if item is None:
            return Grade(0.0)
        return Grade(item["credit"], [item["feedback_html"]] if item["feedback_html"] else [])

    def review(self, data, layout, response) -> dict:
        if not response:
            return {}
        item = self.matched(data, layout, response) or {"credit": 0.0, "feedback_html": ""}
        return {"answer": {"mark": mark(item["credit"]), "feedback_html": item["feedback_html"]}}

    def answer_html(self, data, layout):
        value = self.expected(data, layout)
        decimals = data.get("decimals")
        shown = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,.10g}"
        kind, amount = data["tolerance"]
        margin = f" (±{amount * 100:g}%)" if kind == "relative" and amount else (f" (±{amount:g})" if amount else "")
        return f"{shown} {data['unit']}".strip() + margin


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
