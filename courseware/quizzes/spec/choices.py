"""Question types where the learner picks: single, multiple and truefalse (matching and ordering
are in `matching.py`, the typed ones in `typed.py` and `numeric.py`).

Every type offers the same five operations on plain dicts (what the database stores):
`parse` (validate authored YAML), `layout` (fix choice order and opaque ids for one attempt),
`public` (what a page may show before answers are revealed), `parse_response` (turn a form into
a stored response, refusing anything forged) and `grade`. `answer_html` is the revealed key; `review` marks what the learner gave, item by item,
for a review (only ever called once answers may be shown).
"""

import random
from collections.abc import Callable, Mapping

from .credit import is_full, parse_credit
from .grading import AnswerForged, Grade, mark
from .reader import MappingReader

Render = Callable[[str], str]


def opaque_ids(rng: random.Random, count: int) -> list[str]:
    """Per-attempt ids that say nothing about an item's authored position or correctness."""
    ids: list[str] = []
    while len(ids) < count:
        candidate = f"{rng.getrandbits(48):012x}"
        if candidate not in ids:
            ids.append(candidate)
    return ids


def arranged(rng: random.Random, count: int, shuffle: bool) -> list[int]:
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


def refuse_unknown_items(form: Mapping[str, list[str]], name: str, ids: list[str]) -> None:
    """Per-item fields are `<name>-<opaque id>`; any other id was not on the page."""
    if any(key.startswith(f"{name}-") and key[len(name) + 1 :] not in ids for key in form):
        raise AnswerForged("the form names items that are not part of this question")


def one(form: Mapping[str, list[str]], name: str) -> str:
    values = form.get(name, [])
    if len(values) > 1:
        raise AnswerForged(f"'{name}' was sent {len(values)} times")
    return values[0] if values else ""


class ChoiceType:
    """single and multiple: choices, each right, wrong or worth part of the points (`credit`),
    with optional per-choice feedback."""

    fields = {"choices"}
    choice_fields = {"text", "correct", "credit", "feedback"}

    def __init__(self, name: str):
        self.name = name
        self.multiple = name == "multiple"
        if self.multiple:
            self.fields = {"choices", "penalty"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        choices = [
            choice
            for index, raw in enumerate(q.items("choices", minimum=2))
            if (choice := self._choice(q, index, raw, render))
        ]
        weighted = any(choice.pop("weighted") for choice in choices)
        if self.multiple:
            self._check_multiple(q, choices, weighted)
        else:
            full = sum(is_full(choice["credit"]) for choice in choices)
            if choices and full != 1:
                q.problem(f"a single-choice question needs exactly one correct choice, not {full}", "choices")
        data = {"choices": choices}
        if self.multiple:
            data["weighted"] = weighted
            data["penalty"] = q.number("penalty", required=False, default=1, minimum=0)
            if weighted and "penalty" in q.values:
                q.problem(
                    "'penalty' goes with 'correct' choices; with 'credit', give wrong choices a negative credit",
                    "penalty",
                )
        return data

    def _choice(self, q: MappingReader, index: int, raw, render: Render) -> dict | None:
        if not isinstance(raw, dict) or not set(raw) <= self.choice_fields or "text" not in raw:
            q.problem(
                f"choice {index + 1} needs 'text' (and may have 'correct', 'credit', 'feedback')", "choices", index
            )
            return None
        correct = raw.get("correct", False)
        if not isinstance(correct, bool):
            q.problem(f"choice {index + 1}: 'correct' must be true or false", "choices", index)
        credit = 1.0 if correct is True else 0.0
        if "credit" in raw:
            try:
                credit = parse_credit(raw["credit"], negative=self.multiple)
            except ValueError as error:
                q.problem(f"choice {index + 1}: {error}", "choices", index)
            if "correct" in raw:
                q.problem(f"choice {index + 1}: give 'correct' or 'credit', not both", "choices", index)
        text, feedback = str(raw["text"]), str(raw.get("feedback") or "")
        return {
            "text": text,
            "html": render(text),
            "correct": credit > 0 if self.multiple else is_full(credit),
            "credit": credit,
            "feedback": feedback,
            "feedback_html": render(feedback) if feedback else "",
            "weighted": "credit" in raw,
        }

    @staticmethod
    def _check_multiple(q: MappingReader, choices: list[dict], weighted: bool) -> None:
        if not choices:
            return
        if not weighted:
            if not any(choice["correct"] for choice in choices):
                q.problem("no choice is marked 'correct: true'", "choices")
            return
        positive = sum(choice["credit"] for choice in choices if choice["credit"] > 0)
        if abs(positive - 1) > 1e-4:
            q.problem(f"the positive credits add up to {positive * 100:g}%, not 100%", "choices")

    def layout(self, data: dict, rng: random.Random, shuffle: bool) -> dict:
        return {
            "order": arranged(rng, len(data["choices"]), shuffle),
            "ids": opaque_ids(rng, len(data["choices"])),
        }

    def public(self, data: dict, layout: dict) -> dict:
        return {"choices": [{"id": layout["ids"][i], "html": data["choices"][i]["html"]} for i in layout["order"]]}

    def parse_response(self, data: dict, layout: dict, form: Mapping[str, list[str]], name: str) -> list[int]:
        picked = form.get(name, []) if self.multiple else [v for v in [one(form, name)] if v]
        by_id = {choice_id: index for index, choice_id in enumerate(layout["ids"])}
        if any(value not in by_id for value in picked):
            raise AnswerForged("a chosen option is not part of this question")
        if len(set(picked)) != len(picked):
            raise AnswerForged("an option was sent twice")
        return sorted(by_id[value] for value in picked)

    def grade(self, data: dict, layout: dict, response: list[int]) -> Grade:
        choices = data["choices"]
        feedback = [choices[i]["feedback_html"] for i in response if choices[i]["feedback_html"]]
        detail = {"picked": response}
        if not self.multiple:
            return Grade(choice_credit(choices[response[0]]) if response else 0.0, feedback, detail)
        if data.get("weighted"):
            score = sum(choice_credit(choices[i]) for i in response)
            return Grade(max(0.0, min(1.0, score)), feedback, detail)
        right = [i for i, choice in enumerate(choices) if choice["correct"]]
        wrong = [i for i, choice in enumerate(choices) if not choice["correct"]]
        right_picks = len([i for i in response if i in right])
        wrong_picks = len(response) - right_picks
        score = right_picks / len(right) - (data["penalty"] * wrong_picks / len(wrong) if wrong else 0)
        return Grade(max(0.0, min(1.0, score)), feedback, detail)

    def review(self, data: dict, layout: dict, response) -> dict:
        """Each picked choice: right, partly right or wrong, with its own feedback beside it. In a
        multiple question every choice worth something is right to pick, as Moodle ticks it."""
        marks = {}
        for index in response or []:
            choice = data["choices"][index]
            credit = choice_credit(choice)
            marked = mark(1.0 if credit > 0 else 0.0) if self.multiple else mark(credit)
            marks[layout["ids"][index]] = {"mark": marked, "feedback_html": choice["feedback_html"]}
        return marks

    def answer_html(self, data: dict, layout: dict) -> str:
        return "".join(f"<li>{c['html']}</li>" for c in data["choices"] if c["correct"]).join(["<ul>", "</ul>"])


def choice_credit(choice: dict) -> float:
    """A choice's share of the points; choices stored before credits existed have only `correct`."""
    return choice.get("credit", 1.0 if choice["correct"] else 0.0)


class TrueFalseType:
    name = "truefalse"
    fields = {"answer", "feedback"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        answer = q.values.get("answer")
        if not isinstance(answer, bool):
            q.problem("'answer' must be true or false", "answer" if "answer" in q.values else None)
        feedback = q.values.get("feedback") or {}
        if not isinstance(feedback, dict) or not set(feedback) <= {True, False}:
            q.problem("'feedback' must map true and/or false to a message", "feedback")
            feedback = {}
        return {
            "answer": answer is True,
            "feedback": {str(key).lower(): render(str(text)) for key, text in feedback.items()},
        }

    def layout(self, data, rng, shuffle):
        return {}

    def public(self, data, layout):
        return {"choices": [{"id": "true", "html": "True"}, {"id": "false", "html": "False"}]}

    def parse_response(self, data, layout, form, name):
        value = one(form, name)
        if value not in {"true", "false", ""}:
            raise AnswerForged("true/false answers are 'true' or 'false'")
        return None if value == "" else value == "true"

    def grade(self, data, layout, response):
        if response is None:
            return Grade(0.0)
        message = data["feedback"].get(str(response).lower())
        return Grade(1.0 if response == data["answer"] else 0.0, [message] if message else [])

    def review(self, data, layout, response) -> dict:
        if response is None:
            return {}
        key = str(response).lower()
        return {
            key: {
                "mark": mark(1.0 if response == data["answer"] else 0.0),
                "feedback_html": data["feedback"].get(key, ""),
            }
        }

    def answer_html(self, data, layout):
        return "True" if data["answer"] else "False"
