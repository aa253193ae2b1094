"""Reads for the site search: a query in, the best matching sections out, each with a snippet.

PostgreSQL: the stored `tsvector` (GIN-indexed) against a prefix `tsquery`, ranked by ts_rank,
with ts_headline's snippet. SQLite: the FTS5 table, ranked by bm25 (titles weigh more), with its
snippet(). Either way each word of the query must match, as a word or the start of one, so
results come as the learner types. The query is cut into plain words first: no operator syntax
reaches either engine, whatever is typed.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import FTS_TABLE, SearchDocument

WORD_RE = re.compile(r"\w+")
MAX_WORDS = 8
START, STOP = "\x02", "\x03"  # around each match in a snippet; marked up after escaping
URL_NAMES = {"lesson": "catalog:lesson", "lab": "labrunner:lab", "quiz": "quizzes:quiz"}


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString


def query_words(query: str) -> list[str]:
    return WORD_RE.findall(query.lower())[:MAX_WORDS]


def search(*, query: str, limit: int = 20) -> list[Hit]:
    words = query_words(query)
    if not words:
        return []
    found = _postgresql(words, limit) if connection.vendor == "postgresql" else _sqlite(words, limit)
    return [
        Hit(kind, title, reverse(URL_NAMES[kind], args=[slug]) + (f"#{anchor}" if anchor else ""), _marked(snippet))
        for kind, slug, anchor, title, snippet in found
    ]


def _marked(snippet: str) -> SafeString:
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 (escaped)


def _postgresql(words: list[str], limit: int) -> list[tuple]:
    tsquery = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config="english")
    rows = (
        SearchDocument.objects.filter(vector=tsquery)
        .annotate(
            rank=SearchRank(F("vector"), tsquery),
            snippet=SearchHeadline(
                "body", tsquery, config="english", start_sel=START, stop_sel=STOP, max_words=30, min_words=12
            ),
        )
        .order_by("-rank", "position")
        .values_list("kind", "slug", "anchor", "title", "snippet")[:limit]
    )
    return list(rows)


def _sqlite(words: list[str], limit: int) -> list[tuple]:
    match = " ".join(f'"{word}"*' for word in words)  # every word, each as a word or a prefix
    sql = (
        f"SELECT d.kind, d.slug, d.anchor, d.title, snippet({FTS_TABLE}, 1, char(2), char(3), '…', 24) "
        f"FROM {FTS_TABLE} JOIN search_searchdocument d ON d.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s ORDER BY bm25({FTS_TABLE}, 8.0, 1.0), d.position LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, limit])
        return cursor.fetchall()
