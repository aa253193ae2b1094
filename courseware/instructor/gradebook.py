"""The gradebook: learners × quizzes and labs, grouped by module, read in a fixed number of queries
whatever the class size, sorted in SQL by any column.

A learner's total is the mean over every activity of the course, quizzes by their grade and labs
by best score over points, counting what was never attempted as 0: a total after one quiz of
seventeen is that quiz's share, not its grade.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, FloatField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from courseware.labrunner import scores as lab_scores
from courseware.quizzes.models import QuizGrade

from . import activities as course
from .activity_log import last_activity

PER_PAGE = 50


@dataclass
class Cell:
    activity: course.Activity
    percent: float | None = None  # None: not attempted
    text: str = ""  # "58%" or "6/10"
    note: str = ""  # "2 attempts", "3 checks"
    detail: str = ""  # the whole story, for a tooltip and screen readers
    done: bool = False  # passed the quiz, or full marks in the lab


@dataclass
class Row:
    user: object
    total: float
    done: int
    cells: list[Cell]
    last_active: tuple | None = None  # (when, what)


@dataclass
class GradebookPage:
    groups: list[course.ModuleGroup]
    rows: list[Row]
    total: int
    page: int
    pages: int
    sort: str
    activity_count: int

    @property
    def columns(self) -> list[course.Activity]:
        return course.flat(self.groups)


def total_expression(activity_count: int):
    """The course total of OuterRef("pk") in SQL: quiz grades and lab percentages over every activity."""
    quiz_sum = (
        QuizGrade.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(total=Sum("grade"))
        .values("total")
    )
    quizzes = Coalesce(Subquery(quiz_sum[:1], output_field=FloatField()), Value(0.0))
    return (quizzes + lab_scores.percent_sum()) / Value(float(max(1, activity_count)))


def sort_keys(columns: list[course.Activity]) -> set[str]:
    return {"learner", "total"} | {column.key for column in columns}


def ordered(users, sort: str, columns: list[course.Activity]):
    descending, field = sort.startswith("-"), sort.lstrip("-")
    if field == "learner":
        return users.order_by("-username" if descending else "username")
    if field != "total":
        activity = next(column for column in columns if column.key == field)
        if activity.kind == "quiz":
            grade = QuizGrade.objects.filter(user=OuterRef("pk"), quiz=activity.quiz).values("grade")[:1]
            users = users.annotate(sort_value=Subquery(grade))
        else:
            users = users.annotate(sort_value=lab_scores.best_score(lab_id=activity.lab.pk))
    column = F("total" if field == "total" else "sort_value")
    return users.order_by(column.desc(nulls_last=True) if descending else column.asc(nulls_last=True), "username")


def gradebook_page(*, search: str = "", group: str = "", sort: str = "learner", page: int = 1) -> GradebookPage:
    groups = course.activities()
    columns = course.flat(groups)
    if sort.lstrip("-") not in sort_keys(columns) or sort.startswith("--"):
        sort = "learner"
    users = course.learners(search, group).annotate(total=total_expression(len(columns)))
    users = ordered(users, sort, columns)
    total = users.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    page_users = list(users[(page - 1) * PER_PAGE : page * PER_PAGE])
    ids = [user.pk for user in page_users]
    grades = {(g.user_id, g.quiz_id): g for g in QuizGrade.objects.filter(user__in=ids)}
    spaces = {(w["user_id"], w["lab_id"]): w for w in lab_scores.workspaces(users=ids)}
    active = last_activity(user_ids=ids)
    rows = []
    for user in page_users:
        cells = [cell_for(column, grades, spaces, user.pk) for column in columns]
        rows.append(Row(user, user.total or 0.0, sum(cell.done for cell in cells), cells, active.get(user.pk)))
    return GradebookPage(groups, rows, total, page, pages, sort, len(columns))


def cell_for(activity: course.Activity, grades: dict, spaces: dict, user_id: int) -> Cell:
    if activity.kind == "quiz":
        grade = grades.get((user_id, activity.quiz.pk))
        if grade is None:
            return Cell(activity, detail="not attempted")
        attempts = f"{grade.attempts} attempt{'s' if grade.attempts != 1 else ''}"
        how = activity.quiz.settings.get("grading", "highest")
        detail = f"{how} of {attempts}: best {grade.best:.0f}%, last {grade.last:.0f}%"
        done = bool(grade.passed)
        return Cell(activity, float(grade.grade), f"{grade.grade:.0f}%", attempts, detail, done)
    space = spaces.get((user_id, activity.lab.pk))
    if space is None:
        return Cell(activity, detail="not started")
    points = activity.lab.points or 1
    checks = f"{space['grade_runs']} check{'s' if space['grade_runs'] != 1 else ''}"
    if not space["grade_runs"]:
        note = "no check yet" if space["run_count"] else "opened"
        return Cell(activity, None, "–", note, f"started, {note}")
    percent = 100 * space["best_score"] / points
    detail = f"best {space['best_score']} of {points} points over {checks}"
    return Cell(activity, percent, f"{space['best_score']}/{points}", checks, detail, space["best_score"] >= points)


def decimal_total(quiz_grades: list[Decimal], lab_percents: list[float], activity_count: int) -> float:
    """The same total as `total_expression`, for rows read outside SQL (the CSV)."""
    return (float(sum(quiz_grades, Decimal(0))) + sum(lab_percents)) / max(1, activity_count)


def headers(book: GradebookPage) -> dict[str, dict]:
    """For each sortable column: the sort a click on its header asks for (scores high first, then
    low; learners A to Z, then Z to A) and its aria-sort while it is the one sorted by."""
    found = {}
    for key in ["learner", "total", *(column.key for column in book.columns)]:
        first = key if key == "learner" else f"-{key}"
        current = book.sort if book.sort.lstrip("-") == key else ""
        found[key] = {
            "next": (key if current == f"-{key}" else f"-{key}") if current else first,
            "aria": ("descending" if current.startswith("-") else "ascending") if current else "",
        }
    return found
