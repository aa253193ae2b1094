#!/usr/bin/env python
"""The gradebook and the class pages for a large class, against a bare baseline, in one run.

Fills a scratch database (SQLite by default; DATABASE_URL to use PostgreSQL) with N learners, a
graded entry for each of Q quizzes, and in each of L labs a workspace, a version, a deploy, an
invoke and C progress checks per learner (the runs shaped as the lab runner stores them, the
invoke with a log); a third of the learners fail the same check every time (stuck), the rest
have full marks. Then times, best of 3:
  - baseline: one raw SQL query over the quiz grades and lab scores, written with csv.writer;
  - the gradebook CSV export (streamed; quizzes and labs), fully consumed;
  - the first gradebook page sorted by the course total, and by one lab's score;
  - the class at a glance (every quiz and lab, and who is stuck in each);
  - one lab's class page (checks reached, who is stuck) and one learner's record.

    .venv/bin/python bench/gradebook.py [--learners 10000] [--quizzes 30] [--labs 13] [--checks 3]
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


def setup_django(scratch: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/gradebook.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseware.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(args) -> tuple[list, list, list]:
    from django.core.management import call_command
    from django.db import connection

    from courseware.quizzes.models import QuizGrade
    from tests.instructor import classroom

    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)
    quizzes, labs = classroom.course(quizzes=args.quizzes, labs=args.labs)
    users = classroom.learners(args.learners)
    batch = []
    for i, (user, quiz) in enumerate((user, quiz) for user in users for quiz in quizzes):
        value = (i * 7) % 101
        batch.append(
            QuizGrade(user=user, quiz=quiz, attempts=1 + (i % 3), best=value, last=(i * 3) % 101,
                      first=(i * 5) % 101, average=(i * 4) % 101, grade=value, passed=value >= 70)
        )  # fmt: skip
        if len(batch) == 10_000:
            QuizGrade.objects.bulk_create(batch)
            batch = []
    QuizGrade.objects.bulk_create(batch)
    for start in range(0, len(users), 500):  # a slice at a time keeps the run list in memory small
        # Two slices in three reach full marks; the third fails the same check each time (stuck).
        score = 5 if (start // 500) % 3 == 0 else 10
        classroom.lab_work(users[start : start + 500], labs, grade_runs=args.checks, score=score)
    return quizzes, labs, users


def baseline(connection) -> int:
    out = io.StringIO()
    writer = csv.writer(out)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, u.email, g.quiz_id, g.grade, g.best, g.last, g.attempts "
            "FROM quizzes_quizgrade g JOIN auth_user u ON u.id = g.user_id ORDER BY u.username, g.quiz_id"
        )
        for row in cursor:
            writer.writerow(row)
        cursor.execute(
            "SELECT u.username, w.lab_id, w.best_score FROM labrunner_labworkspace w "
            "JOIN auth_user u ON u.id = w.user_id ORDER BY u.username, w.lab_id"
        )
        for row in cursor:
            writer.writerow(row)
    return len(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--quizzes", type=int, default=30)
    parser.add_argument("--labs", type=int, default=13)
    parser.add_argument("--checks", type=int, default=3, help="progress checks per learner per lab")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    setup_django(scratch.name)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courseware.instructor import glance, gradebook, gradebook_csv, selectors
    from courseware.labrunner.models import LabRun

    started = time.perf_counter()
    quizzes, labs, users = fill(args)
    print(
        f"setup: {args.learners} learners x {args.quizzes} quizzes x {args.labs} labs "
        f"({LabRun.objects.count():,} lab runs) on {connection.vendor} in {time.perf_counter() - started:.1f}s"
    )
    lab_activity = selectors.activity_get(kind="lab", slug=labs[0].slug)
    measured = [
        ("baseline: raw SQL + csv.writer", lambda: baseline(connection)),
        ("gradebook CSV export (streamed)", lambda: sum(len(line) for line in gradebook_csv.gradebook_csv())),
        ("gradebook page 1, by total", lambda: len(gradebook.gradebook_page(sort="-total").rows)),
        ("gradebook page 1, by a lab", lambda: len(gradebook.gradebook_page(sort=f"-lab:{labs[-1].slug}").rows)),
        ("class at a glance (all)", lambda: len(glance.overview()[1])),
        ("one lab's class page", lambda: len(glance.lab_page(activity=lab_activity)[0].stuck)),
        ("one learner's record", lambda: len(selectors.learner_record(user_id=users[0].pk)["labs"])),
    ]
    results = {}
    for name, function in measured:
        timings = []
        for _ in range(3):
            connection.queries_log.clear()  # the setup filled the log; a full log counts nothing
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                size = function()
                timings.append(time.perf_counter() - began)
        results[name] = (min(timings), size, len(queries.captured_queries))
    base = results[measured[0][0]][0]
    print("best of 3 runs:")
    for name, (seconds, size, count) in results.items():
        print(f"  {name:36} {seconds:7.3f}s  {size:>12,}  {count:2} queries  ({seconds / base:5.2f}x baseline)")
    scratch.cleanup()


if __name__ == "__main__":
    main()
