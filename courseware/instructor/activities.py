"""The course's graded activities, quizzes and labs, in course order and grouped by module: the
columns of the gradebook and its CSV, and the rows of the class at a glance. Nothing here
assumes how many labs or quizzes there are."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from courseware.accounts.roles import INSTRUCTOR_GROUP
from courseware.catalog.models import Lesson, Module
from courseware.labrunner.models import Lab
from courseware.quizzes.models import Quiz


@dataclass
class Activity:
    kind: str  # quiz | lab
    slug: str
    title: str
    order: tuple  # (module position, lesson order, 0 for a quiz / 1 for a lab, lab order)
    quiz: Quiz | None = None
    lab: Lab | None = None

    @property
    def key(self) -> str:
        """How a sort or a CSV column names it: `quiz:<lesson slug>` or `lab:<lab slug>`."""
        return f"{self.kind}:{self.slug}"

    @property
    def points(self) -> int:
        return self.lab.points if self.lab else 100


@dataclass
class ModuleGroup:
    title: str
    activities: list[Activity] = field(default_factory=list)


def activities() -> list[ModuleGroup]:
    """Every quiz and lab, grouped by the module of its lesson (a lab without a lesson goes last,
    under "Other labs"), in course order. Three queries."""
    quizzes = Quiz.objects.select_related("lesson__module").order_by("lesson__order")
    labs = list(Lab.objects.order_by("order", "slug"))
    lessons = {
        lesson.slug: lesson
        for lesson in Lesson.objects.filter(
            slug__in=[lab.lesson_slug for lab in labs if lab.lesson_slug]
        ).select_related("module")
    }
    found: list[tuple[Module | None, Activity]] = []
    for quiz in quizzes:
        lesson = quiz.lesson
        order = (lesson.module.position, lesson.order, 0, 0)
        found.append((lesson.module, Activity("quiz", lesson.slug, lesson.title, order, quiz=quiz)))
    for lab in labs:
        lesson = lessons.get(lab.lesson_slug)
        order = (lesson.module.position, lesson.order, 1, lab.order) if lesson else (10**9, 0, 1, lab.order)
        found.append((lesson.module if lesson else None, Activity("lab", lab.slug, lab.title, order, lab=lab)))
    groups: dict[int | None, ModuleGroup] = {}
    for module, activity in sorted(found, key=lambda pair: pair[1].order):
        group = groups.setdefault(module.pk if module else None, ModuleGroup(module.title if module else "Other labs"))
        group.activities.append(activity)
    return list(groups.values())


def flat(groups: list[ModuleGroup]) -> list[Activity]:
    return [activity for group in groups for activity in group.activities]


def learners(search: str = "", group: str = "") -> QuerySet:
    """Everyone who takes the course: not staff, not instructors; optionally found by name or
    e-mail, and in one group (a cohort)."""
    users = get_user_model().objects.filter(is_staff=False, is_superuser=False).exclude(groups__name=INSTRUCTOR_GROUP)
    if search:
        users = users.filter(Q(username__icontains=search) | Q(email__icontains=search))
    if group:
        users = users.filter(groups__name=group)
    return users


def cohorts() -> list[str]:
    """The groups an instructor can filter by: Django's auth groups, the instructors' own aside."""
    return list(Group.objects.exclude(name=INSTRUCTOR_GROUP).order_by("name").values_list("name", flat=True))
