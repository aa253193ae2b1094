"""Grades go back to the platform: every grade_recorded for a user who launched that activity
from a platform's line item becomes a score push."""

from django.dispatch import receiver

from courseware.instructor.grades import ActivityGrade, grade_recorded

from . import selectors, services
from .models import GradeTarget


@receiver(grade_recorded, dispatch_uid="lti.pass_back")
def pass_back(sender, grade: ActivityGrade, **kwargs):
    targets = GradeTarget.objects.filter(user_id=grade.user_id, kind=grade.kind)
    if not targets.exists():  # one query for everyone who did not come through a platform
        return
    slug = selectors.activity_slug(grade.kind, grade.activity_id)
    for target in targets.filter(slug=slug):
        services.score_push_record(target=target, score=grade.score, maximum=grade.maximum)
