"""The gradebook: learners × quizzes, read in a fixed number of queries whatever the class size."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Avg, F, OuterRef, Q, Subquery

from courseware.accounts.roles import INSTRUCTOR_GROUP
from courseware.quizzes.models import Quiz, QuizGrade

PER_PAGE = 50


def learners(search: str = ""):
    users = get_user_model().objects.filter(is_staff=False, is_superuser=False).exclude(groups__name=INSTRUCTOR_GROUP)
    if search:
        users = users.filter(Q(username__icontains=search) | Q(email__icontains=search))
    return users


@dataclass
class GradebookPage:
    quizzes: list[Quiz]
    rows: list[tuple]  # (user, average, [QuizGrade | None per quiz])
    total: int
    page: int
    pages: int
    sort: str


def sort_options(quizzes: list[Quiz]) -> dict[str, str]:
    options = {
        "learner": "Learner (A–Z)",
        "-learner": "Learner (Z–A)",
        "-average": "Average (high first)",
        "average": "Average (low first)",
    }
    for quiz in quizzes:
        options[f"-quiz:{quiz.lesson.slug}"] = f"{quiz.lesson.title} (high first)"
        options[f"quiz:{quiz.lesson.slug}"] = f"{quiz.lesson.title} (low first)"
    return options


def gradebook_page(*, search: str = "", sort: str = "learner", page: int = 1) -> GradebookPage:
    quizzes = list(Quiz.objects.select_related("lesson").order_by("lesson__order"))
    if sort not in sort_options(quizzes):
        sort = "learner"
    users = learners(search).annotate(average=Avg("quiz_grades__grade"))
    descending, field = sort.startswith("-"), sort.lstrip("-")
    if field == "learner":
        users = users.order_by("-username" if descending else "username")
    else:
        if field != "average":
            slug = field.split(":", 1)[1]
            grade = QuizGrade.objects.filter(user=OuterRef("pk"), quiz__lesson__slug=slug).values("grade")[:1]
            users = users.annotate(sort_grade=Subquery(grade))
        column = F("average" if field == "average" else "sort_grade")
        users = users.order_by(column.desc(nulls_last=True) if descending else column.asc(nulls_last=True), "username")
    total = users.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    page_users = list(users[(page - 1) * PER_PAGE : page * PER_PAGE])
    grades = {(g.user_id, g.quiz_id): g for g in QuizGrade.objects.filter(user__in=[u.pk for u in page_users])}
    rows = [(user, user.average, [grades.get((user.pk, quiz.pk)) for quiz in quizzes]) for user in page_users]
    return GradebookPage(quizzes, rows, total, page, pages, sort)


class _Echo:
    def write(self, value):
        return value


def gradebook_csv(*, search: str = "") -> Iterator[str]:
    """CSV rows for every learner × quiz: two queries, streamed, whatever the class size."""
    quizzes = list(Quiz.objects.select_related("lesson").order_by("lesson__order"))
    writer = csv.writer(_Echo())
    header = ["username", "email"]
    for quiz in quizzes:
        header += [
            f"{quiz.lesson.slug} grade",
            f"{quiz.lesson.slug} best",
            f"{quiz.lesson.slug} last",
            f"{quiz.lesson.slug} attempts",
        ]
    yield writer.writerow(header)
    position = {quiz.pk: index for index, quiz in enumerate(quizzes)}
    grades = (
        QuizGrade.objects.filter(user__in=learners(search))
        .order_by("user__username", "user_id")
        .values_list("user_id", "quiz_id", "grade", "best", "last", "attempts")
        .iterator(chunk_size=5000)
    )
    pending = next(grades, None)
    for user_id, username, email in (
        learners(search).order_by("username", "pk").values_list("pk", "username", "email").iterator(chunk_size=5000)
    ):
        cells = [["", "", "", "0"] for _ in quizzes]
        while pending is not None and pending[0] == user_id:
            _user, quiz_id, grade, best, last, attempts = pending
            cells[position[quiz_id]] = [f"{grade:.2f}", f"{best:.2f}", f"{last:.2f}", str(attempts)]
            pending = next(grades, None)
        yield writer.writerow([username, email, *[value for cell in cells for value in cell]])
