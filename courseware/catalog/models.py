"""The lesson index. Files in `lessons/` are the source of truth; `content sync` fills these rows.

Rendered HTML is stored at sync so a lesson page does no Markdown work per request.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse


class ContentRelease(models.Model):
    """One row per sync that changed anything; its id keys the caches of rendered pages."""

    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    lessons = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"release {self.pk} ({self.lessons} lessons, {self.created_at:%Y-%m-%d %H:%M})"


class Module(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    position = models.PositiveIntegerField(db_index=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    order = models.PositiveIntegerField(db_index=True)
    summary = models.TextField()
    objectives = models.JSONField(default=list)
    estimated_minutes = models.PositiveIntegerField()
    prerequisites = models.JSONField(default=list, help_text="Slugs of lessons to read first.")
    sources = models.JSONField(default=list)
    body_html = models.TextField(help_text="Rendered and sanitised at sync.")
    toc = models.JSONField(default=list)
    labs = models.JSONField(default=list, help_text="The labs that practise this lesson: slug, title, order.")
    source_path = models.CharField(max_length=300)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:lesson", args=[self.slug])


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")]
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return f"{self.user} completed {self.lesson}"
