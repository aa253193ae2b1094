"""Lesson pages, rendered once per content release and kept in this process.

An anonymous reader's page is the same for everyone, so it is kept whole. A signed-in learner's
page is a shell every learner shares (`shells.py`), filled per request with that learner's own
parts, read fresh each time: the session and the user as Django's middleware reads them, and their
completions. Nothing personal is kept between requests, so nothing has to be invalidated when a
learner's progress, name or role changes, or when they log out.

What is kept is keyed by the release's digest and only the current release's pages are kept: a
release's pages never change, so another process never has to be told of anything, and a view
costs no round trip to a shared cache (Redis, in production). A sync shows as
`selectors.content_release` says: at once in the syncing process, within two seconds elsewhere.
"""

from django.middleware.csrf import get_token
from django.shortcuts import render

from courseware.accounts.roles import is_instructor

from . import selectors
from .shells import Shell, shell_render

LESSON_TEMPLATE = "catalog/lesson.html"
KEPT_AT_MOST = 2000  # pages of one release (two per lesson); a guard, the course has far fewer


class _Kept:
    """This process's pages of one content release; a page of another release replaces them all."""

    def __init__(self):
        self.release = ""
        self.pages: dict[tuple[str, str], object] = {}

    def get(self, release: str, key: tuple[str, str]):
        return self.pages.get(key) if release == self.release else None

    def put(self, release: str, key: tuple[str, str], page) -> None:
        if release != self.release or len(self.pages) >= KEPT_AT_MOST:
            self.release, self.pages = release, {}
        self.pages[key] = page


_kept = _Kept()


def forget() -> None:
    """Drop every kept page (tests, whose databases reuse a digest with other rows)."""
    _kept.release, _kept.pages = "", {}


def _context(release: str, page: selectors.LessonPage) -> dict:
    return {"page": page, "lesson": page.lesson, "release": release}


def lesson_for_everyone(request, *, release: str, slug: str) -> bytes:
    """The anonymous lesson page: the same bytes for every reader of this release."""
    content = _kept.get(release, ("anonymous", slug))
    if content is None:
        page = selectors.lesson_page_shared(slug=slug)
        content = render(request, LESSON_TEMPLATE, _context(release, page)).content
        _kept.put(release, ("anonymous", slug), content)
    return content


def lesson_for_learner(request, *, release: str, slug: str) -> str:
    """A signed-in learner's lesson page: the shared shell, with their own parts filled in."""
    shell: Shell | None = _kept.get(release, ("learner", slug))
    if shell is None:
        shell = shell_render(request, LESSON_TEMPLATE, _context(release, selectors.lesson_page_shared(slug=slug)))
        _kept.put(release, ("learner", slug), shell)
    done = selectors.completed_slugs(user=request.user)
    page = selectors.lesson_page_progress(shell.context["page"], done=done)
    # The values context processors would give lazily, given already made: each hole reads them
    # again, and a lazy value costs a proxy call at every read.
    made = {"csrf_token": get_token(request), "is_instructor": is_instructor(request.user)}
    return shell.fill(request, {**_context(release, page), **made})
