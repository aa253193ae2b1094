"""Per-attempt question instances: draw, order, lay out, show, grade and reveal.

The bridge between stored question specs (dicts with keys) and what a page may show. Everything
here is deterministic in the attempt's seed, so a reload never changes a question.
"""

import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .spec.grading import Grade
from .spec.loader import FUNCTIONS_FILE, load_functions, question_types
from .spec.numeric import fill_parameters

_functions_cache: dict[str, tuple[float, dict]] = {}


def content_functions() -> dict:
    """Named functions for calculated questions, reloaded when the file changes."""
    path = Path(settings.LESSONS_DIR) / FUNCTIONS_FILE
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    cached = _functions_cache.get(str(path))
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_functions(path, FUNCTIONS_FILE, []))
        _functions_cache[str(path)] = cached
    return cached[1]


_types_cache: dict = {"functions": None, "types": None}


def types() -> dict:
    """The question types, rebuilt only when the content's named functions change (this runs
    for every question on every attempt page)."""
    functions = content_functions()
    if _types_cache["functions"] is not functions:
        _types_cache.update(functions=functions, types=question_types(functions))
    return _types_cache["types"]


def question_rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}")


def make_layout(specs: list[dict], quiz_settings: dict, seed: int) -> dict:
    """Which questions this attempt gets, in what order, and each one's layout."""
    rng = random.Random(seed)
    keys = [spec["id"] for spec in specs]
    if quiz_settings.get("draw") and quiz_settings["draw"] < len(keys):
        keys = rng.sample(keys, quiz_settings["draw"])
        keys.sort(key=[spec["id"] for spec in specs].index)
    if quiz_settings.get("shuffle_questions"):
        rng.shuffle(keys)
    by_key = {spec["id"]: spec for spec in specs}
    handlers = types()
    return {
        "order": keys,
        "questions": {
            key: handlers[by_key[key]["type"]].layout(
                by_key[key], question_rng(seed, key), quiz_settings.get("shuffle_choices", True)
            )
            for key in keys
        },
    }


@dataclass
class Shown:
    """What a page may show of a question before its answer is revealed."""

    key: str
    number: int
    type: str
    points: float
    prompt_html: str
    fields: dict
    section: str


def shown(spec: dict, layout: dict, number: int) -> Shown:
    handler = types()[spec["type"]]
    prompt = spec["prompt_html"]
    if spec["type"] == "calculated":
        prompt = fill_parameters(prompt, layout["params"])
    return Shown(
        spec["id"],
        number,
        spec["type"],
        spec["points"],
        prompt,
        handler.public(spec, layout),
        spec["section"],
    )


def grade(spec: dict, layout: dict, answer) -> Grade:
    if answer is None or answer == "" or answer == [] or answer == {}:
        return Grade(0.0)
    return types()[spec["type"]].grade(spec, layout, answer)


def parse_answer(spec: dict, layout: dict, form, name: str):
    """Raises AnswerForged (400) or AnswerInvalid (422)."""
    return types()[spec["type"]].parse_response(spec, layout, form, name)


def answer_html(spec: dict, layout: dict) -> str:
    return types()[spec["type"]].answer_html(spec, layout)


def explanation_html(spec: dict, layout: dict) -> str:
    if spec["type"] == "calculated":
        return fill_parameters(spec["explanation_html"], layout["params"])
    return spec["explanation_html"]


def answered(spec: dict, answer) -> bool:
    return answer not in (None, "", [], {})


def public_answer(spec: dict, layout: dict, answer):
    """A stored answer in the page's own terms (opaque ids), to fill the form back in."""
    if answer is None:
        return None
    kind = spec["type"]
    if kind in ("single", "multiple"):
        return [layout["ids"][i] for i in answer if i < len(layout["ids"])]
    if kind == "truefalse":
        return "true" if answer else "false"
    if kind == "matching":
        return {layout["left_ids"][int(k)]: layout["option_ids"][v] for k, v in answer.items()}
    if kind == "ordering":
        return {layout["ids"][int(k)]: position for k, position in answer.items()}
    return answer


def adjusted_fraction(settings: dict, fraction: float, *, tries: int, finished: bool) -> float:
    """Interactive mode: each wrong try before the one graded costs `try_penalty`. A question
    finished by a check was graded on its last try; one still open at submit is graded on a
    further try, the submit itself. Other modes grade the answer as it is."""
    if settings.get("reveal") != "interactive":
        return fraction
    wrong = max(0, tries - 1) if finished else tries
    return max(0.0, fraction - settings.get("try_penalty", 1 / 3) * wrong)


def hint_html(spec: dict, tries: int) -> str:
    """The hint after the `tries`-th wrong try (the last one again when there are fewer)."""
    hints = spec.get("hints_html") or []
    return hints[min(tries, len(hints)) - 1] if hints and tries else ""


def review(spec: dict, layout: dict, answer) -> dict:
    """Marks for what the learner gave, keyed by the page's ids (see each type's `review`)."""
    if not answered(spec, answer):
        return {}
    try:
        return types()[spec["type"]].review(spec, layout, answer)
    except (IndexError, KeyError, ValueError):  # the question changed shape since this attempt
        return {}
