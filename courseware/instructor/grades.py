"""The one place a learner's grade for an activity is announced: `grade_recorded`, sent whenever
a quiz grade is written (submit, regrade) or removed, and whenever a lab's progress check
finishes. Grade passback (LTI) and anything else that must follow grades connects here:

    from courseware.instructor.grades import grade_recorded

    @receiver(grade_recorded)
    def pass_back(sender, grade, **kwargs): ...

It listens to the quiz and lab runner models' own signals rather than hooking their services, so
neither app knows about it; when nothing is connected, it costs nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from courseware.labrunner.models import LabRun, LabWorkspace
from courseware.quizzes.models import QuizGrade

grade_recorded = Signal()  # sender: "quiz" or "lab"; keyword `grade`: an ActivityGrade


@dataclass(frozen=True)
class ActivityGrade:
    user_id: int
    kind: str  # quiz | lab
    activity_id: int  # the Quiz's or the Lab's primary key
    score: Decimal | None  # a quiz's grade by its method (percent), a lab's best points; None: removed
    maximum: int  # 100 for a quiz, the lab's points

    @property
    def fraction(self) -> float | None:
        """0..1, as LTI's Assignment and Grade Services want a score over its maximum."""
        return None if self.score is None or not self.maximum else float(self.score) / self.maximum


@receiver(post_save, sender=QuizGrade, dispatch_uid="grades.quiz_saved")
def quiz_grade_saved(sender, instance: QuizGrade, **kwargs):
    if grade_recorded.has_listeners():
        grade = ActivityGrade(instance.user_id, "quiz", instance.quiz_id, Decimal(instance.grade), 100)
        grade_recorded.send(sender="quiz", grade=grade)


@receiver(post_delete, sender=QuizGrade, dispatch_uid="grades.quiz_removed")
def quiz_grade_removed(sender, instance: QuizGrade, **kwargs):
    if grade_recorded.has_listeners():
        grade_recorded.send(sender="quiz", grade=ActivityGrade(instance.user_id, "quiz", instance.quiz_id, None, 100))


@receiver(post_save, sender=LabRun, dispatch_uid="grades.lab_checked")
def lab_checked(sender, instance: LabRun, **kwargs):
    """A finished progress check: the workspace's best score is already updated (steps._grade)."""
    if instance.kind != LabRun.Kind.GRADE or instance.state != LabRun.State.DONE or not grade_recorded.has_listeners():
        return
    user_id, lab_id, best, points = (
        LabWorkspace.objects.filter(pk=instance.workspace_id)
        .values_list("user_id", "lab_id", "best_score", "lab__points")
        .get()
    )
    grade_recorded.send(sender="lab", grade=ActivityGrade(user_id, "lab", lab_id, Decimal(best), points))
