"""GIFT text to authored question dicts, with problems as path:line: message."""

import re
import unicodedata
from dataclasses import dataclass, field

from courseware.content.problems import ContentProblem

from .answers import parse_answers, restore, to_number
from .syntax import DEFAULT_EXPLANATION, ESCAPE_RE, FORMAT_RE, PLACEHOLDER

META_KEYS = ("tags", "points", "section", "hint")  # our own `// key: value` comments, read back


@dataclass
class GiftRead:
    questions: list[dict] = field(default_factory=list)
    problems: list[ContentProblem] = field(default_factory=list)  # nothing is imported while any
    notes: list[ContentProblem] = field(default_factory=list)  # what was kept differently, or left out
    lines: dict[str, int] = field(default_factory=dict)  # question id -> its first line in the file


def parse_gift(text: str, path: str) -> tuple[list[dict], list]:
    read = read_gift(text, path)
    return read.questions, read.problems


def read_gift(text: str, path: str) -> GiftRead:
    """Every question of a GIFT file, the problems that stop an import, and notes on what could
    not be kept as it was (each at its question's first line)."""
    read = GiftRead()
    block: list[tuple[int, str]] = []
    count = 0
    for number_, line in enumerate([*text.splitlines(), ""], start=1):
        if line.strip():
            block.append((number_, line))
            continue
        if block:
            count += parse_block(block, path, read, count + 1)
            block = []
    return read


class BlockProblem(ValueError):
    """Why a block is not a question; `line` when it is not the block's first."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def parse_block(block, path, read: GiftRead, ordinal) -> int:
    """Parse one blank-line separated block; returns 1 if it held a question, else 0."""
    meta, lines = block_lines(block)
    if not lines:
        return 0
    notes: list[str] = []
    try:
        question = block_question(meta, lines, ordinal, read.questions, notes)
    except BlockProblem as error:
        read.problems.append(ContentProblem(path, error.line or lines[0][0], error.message))
        return 1
    read.questions.append(question)
    read.lines[question["id"]] = lines[0][0]
    read.notes += [ContentProblem(path, lines[0][0], f"question '{question['id']}': {note}") for note in notes]
    return 1


def block_lines(block) -> tuple[dict, list[tuple[int, str]]]:
    """The `// key: value` comments we read (tags, points, section, hints), and the question's lines."""
    meta: dict = {"hints": []}
    lines = []
    for number_, line in block:
        stripped = line.strip()
        if stripped.startswith("//"):
            key, _, value = stripped[2:].partition(":")
            if key.strip() == "hint" and value.strip():
                meta["hints"].append(value.strip().replace("\\n", "\n"))
            elif key.strip() in META_KEYS and value.strip():
                meta[key.strip()] = value.strip()
        elif not stripped.startswith("$CATEGORY:"):
            lines.append((number_, line))
    return meta, lines


def block_question(
    meta: dict, lines: list[tuple[int, str]], ordinal: int, questions: list[dict], notes: list[str]
) -> dict:
    text = ESCAPE_RE.sub(lambda m: PLACEHOLDER[m.group(1)], "\n".join(t for _, t in lines)).strip()
    title, prompt, answer_text, explanation = question_parts(text, lines)
    try:
        fields = parse_answers(answer_text, notes)
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
    if meta["hints"]:
        question["hints"] = meta["hints"]
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


def unique_id(title: str, ordinal: int, questions: list[dict]) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    slug = slug or f"q-{ordinal}"
    used = {question["id"] for question in questions}
    candidate, suffix = slug, 2
    while candidate in used:
        candidate, suffix = f"{slug}-{suffix}", suffix + 1
    return candidate
