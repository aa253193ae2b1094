"""The answer block of a GIFT question (the text between the braces) to the fields of a
`.quiz.yaml` question. Moodle's per-answer weights (`~%50%`, `=%75%`) become `credit`; what has no
equivalent is said in `notes`, so nothing is dropped without a word."""

from courseware.quizzes.spec.credit import percent_text

from .syntax import RESTORE, TRUE_FALSE, WEIGHT_RE


def restore(text: str) -> str:
    return "".join(RESTORE.get(char, char) for char in text)


def to_number(text: str | float) -> int | float:
    value = float(f"{float(text):.12g}")  # as exported; and (3.141 + 3.142) / 2 is 3.1415
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def split_weight(answer: str) -> tuple[float | None, str]:
    match = WEIGHT_RE.match(answer)
    return (float(match.group(1)), answer[match.end() :]) if match else (None, answer)


def split_feedback(answer: str) -> tuple[str, str]:
    """(answer, feedback); feedback running over several lines loses the indentation that
    lined it up in the file, which Markdown would otherwise read as code."""
    text, _, note = answer.partition("#")
    return restore(text).strip(), "\n".join(line.strip() for line in restore(note).strip().splitlines())


def credit_of(weight: float) -> str:
    return percent_text(weight / 100)


def parse_answers(answers: str, notes: list[str]) -> dict:
    """The type and its fields, from the text between the braces (escapes still hidden)."""
    if not answers:
        raise ValueError("an essay question (empty answer block) is not supported")
    if answers.startswith("#"):
        return parse_numeric(answers[1:], notes)
    if "~" in answers:
        return parse_choices(answers, notes)
    if "=" in answers and "->" in answers:
        return parse_matching(answers)
    head = answers.split("#", 1)[0].strip()
    if head in TRUE_FALSE:
        _, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
        answer = TRUE_FALSE[head]
        wrong, right = restore(wrong).strip(), restore(right).strip()
        data: dict = {"type": "truefalse", "answer": answer}
        feedback = {k: v for k, v in sorted({answer: right, not answer: wrong}.items(), reverse=True) if v}
        return {**data, "feedback": feedback} if feedback else data
    if not answers.startswith("="):
        raise ValueError(f"unknown answer form {{{restore(answers)}}}: short answers are '=text'")
    return parse_short(answers)


def answer_item(value_key: str, value, weight: float | None, feedback: str):
    """A bare value when it is simply right; else a mapping with its credit and feedback."""
    credit = 100.0 if weight is None else weight
    if credit >= 100 and not feedback:
        return value
    item = {value_key: value}
    if credit < 100:
        item["credit"] = credit_of(credit)
    if feedback:
        item["feedback"] = feedback
    return item


def parse_short(answers: str) -> dict:
    items = []
    for part in filter(None, (part.strip() for part in answers.split("="))):
        weight, part = split_weight(part)
        text, feedback = split_feedback(part)
        if not text:
            continue
        if weight is not None and not 0 <= weight <= 100:
            raise ValueError(f"short answer '{text}': a weight is between 0% and 100%, not {weight:g}%")
        items.append(answer_item("text", text, weight, feedback))
    if not any(isinstance(item, str) or "credit" not in item for item in items):
        raise ValueError("a short-answer question needs at least one full-credit '=answer'")
    return {"type": "short", "answers": items}


def parse_choices(answers: str, notes: list[str]) -> dict:
    choices, weights = [], []
    for item in answers.replace("=", "~=").split("~"):
        item = item.strip()
        if not item:
            continue
        full = item.startswith("=")
        weight, item = split_weight(item[1:] if full else item)
        weights.append(100.0 if full else (weight or 0.0))
        text, note = split_feedback(item)
        choices.append({"text": text, "feedback": note})
    if len(choices) < 2:
        raise ValueError("a multiple-choice question needs at least two answers")
    if "=" in answers:  # '=' marks Moodle's one-answer form
        return single_choices(choices, weights, notes)
    return multiple_choices(choices, weights)


def single_choices(choices: list[dict], weights: list[float], notes: list[str]) -> dict:
    right = sum(weight >= 100 for weight in weights)
    kind = "single" if right == 1 else "multiple"
    for choice, weight in zip(choices, weights, strict=True):
        if weight >= 100:
            choice["correct"] = True
        elif weight > 0 and kind == "single":
            choice["credit"] = credit_of(weight)
        elif weight > 0:
            notes.append(
                f"'{choice['text']}' ({weight:g}%) becomes a wrong choice: with {right} right answers it is a multiple-choice question"
            )
        elif weight < 0:
            notes.append(
                f"'{choice['text']}' loses its negative weight ({weight:g}%): a one-answer question scores at least 0"
            )
    return {"type": kind, "choices": [tidy(choice) for choice in choices]}


def multiple_choices(choices: list[dict], weights: list[float]) -> dict:
    """Moodle's several-answer form. Equal weights for the right choices and equal ones for the
    wrong are `correct` choices and a `penalty`; any other weights are kept as each choice's credit."""
    positive = [weight for weight in weights if weight > 0]
    if not positive:
        raise ValueError("a multiple-choice question without a right answer ('=' or %weight%)")
    if abs(sum(positive) - 100) > 1e-3:
        raise ValueError(f"the positive weights add up to {sum(positive):g}%, not 100%")
    wrong = [weight for weight in weights if weight <= 0]
    even = max(positive) - min(positive) < 1e-3 and (not wrong or max(wrong) - min(wrong) < 1e-3)
    data: dict = {"type": "multiple"}
    for choice, weight in zip(choices, weights, strict=True):
        if not even and weight:
            choice["credit"] = credit_of(weight)
        elif even and weight > 0:
            choice["correct"] = True
    if even and wrong:
        penalty = max(0.0, round(-sum(wrong) / 100, 4))
        if penalty != 1:
            data["penalty"] = to_number(penalty)
    return {**data, "choices": [tidy(choice) for choice in choices]}


def tidy(choice: dict) -> dict:
    """In the order an author writes them, without empty fields."""
    order = ("text", "correct", "credit", "feedback")
    return {key: choice[key] for key in order if choice.get(key)}


def parse_numeric(answers: str, notes: list[str]) -> dict:
    answers, _, other = answers.partition("~")
    if other.strip():
        notes.append(
            f"the feedback for any other answer ('~{restore(other).strip()}') is not kept: there is no such answer here"
        )
    items = []
    for part in filter(None, (part.strip() for part in answers.split("="))):
        weight, part = split_weight(part)
        value, feedback = split_feedback(part)
        answer, tolerance = numeric_value(value)
        if weight is not None and not 0 <= weight <= 100:
            raise ValueError(f"numeric answer {value!r}: a weight is between 0% and 100%, not {weight:g}%")
        item = {"answer": to_number(answer), "tolerance": to_number(tolerance)}
        if weight is not None and weight < 100:
            item["credit"] = credit_of(weight)
        if feedback:
            item["feedback"] = feedback
        items.append(item)
    if not any("credit" not in item for item in items):
        raise ValueError("a numeric question needs a full-credit answer such as {#42:0.5}")
    if len(items) == 1 and set(items[0]) == {"answer", "tolerance"}:
        return {"type": "numeric", **items[0]}
    return {"type": "numeric", "answers": items}


def numeric_value(value: str) -> tuple[float, float]:
    try:
        if ".." in value[1:]:
            low, high = (float(part) for part in value.split("..", 1))
            return (low + high) / 2, abs(high - low) / 2
        answer_text, _, tolerance_text = value.partition(":")
        return float(answer_text), abs(float(tolerance_text or 0))
    except ValueError:
        raise ValueError(f"numeric answer {value!r} must be value, value:tolerance or min..max") from None


def parse_matching(answers: str) -> dict:
    pairs, distractors = [], []
    for item in filter(None, (part.strip() for part in answers.split("="))):
        if "->" not in item:
            raise ValueError(f"matching answer {restore(item)!r} has no '->'")
        left, _, right = item.partition("->")
        left, right = restore(left).strip(), restore(right).strip()
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)  # Moodle's empty left: an extra wrong answer
    if len(pairs) < 2:
        raise ValueError("a matching question needs at least two 'left -> right' pairs")
    data = {"type": "matching", "pairs": pairs}
    return {**data, "distractors": distractors} if distractors else data
