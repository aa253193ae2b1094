"""Reads across the course: a learner's dashboard, lessons, quizzes and labs together."""

from dataclasses import dataclass
from datetime import datetime

from courseware.catalog.selectors import Progress, learner_progress
from courseware.labrunner import scores
from courseware.labrunner.models import Lab
from courseware.labrunner.selectors import LabStanding, lab_list_with_scores
from courseware.quizzes.models import Quiz, QuizGrade
from courseware.quizzes.selectors import learner_quiz_grades


@dataclass
class Badge:
    """A course badge a learner earned: full marks in a challenge lab."""

    title: str  # the lab's `badge`, "Serverless course: capstone complete"
    lab: Lab
    earned_at: datetime | None  # when a progress check first gave full marks


@dataclass
class Dashboard:
    progress: Progress  # lessons
    quiz_grades: list[QuizGrade]
    quizzes: int  # how many quizzes the course has
    labs: list[LabStanding]
    badges: list[Badge]
    challenges: list[Lab]  # the challenge labs whose badge the learner has not earned yet

    @property
    def quizzes_passed(self) -> int:
        return sum(grade.passed for grade in self.quiz_grades)

    @property
    def labs_complete(self) -> int:
        return sum(standing.status == "complete" for standing in self.labs)

    @property
    def done(self) -> int:
        """Lessons completed, quizzes passed and labs completed: the course's whole work."""
        return self.progress.done + self.quizzes_passed + self.labs_complete

    @property
    def total(self) -> int:
        return self.progress.total + self.quizzes + len(self.labs)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def new_learner(self) -> bool:
        """Nothing done or started yet: a welcome, not a welcome back."""
        started_labs = any(standing.workspace is not None for standing in self.labs)
        return not (self.progress.done or self.quiz_grades or started_labs)


def learner_badges(*, user) -> tuple[list[Badge], list[Lab]]:
    """The badges `user` has earned (a challenge lab whose best score reached its points, dated by
    the first progress check that scored them), and the challenge labs still to earn, in lab order."""
    challenges = list(Lab.objects.exclude(badge=""))
    reached = scores.full_marks(user=user, labs=[lab.pk for lab in challenges])
    earned = [Badge(lab.badge, lab, reached[lab.pk]) for lab in challenges if lab.pk in reached]
    return earned, [lab for lab in challenges if lab.pk not in reached]


def learner_dashboard(*, user) -> Dashboard:
    badges, challenges = learner_badges(user=user)
    return Dashboard(
        progress=learner_progress(user=user),
        quiz_grades=learner_quiz_grades(user=user),
        quizzes=Quiz.objects.count(),
        labs=lab_list_with_scores(user=user),
        badges=badges,
        challenges=challenges,
    )
