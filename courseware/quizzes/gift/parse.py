"""GIFT text to authored question dicts, with problems as path:line: message."""

import re
import unicodedata

from courseware.content.problems import ContentProblem

from .syntax import (
    DEFAULT_EXPLANATION,
    ESCAPE_RE,
    FORMAT_RE,
    PLACEHOLDER,
    RESTORE,
    TRUE_FALSE,
    WEIGHT_RE,
)


def parse_gift(text: str, path: str) -> tuple[list[dict], list]:
    questions: list[dict] = []
    problems: list[ContentProblem] = []
    block: list[tuple[int, str]] = []
    count = 0
    for number_, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            block.append((number_, line))
            continue
        if block:
            count += parse_block(block, path, questions, problems, count + 1)
            block = []
    return questions, problems


class BlockProblem(ValueError):
    """Why a block is not a question; `line` when it is not the block's first."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def parse_block(block, path, questions, problems, ordinal) -> int:
    """Parse one blank-line separated block; returns 1 if it held a question, else 0."""
    meta, lines = block_lines(block)
    if not lines:
        return 0
    try:
        questions.append(block_question(meta, lines, ordinal, questions))
    except BlockProblem as error:
        problems.append(ContentProblem(path, error.line or lines[0][0], error.message))
    return 1


def block_lines(block) -> tuple[dict, list[tuple[int, str]]]:
    """The `// key: value` comments we read (tags, points, section), and the question's lines."""
    meta: dict = {}
    lines = []
    for number_, line in block:
        stripped = line.strip()
        if stripped.startswith("//"):
            key, _, value = stripped[2:].partition(":")
            if key.strip() in ("tags", "points", "section") and value.strip():
                meta[key.strip()] = value.strip()
        elif not stripped.startswith("$CATEGORY:"):
            lines.append((number_, line))
    return meta, lines


def block_question(meta: dict, lines: list[tuple[int, str]], ordinal: int, questions: list[dict]) -> dict:
    text = ESCAPE_RE.sub(lambda m: PLACEHOLDER[m.group(1)], "\n".join(t for _, t in lines)).strip()
    title, prompt, answer_text, explanation = question_parts(text, lines)
    try:
        fields = parse_answers(answer_text)
    except ValueError as error:
        raise BlockProblem(str(error)) from error
    question = {"id": unique_id(title, ordinal, questions), "type": fields.pop("type")}
    if "points" in meta:
        try:
            question["points"] = to_number(meta["points"])
        except ValueError:
            raise BlockProblem(f"'// points:' is not a number: {meta['points']!r}") from None
    if "section" in meta:
        question["section"] = meta["section"]
    if "tags" in meta:
        question["tags"] = [tag.strip() for tag in meta["tags"].split(",") if tag.strip()]
    question["prompt"] = restore(prompt).strip()
    question.update(fields)
    question["explanation"] = restore(explanation).strip() or DEFAULT_EXPLANATION
    return question


def question_parts(text: str, lines: list[tuple[int, str]]) -> tuple[str, str, str, str]:
    """(title, prompt, answer block, general feedback), each problem at the line it is on."""

    def line_at(position: int) -> int:
        return lines[min(text[:position].count("\n"), len(lines) - 1)][0]

    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise BlockProblem("the question title has no closing '::'")
        title, text = restore(text[2:end]).strip(), text[end + 2 :].lstrip()
    opening, closing = text.find("{"), text.find("}")
    if opening < 0 and closing < 0:
        raise BlockProblem("a description (text without an answer block) is not a supported question")
    if opening >= 0 and (closing < 0 or "{" in text[opening + 1 : closing]):
        raise BlockProblem("unclosed '{': no matching '}' before the next blank line", line_at(opening))
    if closing < opening:
        raise BlockProblem("'}' without an opening '{'", line_at(closing))
    if "{" in text[closing:] or "}" in text[closing + 1 :]:
        raise BlockProblem("more than one answer block (embedded answers are not supported)")
    before, after = text[:opening].rstrip(), text[closing + 1 :].strip()
    prompt = FORMAT_RE.sub("", before).strip() + (" ____ " + after if after else "")
    answer_text = text[opening + 1 : closing].strip()
    explanation = ""
    if "####" in answer_text:
        answer_text, _, explanation = answer_text.rpartition("####")
        answer_text, explanation = answer_text.strip(), FORMAT_RE.sub("", explanation)
    return title, prompt, answer_text, explanation


def restore(text: str) -> str:
    return "".join(RESTORE.get(char, char) for char in text)


def to_number(text: str | float) -> int | float:
    value = float(f"{float(text):.12g}")  # as exported; and (3.141 + 3.142) / 2 is 3.1415
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def split_weight(answer: str) -> tuple[float | None, str]:
    match = WEIGHT_RE.match(answer)
    return (float(match.group(1)), answer[match.end() :]) if match else (None, answer)


def split_feedback(answer: str) -> tuple[str, str]:
    text, _, note = answer.partition("#")
    return restore(text).strip(), restore(note).strip()


def parse_answers(answers: str) -> dict:
    """The type and its fields, from the text between the braces (escapes still hidden)."""
    if not answers:
        raise ValueError("an essay question (empty answer block) is not supported")
    if answers.startswith("#"):
        return parse_numeric(answers[1:])
    if "~" in answers:
        return parse_choices(answers)
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
    accepted = []
    for item in filter(None, (part.strip() for part in answers.split("="))):
        weight, item = split_weight(item)
        if weight is None or weight >= 100:  # partial-credit answers have no equivalent
            accepted.append(split_feedback(item)[0])
    if not any(accepted):
        raise ValueError("a short-answer question needs at least one full-credit '=answer'")
    return {"type": "short", "answers": [answer for answer in accepted if answer]}


def parse_choices(answers: str) -> dict:
    choices, weights = [], []
    for item in answers.replace("=", "~=").split("~"):
        item = item.strip()
        if not item:
            continue
        full = item.startswith("=")
        weight, item = split_weight(item[1:] if full else item)
        weight = 100.0 if full else (weight or 0.0)
        text, note = split_feedback(item)
        choices.append({"text": text, "correct": full or weight > 0, "feedback": note})
        weights.append(weight)
    if len(choices) < 2:
        raise ValueError("a multiple-choice question needs at least two answers")
    if "=" in answers:  # '=' marks Moodle's one-answer form; partial weights are lost
        for choice, weight in zip(choices, weights, strict=True):
            choice["correct"] = weight >= 100
    right = sum(choice["correct"] for choice in choices)
    if not right:
        raise ValueError("a multiple-choice question without a right answer ('=' or %weight%)")
    data: dict = {"type": "single" if "=" in answers and right == 1 else "multiple"}
    wrong = [w for c, w in zip(choices, weights, strict=True) if not c["correct"]]
    if data["type"] == "multiple" and wrong:
        penalty = max(0.0, round(-sum(wrong) / 100, 4))
        if penalty != 1:
            data["penalty"] = to_number(penalty)
    for choice in choices:
        if not choice["correct"]:
            del choice["correct"]
        if not choice["feedback"]:
            del choice["feedback"]
    return {**data, "choices": choices}


def parse_numeric(answers: str) -> dict:
    answers = answers.split("~", 1)[0]  # '~#feedback' for any other answer: no equivalent
    for item in filter(None, (part.strip() for part in answers.split("="))):
        weight, item = split_weight(item)
        if weight is not None and weight < 100:
            continue
        value = split_feedback(item)[0]
        try:
            if ".." in value[1:]:
                low, high = (float(part) for part in value.split("..", 1))
                answer, tolerance = (low + high) / 2, abs(high - low) / 2
            else:
                answer_text, _, tolerance_text = value.partition(":")
                answer, tolerance = float(answer_text), abs(float(tolerance_text or 0))
        except ValueError:
            raise ValueError(f"numeric answer {value!r} must be value, value:tolerance or min..max") from None
        return {"type": "numeric", "answer": to_number(answer), "tolerance": to_number(tolerance)}
    raise ValueError("a numeric question needs a full-credit answer such as {#42:0.5}")


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


def unique_id(title: str, ordinal: int, questions: list[dict]) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    slug = slug or f"q-{ordinal}"
    used = {question["id"] for question in questions}
    candidate, suffix = slug, 2
    while candidate in used:
        candidate, suffix = f"{slug}-{suffix}", suffix + 1
    return candidate
