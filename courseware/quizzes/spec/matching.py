"""Question types where the learner arranges: matching and ordering. Each part is worth an equal
share of the points; the review marks every part."""

from .choices import Render, arranged, one, opaque_ids, refuse_unknown_items
from .grading import AnswerForged, AnswerInvalid, Grade, mark
from .reader import MappingReader


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

    def review(self, data, layout, response) -> dict:
        """Each row: what the learner matched it with, and whether that is its match."""
        options = self._options(data)
        marks = {}
        for index, left_id in enumerate(layout["left_ids"]):
            given = (response or {}).get(str(index))
            marks[left_id] = {
                "mark": mark(1.0 if given == index else 0.0),
                "given_html": options[given] if given is not None and given < len(options) else "",
            }
        return marks

    def answer_html(self, data, layout):
        rows = "".join(
            f'<li><span class="match-left">{p["left_html"]}</span> <span aria-hidden="true">→</span>'
            f'<span class="visually-hidden">matches</span> <span class="match-right">{p["right_html"]}</span></li>'
            for p in data["pairs"]
        )
        return f'<ul class="match-key">{rows}</ul>'


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

    def review(self, data, layout, response) -> dict:
        return {
            item_id: {"mark": mark(1.0 if (response or {}).get(str(index)) == index + 1 else 0.0)}
            for index, item_id in enumerate(layout["ids"])
        }

    def answer_html(self, data, layout):
        return "<ol>" + "".join(f"<li>{item['html']}</li>" for item in data["items"]) + "</ol>"
