"""Reads for the catalog: the outline, a lesson page, and a learner's progress."""

import time
from dataclasses import dataclass, field, replace

from django.db import connection
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import ContentRelease, Lesson, LessonCompletion, Module


@dataclass
class LessonLink:
    slug: str
    title: str
    completed: bool = False
    url: str = ""  # kept with the link: a reader's copy (lesson_page_progress) does not reverse it again


def lesson_link(slug: str, title: str) -> LessonLink:
    return LessonLink(slug, title, url=reverse("catalog:lesson", args=[slug]))


@dataclass
class OutlineLesson:
    slug: str
    title: str
    summary: str
    estimated_minutes: int
    completed: bool


@dataclass
class OutlineModule:
    slug: str
    title: str
    summary: str
    lessons: list[OutlineLesson] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(lesson.estimated_minutes for lesson in self.lessons)

    @property
    def done(self) -> int:
        return sum(lesson.completed for lesson in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.lessons)) if self.lessons else 0


@dataclass
class LessonPage:
    lesson: Lesson
    previous: LessonLink | None  # within the lesson's module
    next: LessonLink | None  # within the module
    completed: bool
    prerequisites: list[LessonLink]
    position: int  # in the module
    total: int  # lessons in the module
    has_quiz: bool = False
    next_module: LessonLink | None = None  # the next module's first lesson, at a module's end
    next_module_title: str = ""


@dataclass
class Progress:
    modules: list[OutlineModule]
    done: int
    total: int
    minutes_left: int
    next_lesson: OutlineLesson | None
    recent: list[LessonCompletion]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


RELEASE_MEMO_SECONDS = 2.0
_release_memo: dict[str, object] = {"checked_at": 0.0, "digest": ""}


def content_release() -> str:
    """The current content release's digest: pages cached under another one are stale.

    Keyed by digest rather than row id, so a shared cache never serves pages from a database
    that was reset. Remembered for two seconds per process, so a burst of cached page views costs
    no query; a sync in another process shows within that time, one in this process at once.
    """
    now = time.monotonic()
    if now - _release_memo["checked_at"] > RELEASE_MEMO_SECONDS:
        latest = ContentRelease.objects.order_by("-pk").values_list("digest", flat=True).first()
        _release_memo.update(checked_at=now, digest=latest or "none")
    return str(_release_memo["digest"])


def content_release_forget() -> None:
    _release_memo["checked_at"] = 0.0


def completed_slugs(*, user) -> set[str]:
    """The slugs of the lessons a reader completed. Read on every signed-in lesson page, so written
    out: the ORM took ten times as long to build this join as the database to run it (about 200 us
    against 15 on SQLite; see bench/pages.py)."""
    if not user.is_authenticated:
        return set()
    quote = connection.ops.quote_name
    completion, lesson = LessonCompletion._meta, Lesson._meta
    sql = (
        f"SELECT l.{quote(lesson.get_field('slug').column)} FROM {quote(completion.db_table)} AS c"
        f" INNER JOIN {quote(lesson.db_table)} AS l ON l.{quote(lesson.pk.column)} = c.{quote(completion.get_field('lesson').column)}"
        f" WHERE c.{quote(completion.get_field('user').column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return {slug for (slug,) in cursor.fetchall()}


def course_outline(*, user) -> list[OutlineModule]:
    done = completed_slugs(user=user)
    modules = {module.pk: OutlineModule(module.slug, module.title, module.summary) for module in Module.objects.all()}
    lessons = Lesson.objects.only("slug", "title", "summary", "estimated_minutes", "module_id", "order")
    for lesson in lessons:
        modules[lesson.module_id].lessons.append(
            OutlineLesson(
                lesson.slug,
                lesson.title,
                lesson.summary,
                lesson.estimated_minutes,
                lesson.slug in done,
            )
        )
    return [module for module in modules.values() if module.lessons]


def lesson_page(*, slug: str, user) -> LessonPage:
    """A lesson page with the reader's completion marks."""
    return lesson_page_progress(lesson_page_shared(slug=slug), done=completed_slugs(user=user))


def lesson_page_shared(*, slug: str) -> LessonPage:
    """A lesson with its neighbours in its module (the pager stays inside a module; at its end it
    offers the next module) and its prerequisites: what every reader sees, with nothing marked done."""
    # The body, contents and sources are rendered inside fragments cached per content release:
    # read from the database only when a fragment is rendered (a new release), not per view.
    lessons = Lesson.objects.select_related("module", "quiz").defer("body_html", "toc", "sources")
    lesson = get_object_or_404(lessons, slug=slug)
    sequence = list(Lesson.objects.values_list("slug", "title", "module_id", "module__title"))
    titles = {other: title for other, title, _, _ in sequence}
    module = [(other, title) for other, title, module_id, _ in sequence if module_id == lesson.module_id]
    index = next(i for i, (other, _) in enumerate(module) if other == lesson.slug)

    def link(position: int) -> LessonLink | None:
        return lesson_link(*module[position]) if 0 <= position < len(module) else None

    here = next(i for i, row in enumerate(sequence) if row[0] == lesson.slug)
    after = next((row for row in sequence[here + 1 :] if row[2] != lesson.module_id), None)
    page = LessonPage(
        lesson=lesson,
        previous=link(index - 1),
        next=link(index + 1),
        completed=False,
        prerequisites=[lesson_link(other, titles.get(other, other)) for other in lesson.prerequisites],
        position=index + 1,
        total=len(module),
        has_quiz=hasattr(lesson, "quiz"),
    )
    if page.next is None and after is not None:
        page.next_module, page.next_module_title = lesson_link(after[0], after[1]), after[3]
    return page


def lesson_page_progress(page: LessonPage, *, done: set[str]) -> LessonPage:
    """A reader's copy of a shared lesson page, marked with the lessons they completed."""

    def mark(link: LessonLink | None) -> LessonLink | None:
        return replace(link, completed=link.slug in done) if link is not None else None

    return replace(
        page,
        previous=mark(page.previous),
        next=mark(page.next),
        completed=page.lesson.slug in done,
        prerequisites=[mark(link) for link in page.prerequisites],
        next_module=mark(page.next_module),
    )


def learner_progress(*, user) -> Progress:
    modules = course_outline(user=user)
    lessons = [lesson for module in modules for lesson in module.lessons]
    remaining = [lesson for lesson in lessons if not lesson.completed]
    recent = list(LessonCompletion.objects.filter(user=user).select_related("lesson")[:5])
    return Progress(
        modules=modules,
        done=len(lessons) - len(remaining),
        total=len(lessons),
        minutes_left=sum(lesson.estimated_minutes for lesson in remaining),
        next_lesson=remaining[0] if remaining else None,
        recent=recent,
    )
