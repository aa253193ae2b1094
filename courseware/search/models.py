"""The site search's index: one row per lesson section, lab section and quiz, filled by `content
sync` from the files (the files in git are the truth; a sync fills the index).

The full-text index itself is the database's own: on PostgreSQL a `tsvector` column with a GIN
index (filled at sync with SearchVector), on SQLite an FTS5 table over these rows (rebuilt at
sync). Migration 0001 creates whichever the database has; `selectors.search` asks it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

GIN_INDEX = "search_vector_gin"
FTS_TABLE = "search_fts"  # SQLite: the FTS5 table over search_searchdocument


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        LESSON = "lesson"
        LAB = "lab"
        QUIZ = "quiz"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=80)  # the lesson's or the lab's (a quiz: its lesson's)
    anchor = models.CharField(max_length=200, blank=True)  # a heading's id on that page
    title = models.CharField(max_length=400)
    body = models.TextField()  # plain text: what the page shows, never answers or solutions
    position = models.PositiveIntegerField()  # course order, to break ties
    vector = SearchVectorField(null=True, editable=False)  # PostgreSQL only

    class Meta:
        ordering = ["position"]
        indexes = [GinIndex(fields=["vector"], name=GIN_INDEX)]  # created on PostgreSQL only (0001)

    def __str__(self) -> str:
        return self.title
