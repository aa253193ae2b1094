#!/usr/bin/env python
"""Gradebook CSV export for 10,000 learners × 30 quizzes, against a bare baseline.

Fills a scratch database (SQLite by default; DATABASE_URL to use PostgreSQL) with 10,000
learners and a graded entry for each of 30 quizzes (300,000 rows), then times, in one run:
  - baseline: one raw SQL query over the same rows, written with csv.writer (no Django);
  - the real export: courseware.instructor.gradebook.gradebook_csv(), fully consumed;
  - the first gradebook page sorted by average (the HTML view's query work).

    .venv/bin/python bench/gradebook.py [--learners 10000] [--quizzes 30]
"""

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--quizzes", type=int, default=30)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch.name}/gradebook.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseware.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from courseware.catalog.models import Lesson, Module
    from courseware.instructor.gradebook import gradebook_csv, gradebook_page
    from courseware.quizzes.models import Quiz, QuizGrade

    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    started = time.perf_counter()
    module = Module.objects.create(slug="bench", title="Bench", summary="", position=0)
    now = timezone.now()
    quizzes = []
    for i in range(args.quizzes):
        lesson = Lesson.objects.create(
            slug=f"lesson-{i}",
            title=f"Lesson {i}",
            module=module,
            order=i + 1,
            summary="",
            estimated_minutes=5,
            body_html="",
            source_path="",
            content_hash="",
            synced_at=now,
        )
        quizzes.append(
            Quiz.objects.create(lesson=lesson, title=f"Quiz {i}", settings={}, source_path="", content_hash="")
        )
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"learner{i:05d}", email=f"learner{i}@example.test") for i in range(args.learners)],
        batch_size=2000,
    )
    grades = (
        QuizGrade(
            user=user,
            quiz=quiz,
            attempts=1 + (i % 3),
            best=(i * 7) % 101,
            last=(i * 3) % 101,
            first=(i * 5) % 101,
            average=(i * 4) % 101,
            grade=(i * 7) % 101,
            passed=(i * 7) % 101 >= 70,
        )
        for i, (user, quiz) in enumerate((user, quiz) for user in users for quiz in quizzes)
    )
    batch = []
    for item in grades:
        batch.append(item)
        if len(batch) == 10_000:
            QuizGrade.objects.bulk_create(batch)
            batch = []
    QuizGrade.objects.bulk_create(batch)
    print(
        f"setup: {args.learners} learners x {args.quizzes} quizzes = {QuizGrade.objects.count()} grades "
        f"on {connection.vendor} in {time.perf_counter() - started:.1f}s"
    )

    def baseline() -> int:
        out = io.StringIO()
        writer = csv.writer(out)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.username, u.email, g.quiz_id, g.grade, g.best, g.last, g.attempts "
                "FROM quizzes_quizgrade g JOIN auth_user u ON u.id = g.user_id ORDER BY u.username, g.quiz_id"
            )
            for row in cursor:
                writer.writerow(row)
        return len(out.getvalue())

    def export() -> int:
        return sum(len(line) for line in gradebook_csv())

    def first_page() -> int:
        return len(gradebook_page(sort="-average").rows)

    results = {}
    for name, function in [("baseline", baseline), ("export", export), ("page", first_page)]:
        timings = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                size = function()
                timings.append(time.perf_counter() - began)
        results[name] = (min(timings), size, len(queries.captured_queries))
    base = results["baseline"][0]
    print("best of 3 runs:")
    print(
        f"  baseline: raw SQL + csv.writer          {results['baseline'][0]:7.3f}s  {results['baseline'][1]:>10,} bytes  {results['baseline'][2]} queries"
    )
    print(
        f"  gradebook CSV export (streamed)         {results['export'][0]:7.3f}s  {results['export'][1]:>10,} bytes  {results['export'][2]} queries  ({results['export'][0] / base:.2f}x baseline)"
    )
    print(
        f"  gradebook page 1, sorted by average     {results['page'][0]:7.3f}s  {results['page'][1]:>10,} rows   {results['page'][2]} queries  ({results['page'][0] / base:.2f}x baseline)"
    )
    scratch.cleanup()


if __name__ == "__main__":
    main()
