"""The gradebook as CSV, streamed: every learner × every quiz and lab, in a fixed number of
queries (four server-side cursors, merged in Python, each ordered by username) whatever the size
of the class."""

import csv
from collections.abc import Iterator
from decimal import Decimal

from courseware.labrunner import scores as lab_scores
from courseware.quizzes.models import QuizGrade

from . import activities as course
from .gradebook import decimal_total


class _Echo:
    def write(self, value):
        return value


def header(columns: list[course.Activity]) -> list[str]:
    names = ["username", "email", "groups", "total %"]
    for column in columns:
        if column.kind == "quiz":
            names += [f"{column.slug} {part}" for part in ("grade", "best", "last", "attempts")]
        else:
            names += [f"lab {column.slug} best (of {column.points})", f"lab {column.slug} checks"]
    return names


def take(rows: Iterator, pending: list, user_id: int) -> list[tuple]:
    """The rows of `user_id` from an iterator ordered by user, keeping one row of look-ahead."""
    found = []
    while pending[0] is not None and pending[0][0] == user_id:
        found.append(pending[0])
        pending[0] = next(rows, None)
    return found


def gradebook_csv(*, search: str = "", group: str = "") -> Iterator[str]:
    columns = course.flat(course.activities())
    writer = csv.writer(_Echo())
    yield writer.writerow(header(columns))
    users = course.learners(search, group)
    quiz_at = {c.quiz.pk: i for i, c in enumerate(columns) if c.kind == "quiz"}
    lab_at = {c.lab.pk: i for i, c in enumerate(columns) if c.kind == "lab"}
    order = ("user__username", "user_id")
    streams = {
        "grades": QuizGrade.objects.filter(user__in=users)
        .order_by(*order)
        .values_list("user_id", "quiz_id", "grade", "best", "last", "attempts")
        .iterator(chunk_size=5000),
        "labs": lab_scores.score_rows(users=users),
        "groups": users.model.groups.through.objects.filter(user__in=users)
        .order_by(*order)
        .values_list("user_id", "group__name")
        .iterator(chunk_size=5000),
    }
    pending = {name: [next(stream, None)] for name, stream in streams.items()}
    for user_id, username, email in (
        users.order_by("username", "pk").values_list("pk", "username", "email").iterator(chunk_size=5000)
    ):
        cells: list[list[str]] = [["", "", "", "0"] if c.kind == "quiz" else ["", "0"] for c in columns]
        quiz_grades, lab_percents = [], []
        for _user, quiz_id, grade, best, last, attempts in take(streams["grades"], pending["grades"], user_id):
            cells[quiz_at[quiz_id]] = [f"{grade:.2f}", f"{best:.2f}", f"{last:.2f}", str(attempts)]
            quiz_grades.append(grade)
        for _user, lab_id, best, grade_runs in take(streams["labs"], pending["labs"], user_id):
            column = columns[lab_at[lab_id]]
            cells[lab_at[lab_id]] = [str(best), str(grade_runs)]
            lab_percents.append(100 * best / column.points if column.points else 0.0)
        names = sorted(name for _user, name in take(streams["groups"], pending["groups"], user_id))
        total = decimal_total(quiz_grades or [Decimal(0)], lab_percents, len(columns))
        row = [username, email, "; ".join(names), f"{total:.2f}", *[value for cell in cells for value in cell]]
        yield writer.writerow(row)
