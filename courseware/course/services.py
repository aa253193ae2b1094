"""`content sync`: validate every file, then import lessons, quizzes and labs in one transaction.

Each app imports its own part (`catalog.sync`, `quizzes.sync`, `labrunner.sync`), all with the
one upsert of `courseware.content.upsert`, and the site search's index is filled from the same
files (`search.sync`); nothing is written if any file is invalid.
"""

from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from courseware.catalog.selectors import content_release_forget
from courseware.catalog.sync import lesson_sync, release_record
from courseware.content.problems import ContentProblem
from courseware.content.sources import Course
from courseware.content.upsert import Upserted
from courseware.labrunner.sync import lab_sync
from courseware.quizzes.sync import quiz_sync
from courseware.search.documents import course_documents
from courseware.search.sync import search_sync

from .loader import load_course


class ContentInvalid(Exception):
    def __init__(self, problems: list[ContentProblem]):
        super().__init__(f"{len(problems)} content problem(s)")
        self.problems = problems


@dataclass
class SyncResult(Upserted):
    """What a sync did: the lessons' changes (its own lists), then the quizzes' and the labs'."""

    release: int | None = None
    quizzes: Upserted = field(default_factory=Upserted)
    labs: Upserted = field(default_factory=Upserted)


def content_load(*, content_dir: Path | None = None) -> Course:
    """Read and validate the content tree, with links rendered to this site's URLs."""
    return load_course(
        content_dir or settings.CONTENT_DIR,
        lesson_url=lambda slug: reverse("catalog:lesson", args=[slug]),
        image_url=lambda name: reverse("catalog:lesson_media", args=[name]),
    )


def content_sync(*, content_dir: Path | None = None) -> SyncResult:
    """Validate everything, then import it in one transaction; nothing is written if invalid."""
    course = content_load(content_dir=content_dir)
    if not course.ok:
        raise ContentInvalid(course.problems)
    with transaction.atomic():
        lessons = lesson_sync(modules=course.modules, lessons=course.lessons)
        result = SyncResult(
            **asdict(lessons),
            quizzes=quiz_sync(sources=course.quizzes),  # quizzes build on lessons, so after them
            labs=lab_sync(sources=course.labs),
            release=release_record(
                modules=course.modules, lessons=course.lessons, labs=course.labs, quizzes=course.quizzes
            ),
        )
        search_sync(documents=course_documents(course))  # the files are the truth; a sync fills the index
    content_release_forget()
    return result
