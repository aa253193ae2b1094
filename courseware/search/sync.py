"""`content sync` for the search index: the course's documents replace the index in one go.

Called by `courseware.course.services.content_sync` inside its transaction, so the index always
matches the content imported with it, and a sync that fails leaves the old one.
"""

from dataclasses import asdict

from django.contrib.postgres.search import SearchVector
from django.db import connection

from .documents import Document
from .models import FTS_TABLE, SearchDocument


def search_sync(*, documents: list[Document]) -> int:
    SearchDocument.objects.all().delete()
    SearchDocument.objects.bulk_create(SearchDocument(**asdict(document)) for document in documents)
    index_refresh()
    return len(documents)


def index_refresh() -> None:
    """Bring the database's own full-text index up to date with the rows: titles weigh more."""
    if connection.vendor == "postgresql":
        title = SearchVector("title", weight="A", config="english")
        SearchDocument.objects.update(vector=title + SearchVector("body", weight="B", config="english"))
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    else:
        raise NotImplementedError(f"site search runs on PostgreSQL or SQLite, not {connection.vendor}")
