"""Labs: `labs/<slug>/` with lab.md, starter/, solution/, events/ and checks.py.

Like lessons, labs are validated here (every problem as `path:line: message`) and rendered once;
`content sync` indexes them. Whether checks.py grades is asked of the grader, by the course loader. The solution and checks stay on disk: they are read when grading,
never copied anywhere a page could show them.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .frontmatter import FieldChecker, FrontMatterError, parse_yaml_mapping, split_front_matter

FILE_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
EDITABLE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".txt"}
MAX_FILE_BYTES = 64 * 1024
CONFIG_FILE = "config.json"  # settings for a function lab: memory, timeout, environment
DEPLOY_KINDS = {"function", "sam"}
ARCHITECTURES = {"x86_64", "arm64"}
FIELDS = {
    "title",
    "order",
    "summary",
    "objectives",
    "services",
    "deploy",
    "handler",
    "function",
    "limits",
    "points",
    "minutes",
    "lesson",
    "challenge",
    "badge",
}
LIMIT_FIELDS = {"memory_mb": (128, 10240), "timeout_s": (1, 900)}


@dataclass
class LabSource:
    slug: str
    path: str  # labs/<slug>/lab.md, relative to the content directory
    directory: Path
    title: str
    order: int
    summary: str
    objectives: list[str]
    services: list[str]
    deploy: str  # function | sam
    handler: str
    function: str  # sam: logical id of the function the Invoke panel targets
    memory_mb: int
    timeout_s: int
    points: int
    minutes: int
    lesson: str
    body: str
    body_start: int
    challenge: bool = False  # a challenge lab: a brief and no steps; full marks earn its badge
    badge: str = ""  # a challenge lab's badge, shown on the dashboard of those who earn it
    starter: dict[str, str] = field(default_factory=dict)
    config: dict = field(default_factory=dict)  # the settings form's starting values
    events: dict[str, str] = field(default_factory=dict)
    hints: dict[str, list[str]] = field(default_factory=dict)  # visible check -> its hints, rendered
    html: str = ""
    content_hash: str = ""

    @property
    def solution_dir(self) -> Path:
        return self.directory / "solution"

    @property
    def checks_path(self) -> Path:
        return self.directory / "checks.py"


MAX_DEPTH = 6


def read_files(directory: Path, rel: str, problem) -> dict[str, str]:
    """The editable files of starter/ or solution/: small UTF-8 text files, in sub-folders too (a
    function per folder, a layer's python/), by their path inside the folder."""
    files: dict[str, str] = {}
    if not directory.is_dir():
        problem(rel, 1, f"missing directory {rel}/")
        return files
    for path in sorted(directory.rglob("*")):
        inside = path.relative_to(directory)
        name = f"{rel}/{inside.as_posix()}"
        if "__pycache__" in inside.parts or path.is_dir():
            continue
        if len(inside.parts) > MAX_DEPTH or not all(FILE_NAME_RE.match(part) for part in inside.parts):
            problem(name, 1, f"lab file paths are plain names, at most {MAX_DEPTH} folders deep")
        elif path.suffix not in EDITABLE_SUFFIXES:
            problem(name, 1, f"lab files must be one of {', '.join(sorted(EDITABLE_SUFFIXES))}")
        elif path.stat().st_size > MAX_FILE_BYTES:
            problem(name, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KB")
        else:
            try:
                files[inside.as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                problem(name, 1, "not valid UTF-8 text")
    return files


def read_lab(directory: Path, rel_dir: str, problem, lesson_slugs: set[str] | None) -> LabSource | None:
    rel = f"{rel_dir}/lab.md"
    front = read_front_matter(directory, rel, problem, lesson_slugs)
    if front is None:
        return None
    starter = read_files(directory / "starter", f"{rel_dir}/starter", problem)
    solution = read_files(directory / "solution", f"{rel_dir}/solution", problem)
    config = {"memory_mb": front["memory_mb"], "timeout_s": front["timeout_s"]}
    config |= read_configs(rel_dir, problem, starter, solution)
    module = front["handler"].split(".")[0] + ".py"
    needed = [module] + (["template.yaml"] if front["deploy"] == "sam" else [])
    for name in needed:
        for label, files in (("starter", starter), ("solution", solution)):
            if name not in files:
                problem(f"{rel_dir}/{label}", 1, f"{label}/ needs {name}")
    if set(starter) != set(solution):
        problem(f"{rel_dir}/solution", 1, "solution/ must hold the same files as starter/")
    events = read_events(directory / "events", rel_dir, problem)
    return LabSource(
        slug=directory.name,
        path=rel,
        directory=directory,
        starter=starter,
        config=config,
        events=events,
        content_hash=folder_digest(directory),
        **front,
    )


def read_front_matter(directory: Path, rel: str, problem, lesson_slugs: set[str] | None) -> dict | None:
    """lab.md's front matter as LabSource's fields (and its body), or None after reporting why not."""
    try:
        text = (directory / "lab.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        problem(rel, 1, "every lab folder needs a lab.md")
        return None
    except UnicodeDecodeError:
        problem(rel, 1, "not valid UTF-8 text")
        return None
    try:
        yaml_text, body, body_start = split_front_matter(text)
        front = parse_yaml_mapping(yaml_text, 2)
    except FrontMatterError as error:
        problem(rel, error.line, error.message)
        return None
    fields = FieldChecker(front, 1)
    fields.unknown(FIELDS)
    values = {
        "title": fields.text("title", max_length=120),
        "order": fields.integer("order", minimum=1, maximum=999),
        "summary": fields.text("summary", max_length=300),
        "objectives": fields.text_list("objectives"),
        "services": fields.text_list("services"),
        "points": fields.integer("points", minimum=1, maximum=1000),
        "minutes": fields.integer("minutes", minimum=1, maximum=600),
        "deploy": fields.text("deploy", max_length=20),
    }
    values |= read_challenge(fields, front)
    values |= read_code_fields(fields, front, values["deploy"], lesson_slugs)
    values |= read_limits(fields, front.values.get("limits") or {})
    for line, message in fields.problems:
        problem(rel, line, message)
    if fields.problems:
        return None
    return values | {"body": body, "body_start": body_start}


def read_challenge(fields: FieldChecker, front) -> dict:
    """Whether this is a challenge lab, and the badge its full marks earn (one goes with the other)."""
    challenge = fields.flag("challenge")
    badge = fields.text("badge", required=False, max_length=80) or ""
    if challenge and not badge and "badge" not in front.values:
        fields.report("challenge", "a challenge lab names the badge its full marks earn in 'badge'")
    if badge and not challenge:
        fields.report("badge", "only a challenge lab ('challenge: true') earns a badge")
    return {"challenge": challenge, "badge": badge}


def read_code_fields(fields: FieldChecker, front, deploy: str | None, lesson_slugs: set[str] | None) -> dict:
    """How the lab deploys: its kind, handler, main function, and the lesson it belongs to."""
    if deploy is not None and deploy not in DEPLOY_KINDS:
        fields.report("deploy", f"'deploy' must be one of {sorted(DEPLOY_KINDS)}, not {deploy!r}")
    handler = front.values.get("handler", "handler.handler")
    if not (isinstance(handler, str) and re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", handler)):
        fields.report("handler", "'handler' must be module.function, like handler.handler")
    function = front.values.get("function", "")
    if deploy == "sam" and not (isinstance(function, str) and function):
        fields.report("deploy", "a SAM lab names its main function's logical id in 'function'")
    lesson = front.values.get("lesson", "")
    if lesson and lesson_slugs is not None and lesson not in lesson_slugs:
        fields.report("lesson", f"no lesson with slug {lesson!r}")
    return {"handler": handler, "function": function or "", "lesson": lesson or ""}


def read_limits(fields: FieldChecker, limits) -> dict:
    """The function's memory and timeout (Lambda's defaults unless the lab sets them)."""
    values = {"memory_mb": 128, "timeout_s": 3}
    if not isinstance(limits, dict):
        fields.report("limits", "'limits' must be a mapping like {memory_mb: 128, timeout_s: 3}")
        limits = {}
    for key, value in limits.items():
        if key not in LIMIT_FIELDS:
            fields.report("limits", f"unknown limit {key!r} (known: memory_mb, timeout_s)")
        elif isinstance(value, bool) or not isinstance(value, int):
            fields.report("limits", f"limit {key} must be a whole number")
        elif not LIMIT_FIELDS[key][0] <= value <= LIMIT_FIELDS[key][1]:
            fields.report("limits", f"limit {key} must be within {LIMIT_FIELDS[key]}")
        else:
            values[key] = value
    return values


def read_configs(rel_dir: str, problem, starter: dict[str, str], solution: dict[str, str]) -> dict:
    """Take config.json out of both folders (checking each); the starter's is the form's start."""
    config = {}
    for label, files in (("starter", starter), ("solution", solution)):
        if CONFIG_FILE in files:
            try:
                loaded = json.loads(files.pop(CONFIG_FILE))
                if not isinstance(loaded, dict):
                    raise ValueError("it must be a JSON object")
            except ValueError as error:
                problem(f"{rel_dir}/{label}/{CONFIG_FILE}", 1, f"not a valid config: {error}")
                continue
            if label == "starter":
                config |= loaded
    return config


def read_events(events_dir: Path, rel_dir: str, problem) -> dict[str, str]:
    events = {}
    for path in sorted(events_dir.glob("*.json")) if events_dir.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
            json.loads(text)
            events[path.stem] = text
        except ValueError as error:
            line = getattr(error, "lineno", 1)
            problem(f"{rel_dir}/events/{path.name}", line, f"not valid JSON: {error}")
    if not events:
        problem(f"{rel_dir}/events", 1, "a lab needs at least one saved test event in events/")
    return events


def folder_digest(directory: Path) -> str:
    """Every file of the lab folder (solution and checks too), so any change is a new release."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(directory).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def load_labs(content_dir: Path, problem, lesson_slugs: set[str], render) -> list[LabSource]:
    labs_dir = content_dir / "labs"
    if not labs_dir.is_dir():
        return []
    labs, orders = [], {}
    for directory in sorted(path for path in labs_dir.iterdir() if path.is_dir()):
        if directory.name.startswith((".", "_")):
            continue
        rel_dir = f"labs/{directory.name}"
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", directory.name):
            problem(rel_dir, 1, "a lab folder's name is its slug: lowercase letters, digits, hyphens")
            continue
        lab = read_lab(directory, rel_dir, problem, lesson_slugs)
        if lab is None:
            continue
        if lab.order in orders:
            problem(lab.path, 1, f"order {lab.order} is also used by labs/{orders[lab.order]}")
        orders[lab.order] = lab.slug
        lab.html = render(lab.body)
        labs.append(lab)
    return sorted(labs, key=lambda lab: (lab.order, lab.slug))
