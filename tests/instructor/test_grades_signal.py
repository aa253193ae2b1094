"""`grade_recorded`: the one hook for whatever follows grades (LTI passback): quiz grades on
submit, regrade and removal (lab checks are covered with real runs in test_stuck)."""

from decimal import Decimal

import pytest

from courseware.instructor.grades import ActivityGrade, grade_recorded
from courseware.quizzes import services
from courseware.quizzes.models import QuizGrade
from tests.quiz_fixtures import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    found = []

    def receiver(sender, grade, **kwargs):
        found.append((sender, grade))

    grade_recorded.connect(receiver)
    yield found
    grade_recorded.disconnect(receiver)


def test_a_quiz_grade_is_announced_on_submit_regrade_and_removal(student, make_quiz, recorded):
    quiz = make_quiz()
    attempt = services.attempt_start(user=student, quiz=quiz)
    services.attempt_save(attempt=attempt, form=right_answers(attempt))
    services.attempt_submit(attempt=attempt)
    assert recorded == [("quiz", ActivityGrade(student.pk, "quiz", quiz.pk, Decimal(100), 100))]
    assert recorded[0][1].fraction == 1.0
    services.quiz_regrade(quiz=quiz)  # nothing changed, so nothing is written or announced
    assert len(recorded) == 1
    QuizGrade.objects.filter(user=student).delete()  # a queryset delete sends post_delete per row
    assert recorded[-1] == ("quiz", ActivityGrade(student.pk, "quiz", quiz.pk, None, 100))


@pytest.fixture
def nobody_listens():
    """LTI's passback listens whenever its app is installed; this measures the signal without it."""
    from courseware.lti.receivers import pass_back

    grade_recorded.disconnect(dispatch_uid="lti.pass_back")
    yield
    grade_recorded.connect(pass_back, dispatch_uid="lti.pass_back")


def test_nothing_is_computed_when_nobody_listens(student, make_quiz, django_assert_num_queries, nobody_listens):
    quiz = make_quiz()
    grade = QuizGrade(user=student, quiz=quiz, best=1, last=1, first=1, average=1, grade=1)
    with django_assert_num_queries(1):  # the insert only
        grade.save()
