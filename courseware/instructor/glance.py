"""The class at a glance: for every quiz and lab, how far the class got and who is stuck; for one
lab, how many learners passed each check; for one quiz, how many got each question right. Each
page reads in a fixed number of queries, whatever the size of the class."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.timezone import now as utc_now

from courseware.labrunner import progress as lab_progress
from courseware.labrunner import scores as lab_scores
from courseware.quizzes.models import Attempt, Quiz, QuizGrade, Response

from . import activities as course
from . import stuck
from .statistics import prompt_summary


@dataclass
class StuckLearner:
    user: object
    reasons: list[str]
    score: str = ""
    detail: str = ""


@dataclass
class Glance:
    activity: course.Activity
    learners: int
    started: int = 0
    finished: int = 0  # passed the quiz, or full marks in the lab
    average: float | None = None  # percent, over those who started
    stuck: list[StuckLearner] = field(default_factory=list)

    def share(self, count: int) -> int:
        return round(100 * count / self.learners) if self.learners else 0


def overview(*, group: str = "") -> tuple[list[course.ModuleGroup], dict[str, Glance], int]:
    """Every activity's glance (keyed by `Activity.key`), the module groups, the learner count."""
    groups = course.activities()
    users = course.learners(group=group)
    count = users.count()
    quizzes = [a for a in course.flat(groups) if a.kind == "quiz"]
    labs = [a for a in course.flat(groups) if a.kind == "lab"]
    glances = {a.key: Glance(a, count) for a in course.flat(groups)}
    by_pk = {a.quiz.pk: glances[a.key] for a in quizzes}
    stats = QuizGrade.objects.filter(user__in=users).order_by().values("quiz_id")
    for row in stats.annotate(passed=Count("pk", filter=Q(passed=True)), mean=Avg("grade")):
        by_pk[row["quiz_id"]].finished, by_pk[row["quiz_id"]].average = row["passed"], float(row["mean"])
    started = Attempt.objects.filter(user__in=users).order_by().values("quiz_id")
    for row in started.annotate(learners=Count("user", distinct=True)):
        by_pk[row["quiz_id"]].started = row["learners"]
    for user_id, quiz_id, reasons in quiz_stuck(users=users, quizzes=[a.quiz for a in quizzes]):
        by_pk[quiz_id].stuck.append(StuckLearner(user_id, reasons))
    for glance in lab_glances(users=users, labs=labs, glances=glances):
        glances[glance.activity.key] = glance
    return groups, glances, count


def quiz_stuck(*, users, quizzes: list[Quiz]):
    """(user id, quiz id, reasons) for each stuck learner of `quizzes`: three queries, each reading
    only the learners who may be stuck (no pass yet, or an attempt left open too long)."""
    unpassed = QuizGrade.objects.filter(user__in=users, quiz__in=quizzes, passed=False)
    best = {(user, quiz): value for user, quiz, value in unpassed.values_list("user_id", "quiz_id", "best")}
    counts = (
        Attempt.objects.filter(user__in=users, quiz__in=quizzes)
        .filter(Exists(unpassed.filter(user=OuterRef("user"), quiz=OuterRef("quiz"))))
        .order_by()
        .values("user_id", "quiz_id")
        .annotate(
            submitted=Count("pk", filter=Q(state=Attempt.State.SUBMITTED)),
            total=Count("pk"),
            open=Count("pk", filter=Q(state=Attempt.State.IN_PROGRESS)),
        )
    )
    found = {(row["user_id"], row["quiz_id"]): row for row in counts}
    cutoff = utc_now() - stuck.IDLE
    idle = defaultdict(list)
    open_attempts = (
        Attempt.objects.filter(user__in=users, quiz__in=quizzes, state=Attempt.State.IN_PROGRESS)
        .annotate(touched=Coalesce(Max("responses__updated_at"), "started_at"))
        .filter(touched__lt=cutoff)
        .values_list("user_id", "quiz_id", "touched")
    )
    for user_id, quiz_id, touched in open_attempts:
        idle[(user_id, quiz_id)].append(touched)
    allowed = {quiz.pk: quiz.settings.get("attempts", 0) for quiz in quizzes}
    for pair in found.keys() | idle.keys():
        row = found.get(pair, {"submitted": 0, "total": 0, "open": 1})
        reasons = stuck.quiz_reasons(
            best=best.get(pair),
            submitted=row["submitted"],
            attempts=row["total"],
            open_attempt=bool(row["open"]),
            idle=idle.get(pair, []),
            allowed=allowed[pair[1]],
        )
        if reasons:
            yield pair[0], pair[1], reasons


def lab_glances(*, users, labs: list[course.Activity], glances: dict[str, Glance]) -> list[Glance]:
    """Started, full marks, average and who is stuck, per lab: two queries for every lab."""
    by_pk = {a.lab.pk: glances[a.key] for a in labs}
    runs = defaultdict(list)
    for run in lab_progress.repeated_failures(users=users, labs=list(by_pk), repeats=stuck.REPEATS):
        runs[(run.user_id, run.lab_id)].append(run)
    scores = defaultdict(list)
    for space in lab_scores.workspaces(users=users, labs=list(by_pk)):
        glance = by_pk[space["lab_id"]]
        points = glance.activity.lab.points
        if not space["run_count"]:
            continue  # opening a lab page makes a workspace; running something starts it
        glance.started += 1
        glance.finished += space["best_score"] >= points
        scores[space["lab_id"]].append(100 * space["best_score"] / points if points else 0)
        reasons = stuck.lab_reasons(workspace=space, runs=runs[(space["user_id"], space["lab_id"])], points=points)
        if reasons:
            glance.stuck.append(StuckLearner(space["user_id"], reasons, f"{space['best_score']}/{points}"))
    for lab_id, found in scores.items():
        by_pk[lab_id].average = sum(found) / len(found)
    return list(by_pk.values())


def with_users(stuck_list: list[StuckLearner], users) -> list[StuckLearner]:
    """Replace user ids by users (one query), sorted by username."""
    found = {user.pk: user for user in users.filter(pk__in=[item.user for item in stuck_list])}
    for item in stuck_list:
        item.user = found[item.user]
    return sorted(stuck_list, key=lambda item: item.user.username)


@dataclass
class Reach:
    key: str
    title: str
    learners: int  # who reached it: passed the check, or got the question right
    tried: int | None = None  # quizzes: who answered the question
    prompt: str = ""


def lab_page(*, activity: course.Activity, group: str = "") -> tuple[Glance, list[Reach]]:
    users = course.learners(group=group)
    glance = Glance(activity, users.count())
    lab_glances(users=users, labs=[activity], glances={activity.key: glance})
    checks = lab_progress.check_reach(lab=activity.lab, users=users)
    reach = [Reach(check.name, check.title, len(check.learners)) for check in checks]
    glance.stuck = with_users(glance.stuck, users)
    return glance, reach


def quiz_page(*, activity: course.Activity, group: str = "") -> tuple[Glance, list[Reach]]:
    users = course.learners(group=group)
    quiz = activity.quiz
    glance = Glance(activity, users.count())
    grades = QuizGrade.objects.filter(user__in=users, quiz=quiz).aggregate(
        passed=Count("pk", filter=Q(passed=True)), mean=Avg("grade")
    )
    glance.finished, glance.average = grades["passed"], grades["mean"] and float(grades["mean"])
    glance.started = Attempt.objects.filter(user__in=users, quiz=quiz).values("user").distinct().count()
    glance.stuck = [
        StuckLearner(user_id, reasons) for user_id, _quiz, reasons in quiz_stuck(users=users, quizzes=[quiz])
    ]
    glance.stuck = with_users(glance.stuck, users)
    answered = (
        Response.objects.filter(attempt__quiz=quiz, attempt__user__in=users, attempt__state=Attempt.State.SUBMITTED)
        .exclude(answer__isnull=True)
        .order_by()
        .values("question_id")
        .annotate(
            right=Count("attempt__user", filter=Q(fraction__gte=1 - 1e-9), distinct=True),
            tried=Count("attempt__user", distinct=True),
        )
    )
    counts = {row["question_id"]: row for row in answered}
    reach = []
    for question in quiz.questions.filter(retired=False).order_by("position"):
        row = counts.get(question.pk, {"right": 0, "tried": 0})
        reach.append(Reach(question.key, question.key, row["right"], row["tried"], prompt_summary(question.spec, 90)))
    return glance, reach
