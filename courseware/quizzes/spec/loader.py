"""Read a lesson's `.quiz.yaml`: settings and questions, validated, with Markdown rendered."""

import hashlib
import importlib.util
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from courseware.content.frontmatter import SLUG_RE, compose_and_load
from courseware.content.lessons import Lessons
from courseware.content.problems import ContentProblem

from .choices import ChoiceType, TrueFalseType
from .credit import parse_credit
from .matching import MatchingType, OrderingType
from .numeric import CalculatedType, NumericType
from .reader import MappingReader, node_lines
from .typed import ShortType

QUIZ_SUFFIX = ".quiz.yaml"
FUNCTIONS_FILE = "quiz_functions.py"
COMMON_FIELDS = {"id", "type", "prompt", "points", "explanation", "tags", "section", "hints"}
REVEAL = ["immediately", "interactive", "after_submission", "after_last_attempt", "never"]
CHECKED_AS_YOU_GO = ("immediately", "interactive")  # Moodle's immediate feedback and interactive behaviours
GRADING = ["highest", "last", "first", "average"]
DEFAULT_SETTINGS = {
    "attempts": 0,
    "grading": "highest",
    "time_limit_minutes": 0,
    "shuffle_questions": True,
    "shuffle_choices": True,
    "draw": 0,
    "pass_mark": 70,
    "reveal": "after_submission",
    "tries": 3,
    "try_penalty": "33.33333%",
}


def question_types(functions: dict[str, Callable] | None = None) -> dict:
    return {
        "single": ChoiceType("single"),
        "multiple": ChoiceType("multiple"),
        "truefalse": TrueFalseType(),
        "numeric": NumericType(),
        "short": ShortType(),
        "matching": MatchingType(),
        "ordering": OrderingType(),
        "calculated": CalculatedType(functions),
    }


@dataclass
class QuizSource:
    path: str
    lesson_file: str
    title: str
    settings: dict
    questions: list[dict]
    content_hash: str
    section_lines: dict[str, int] = field(default_factory=dict)  # question id -> line of 'section'


def load_functions(path: Path, rel: str, problems: list[ContentProblem]) -> dict[str, Callable]:
    """Instructors' named functions for calculated questions: trusted content, reviewed as code."""
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location("course_quiz_functions", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 (report the author's error at its line)
        frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == str(path)]
        line = getattr(error, "lineno", None) or (frames[-1].lineno if frames else 1)
        problems.append(ContentProblem(rel, line, f"cannot load: {type(error).__name__}: {error}"))
        return {}
    return {
        name: value
        for name, value in vars(module).items()
        if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == module.__name__
    }


def load_quizzes(lessons: Lessons) -> list[QuizSource]:
    """Each `NN-slug.quiz.yaml` belongs to `NN-slug.md`; its sections must be that lesson's."""
    reader = lessons.reader
    functions_path = reader.lessons_dir / FUNCTIONS_FILE
    functions = load_functions(functions_path, reader.rel(functions_path), reader.problems)
    by_file = {lesson.file_name: lesson for lesson in lessons.lessons}
    quizzes = []
    for path in sorted(reader.lessons_dir.glob(f"*{QUIZ_SUFFIX}")):
        rel = reader.rel(path)
        quiz, problems = load_quiz(path, rel, render=lessons.render, functions=functions)
        reader.problems.extend(problems)
        if quiz is None:
            continue
        lesson = by_file.get(quiz.lesson_file)
        if lesson is None:
            reader.problem(rel, 1, f"no lesson lessons/{quiz.lesson_file} for this quiz")
            continue
        for question in quiz.questions:
            if question["section"] and question["section"] not in lesson.anchors:
                line = quiz.section_lines.get(question["id"], 1)
                message = f"question '{question['id']}': {lesson.path} has no section '#{question['section']}'"
                reader.problem(rel, line, message)
        quiz.lesson_slug = lesson.slug
        quiz.lesson_title = lesson.title
        quizzes.append(quiz)
    return quizzes


def load_quiz(
    path: Path, rel: str, *, render: Callable[[str], str], functions: dict[str, Callable]
) -> tuple[QuizSource | None, list[ContentProblem]]:
    problems: list[ContentProblem] = []

    def report(line: int, message: str) -> None:
        problems.append(ContentProblem(rel, line, message))

    try:
        text = path.read_text(encoding="utf-8")
        node, values = compose_and_load(text)
    except UnicodeDecodeError as error:
        return None, [ContentProblem(rel, 1, f"not valid UTF-8 text ({error.reason})")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None, [ContentProblem(rel, (mark.line + 1) if mark else 1, f"invalid YAML: {error.problem or error}")]
    if not isinstance(values, dict) or node is None:
        message = "a quiz file is a mapping with 'questions' (and optional 'title', 'settings')"
        return None, [ContentProblem(rel, 1, message)]
    quiz = MappingReader(values, node_lines(node, 1), report, "quiz")
    quiz.unknown({"title", "settings", "questions"})
    title = quiz.text("title", required=False)
    settings = read_settings(quiz)
    questions, section_lines = read_questions(quiz, report, question_types(functions), render)
    pool = len(values.get("questions") or [])
    if settings["draw"] > pool:
        report(
            (quiz.children.get("settings", (1, None))[1] or {}).get("draw", (quiz.line("settings"),))[0],
            f"settings: draw is {settings['draw']} but the pool has only {pool} questions",
        )
    if problems:
        return None, problems
    lesson_file = path.name[: -len(QUIZ_SUFFIX)] + ".md"
    digest = hashlib.sha256(text.encode()).hexdigest()
    return QuizSource(rel, lesson_file, title, settings, questions, digest, section_lines), problems


def read_questions(quiz: MappingReader, report, types: dict, render) -> tuple[list[dict], dict[str, int]]:
    """The quiz's questions (each id once), and the line of each question's `section`."""
    questions, section_lines, seen = [], {}, {}
    for index, raw in enumerate(quiz.items("questions")):
        lines = quiz.sub("questions", index)
        if not isinstance(raw, dict):
            report(lines[0], f"question {index + 1} must be a mapping of fields")
            continue
        question = read_question(raw, lines, report, index, types, render)
        if question is None:
            continue
        if question["id"] in seen:
            report(lines[0], f"question id '{question['id']}' is used twice (first on line {seen[question['id']]})")
            continue
        seen[question["id"]] = lines[0]
        if question["section"]:
            section_lines[question["id"]] = (lines[1] or {}).get("section", lines)[0]
        questions.append(question)
    return questions, section_lines


def read_settings(quiz: MappingReader) -> dict:
    raw = quiz.values.get("settings") or {}
    if not isinstance(raw, dict):
        quiz.problem("'settings' must be a mapping", "settings")
        return dict(DEFAULT_SETTINGS)
    reader = MappingReader(raw, quiz.children.get("settings", (quiz.line(), {})), quiz._report, "settings")
    reader.unknown(set(DEFAULT_SETTINGS))
    settings = {
        "attempts": int(reader.number("attempts", required=False, default=0, minimum=0)),
        "grading": reader.choice("grading", GRADING, "highest"),
        "time_limit_minutes": reader.number("time_limit_minutes", required=False, default=0, minimum=0),
        "shuffle_questions": reader.boolean("shuffle_questions", True),
        "shuffle_choices": reader.boolean("shuffle_choices", True),
        "draw": int(reader.number("draw", required=False, default=0, minimum=0)),
        "pass_mark": reader.number("pass_mark", required=False, default=70, minimum=0),
        "reveal": reader.choice("reveal", REVEAL, "after_submission"),
    }
    if settings["pass_mark"] > 100:
        reader.problem("'pass_mark' is a percentage, at most 100", "pass_mark")
    if settings["reveal"] == "after_last_attempt" and not settings["attempts"]:
        reader.problem("reveal after_last_attempt needs a finite number of 'attempts'", "reveal")
    interactive_settings(reader, settings)
    return settings


def interactive_settings(reader: MappingReader, settings: dict) -> None:
    """Moodle's "interactive with multiple tries": `tries` per question, and what each wrong try
    costs (`try_penalty`, a share of the question's points). Only that mode has them."""
    given = [key for key in ("tries", "try_penalty") if key in reader.values]
    if settings["reveal"] != "interactive":
        for key in given:
            reader.problem(f"'{key}' applies only with reveal: interactive", key)
        return
    settings["tries"] = int(reader.number("tries", required=False, default=DEFAULT_SETTINGS["tries"], minimum=1))
    try:
        settings["try_penalty"] = parse_credit(str(reader.values.get("try_penalty", DEFAULT_SETTINGS["try_penalty"])))
    except ValueError as error:
        reader.problem(str(error).replace("'credit'", "'try_penalty'"), "try_penalty")
        settings["try_penalty"] = parse_credit(DEFAULT_SETTINGS["try_penalty"])


def read_question(raw, lines, report, index, types, render) -> dict | None:
    label = f"question {index + 1}" + (f" '{raw['id']}'" if isinstance(raw.get("id"), str) else "")
    q = MappingReader(raw, lines, report, label)
    key = q.text("id")
    if key and not SLUG_RE.match(key):
        q.problem(f"id must be lowercase letters, digits and hyphens, not {key!r}", "id")
    kind = q.values.get("type")
    if kind not in types:
        q.problem(f"unknown type {kind!r} (types: {', '.join(types)})", "type" if "type" in raw else None)
        return None
    q.unknown(COMMON_FIELDS | types[kind].fields)
    prompt, explanation = q.text("prompt"), q.text("explanation")
    tags = q.items("tags", required=False)
    if not all(isinstance(tag, str) and tag.strip() for tag in tags):
        q.problem("'tags' must be a list of words", "tags")
    question = {
        "id": key,
        "type": kind,
        "points": q.number("points", required=False, default=1, minimum=0.01),
        "prompt": prompt,
        "prompt_html": render(prompt) if prompt else "",
        "explanation": explanation,
        "explanation_html": render(explanation) if explanation else "",
        "tags": [str(tag).strip() for tag in tags],
        "section": q.text("section", required=False).lstrip("#"),
    }
    hints = q.items("hints", required=False)
    if not all(isinstance(hint, str) and hint.strip() for hint in hints):
        q.problem("'hints' must be a list of Markdown texts", "hints")
    if hints:
        question["hints"] = [str(hint) for hint in hints]
        question["hints_html"] = [render(str(hint)) for hint in hints]
    question.update(types[kind].parse(q, render))
    return None if q.failed else question
