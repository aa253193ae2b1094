"""Site search over lessons, labs and quiz prompts, filled by `content sync`.

These run on whichever database the suite runs on: on SQLite they exercise the FTS5 table
(bm25, snippet()), on PostgreSQL the tsvector column with its GIN index (ts_rank, ts_headline);
`test_the_database_s_own_full_text_index_is_used` checks that the right one exists and answers."""

import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from courseware.course import services as course_services
from courseware.search.documents import html_sections
from courseware.search.models import FTS_TABLE, GIN_INDEX, SearchDocument
from courseware.search.selectors import search

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course_services.content_sync()  # the real lessons/ and labs/
    return course_services.content_load()


def text_of(html: str | None) -> str:
    return html_sections(html or "")[0][2]


def test_a_sync_fills_the_index_with_lesson_sections_labs_and_quizzes(course):
    documents = SearchDocument.objects.all()
    assert {"lesson", "lab", "quiz"} == set(documents.values_list("kind", flat=True))
    assert documents.filter(kind="quiz").count() == len(course.quizzes)
    hits = search(query="cold start")
    assert hits and {"lesson", "lab"} <= {hit.kind for hit in hits}
    section = next(hit for hit in hits if hit.kind == "lesson")
    assert re.fullmatch(r"/lessons/[\w-]+/#[\w-]+", section.url)  # straight to the section
    assert "<mark>" in str(section.snippet)


def test_words_match_as_they_are_typed_and_every_word_counts():
    course_services.content_sync()
    assert search(query="idempot")  # the start of a word is enough
    assert search(query="visibility timeout")
    assert not search(query="visibility zzqqxx")  # every word must match


def test_quiz_prompts_are_found_and_link_to_the_quiz(course):
    hits = [hit for hit in search(query="telemetry pipeline batches") if hit.kind == "quiz"]
    assert hits and hits[0].url == reverse("quizzes:quiz", args=["what-is-serverless"])


def test_nothing_a_learner_must_not_see_is_indexed(course):
    bodies = " ".join(SearchDocument.objects.values_list("body", flat=True))
    # A quiz's document holds its prompts only (a lesson may well say what an explanation says).
    quizzes = " ".join(SearchDocument.objects.filter(kind="quiz").values_list("body", flat=True))
    secrets = []  # explanations, feedback and right answers, as plain text
    for quiz in course.quizzes:
        for question in quiz.questions:
            secrets.append((question["id"], text_of(question.get("explanation_html"))))
            for choice in question.get("choices") or []:
                secrets.append((question["id"], text_of(choice.get("feedback_html"))))
                if choice.get("correct"):
                    secrets.append((question["id"], text_of(choice.get("html"))))
    checked = [(key, secret[:80]) for key, secret in secrets if len(secret) >= 30]
    assert len(checked) > 100  # the test looks at something
    for key, secret in checked:
        assert secret not in quizzes, key
    solution = (settings.CONTENT_DIR / "labs" / "hello-lambda" / "solution" / "handler.py").read_text()
    assert "module level: runs once per execution environment" in solution
    assert "module level: runs once per execution environment" not in bodies
    assert "should be greeted as world" not in bodies  # a hidden check's message


def test_odd_input_is_only_words(course):
    for query in ('"', "AND OR NOT", "x* NEAR(", "'; DROP TABLE search_fts; --", "a:* & !b", "(", "ünïcödé"):
        search(query=query)  # no syntax error from either engine
    assert search(query="   ") == []
    assert SearchDocument.objects.exists()


def test_a_sync_replaces_the_index(course, content):
    course_services.content_sync()  # the scratch course of conftest: two lessons, no quizzes
    assert not search(query="cold start")
    assert {hit.url for hit in search(query="intro")} >= {"/lessons/intro/"}


def test_the_search_page_and_its_htmx_results(client, course):
    page = client.get(reverse("search:search"), {"q": "dead-letter queue"}).content.decode()
    assert 'role="search"' in page and "result" in page and "<mark>" in page
    partial = client.get(reverse("search:search"), {"q": "dead-letter"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<section id="search-results"') and "<html" not in body
    nothing = client.get(reverse("search:search"), {"q": "zzqqxx"}).content.decode()
    assert "Nothing found for “zzqqxx”" in nothing


def test_the_database_s_own_full_text_index_is_used(course):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [GIN_INDEX])
            assert "USING gin (vector)" in cursor.fetchone()[0]
            assert not SearchDocument.objects.filter(vector__isnull=True).exists()
            # A course's few hundred rows are a sequential scan's; with that off, the planner
            # shows the GIN index answers the search (as it does by itself at scale).
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute(
                    "EXPLAIN (FORMAT JSON) SELECT id FROM search_searchdocument WHERE vector @@ to_tsquery('lambda')"
                )
                plan = cursor.fetchone()[0]
            finally:
                cursor.execute("RESET enable_seqscan")
            assert GIN_INDEX in (plan if isinstance(plan, str) else json.dumps(plan))
        else:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'lambda'")
            assert cursor.fetchone()[0] > 10
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            assert "fts5" in cursor.fetchone()[0]
