"""What the loader produces: validated lesson and module sources, before any database."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import ContentProblem

IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}


@dataclass
class ModuleSource:
    slug: str
    title: str
    summary: str
    position: int


@dataclass
class LinkRef:
    line: int
    target: str
    is_image: bool


@dataclass
class LessonSource:
    path: str  # relative to the content directory, as shown in problems
    file_name: str
    slug: str
    title: str
    module: str
    order: int
    summary: str
    objectives: list[str]
    estimated_minutes: int
    prerequisites: list[str]
    sources: list[dict]
    body: str
    lines: dict[str, int]
    prerequisite_lines: list[int]
    content_hash: str
    links: list[LinkRef] = field(default_factory=list)
    html: str = ""
    toc: list[dict] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    labs: list[dict] = field(default_factory=list)  # the labs that practise it: {slug, title, order}


@dataclass
class Course:
    title: str
    modules: list[ModuleSource]
    lessons: list[LessonSource]
    problems: list["ContentProblem"]
    quizzes: list = field(default_factory=list)  # QuizSource, one per lesson that has a quiz
    labs: list = field(default_factory=list)  # LabSource, one per labs/<slug>/

    @property
    def ok(self) -> bool:
        return not self.problems
