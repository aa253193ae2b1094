"""Lesson content: files in git are the source of truth.

This package reads and validates `lessons/` and renders Markdown. It never touches the database;
`courseware.catalog.services.content_sync` imports what it returns.
"""

from .loader import load_course
from .problems import ContentProblem
from .sources import Course, LessonSource, ModuleSource

__all__ = ["ContentProblem", "Course", "LessonSource", "ModuleSource", "load_course"]
