"""Question types where the learner picks: single, multiple, truefalse, matching, ordering.

Every type offers the same five operations on plain dicts (what the database stores):
`parse` (validate authored YAML), `layout` (fix choice order and opaque ids for one attempt),
`public` (what a page may show before answers are revealed), `parse_response` (turn a form into
a stored response, refusing anything forged) and `grade`. `answer_html` is the revealed key.
"""

import random
from collections.abc import Callable, Mapping

from .grading import AnswerForged, AnswerInvalid, Grade
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
    """single and multiple: choices with `correct` flags and optional per-choice feedback."""

    fields = {"choices"}

    def __init__(self, name: str):
        self.name = name
        self.multiple = name == "multiple"
        if self.multiple:
            self.fields = {"choices", "penalty"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        choices = []
        for index, raw in enumerate(q.items("choices", minimum=2)):
            if not isinstance(raw, dict) or not set(raw) <= {"text", "correct", "feedback"} or "text" not in raw:
                q.problem(
                    f"choice {index + 1} needs 'text' (and may have 'correct', 'feedback')",
                    "choices",
                    index,
                )
                continue
            correct = raw.get("correct", False)
            if not isinstance(correct, bool):
                q.problem(f"choice {index + 1}: 'correct' must be true or false", "choices", index)
            text, feedback = str(raw["text"]), str(raw.get("feedback") or "")
            choices.append(
                {
                    "text": text,
                    "html": render(text),
                    "correct": correct is True,
                    "feedback": feedback,
                    "feedback_html": render(feedback) if feedback else "",
                }
            )
        right = sum(choice["correct"] for choice in choices)
        if choices and self.multiple and right == 0:
            q.problem("no choice is marked 'correct: true'", "choices")
        if choices and not self.multiple and right != 1:
            q.problem(f"a single-choice question needs exactly one correct choice, not {right}", "choices")
        data = {"choices": choices}
        if self.multiple:
            data["penalty"] = q.number("penalty", required=False, default=1, minimum=0)
        return data

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
            return Grade(1.0 if response and choices[response[0]]["correct"] else 0.0, feedback, detail)
        right = [i for i, choice in enumerate(choices) if choice["correct"]]
        wrong = [i for i, choice in enumerate(choices) if not choice["correct"]]
        right_picks = len([i for i in response if i in right])
        wrong_picks = len(response) - right_picks
        score = right_picks / len(right) - (data["penalty"] * wrong_picks / len(wrong) if wrong else 0)
        return Grade(max(0.0, min(1.0, score)), feedback, detail)

    def answer_html(self, data: dict, layout: dict) -> str:
        return "".join(f"<li>{c['html']}</li>" for c in data["choices"] if c["correct"]).join(["<ul>", "</ul>"])


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

    def answer_html(self, data, layout):
        return "True" if data["answer"] else "False"


class MatchingType:
    name = "matching"
    fields = {"pairs", "distractors"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        pairs = []
        for index, raw in enumerate(q.items("pairs", minimum=2)):
            if not isinstance(raw, dict) or set(raw) != {"left", "right"}:
                q.problem(f"pair {index + 1} must have exactly 'left' and 'right'", "pairs", index)
                continue
            pairs.append({"left": str(raw["left"]), "right": str(raw["right"])})
        distractors = [str(item) for item in q.items("distractors", required=False)]
        rights = [pair["right"] for pair in pairs] + distractors
        if len(set(rights)) != len(rights):
            q.problem("every right-hand answer (and distractor) must be different", "pairs")
        return {
            "pairs": [
                {**pair, "left_html": render(pair["left"]), "right_html": render(pair["right"])} for pair in pairs
            ],
            "distractors": [{"text": item, "html": render(item)} for item in distractors],
        }

    def _options(self, data):
        return [pair["right_html"] for pair in data["pairs"]] + [item["html"] for item in data["distractors"]]

    def layout(self, data, rng, shuffle):
        options = len(self._options(data))
        return {
            "lefts": arranged(rng, len(data["pairs"]), shuffle),
            "left_ids": opaque_ids(rng, len(data["pairs"])),
            "options": arranged(rng, options, True),  # the right column is always shuffled
            "option_ids": opaque_ids(rng, options),
        }

    def public(self, data, layout):
        options = self._options(data)
        return {
            "lefts": [{"id": layout["left_ids"][i], "html": data["pairs"][i]["left_html"]} for i in layout["lefts"]],
            "options": [{"id": layout["option_ids"][i], "html": options[i]} for i in layout["options"]],
        }

    def parse_response(self, data, layout, form, name):
        option_index = {option_id: i for i, option_id in enumerate(layout["option_ids"])}
        response = {}
        for index, left_id in enumerate(layout["left_ids"]):
            value = one(form, f"{name}-{left_id}")
            if value and value not in option_index:
                raise AnswerForged("a matched answer is not part of this question")
            if value:
                response[str(index)] = option_index[value]
        refuse_unknown_items(form, name, layout["left_ids"])
        return response

    def grade(self, data, layout, response):
        right = [str(i) for i in range(len(data["pairs"])) if response.get(str(i)) == i]
        return Grade(len(right) / len(data["pairs"]), detail={"right": right})

    def answer_html(self, data, layout):
        rows = "".join(f"<li>{p['left_html']} → {p['right_html']}</li>" for p in data["pairs"])
        return f"<ul>{rows}</ul>"


class OrderingType:
    name = "ordering"
    fields = {"items"}

    def parse(self, q: MappingReader, render: Render) -> dict:
        items = [str(item) for item in q.items("items", minimum=2)]
        if len(set(items)) != len(items):
            q.problem("every item must be different", "items")
        return {"items": [{"text": item, "html": render(item)} for item in items]}

    def layout(self, data, rng, shuffle):
        count = len(data["items"])
        order = arranged(rng, count, True)
        if count > 1 and order == list(range(count)):
            order = order[1:] + order[:1]  # never show the answer as the starting order
        return {"order": order, "ids": opaque_ids(rng, count)}

    def public(self, data, layout):
        items = [{"id": layout["ids"][i], "html": data["items"][i]["html"]} for i in layout["order"]]
        return {"items": items, "positions": list(range(1, len(items) + 1))}

    def parse_response(self, data, layout, form, name):
        count = len(data["items"])
        refuse_unknown_items(form, name, layout["ids"])
        positions = {}
        for index, item_id in enumerate(layout["ids"]):
            value = one(form, f"{name}-{item_id}")
            if not value:
                continue
            if not (value.isascii() and value.isdigit() and len(value) < 6) or not 1 <= int(value) <= count:
                raise AnswerForged("a position is out of range")
            positions[str(index)] = int(value)
        if len(set(positions.values())) != len(positions):
            raise AnswerInvalid("Give each item a different position.")
        return positions

    def grade(self, data, layout, response):
        right = [key for key, position in response.items() if int(key) == position - 1]
        return Grade(len(right) / len(data["items"]), detail={"right": right})

    def answer_html(self, data, layout):
        return "<ol>" + "".join(f"<li>{item['html']}</li>" for item in data["items"]) + "</ol>"
