import io

import pytest
from django.core.management import call_command
from django.http import QueryDict

from courseware.course.services import content_sync
from courseware.quizzes import services
from courseware.quizzes.models import Attempt, QuizGrade
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def submit(user, quiz, form):
    attempt = services.attempt_start(user=user, quiz=quiz)
    data = QueryDict(mutable=True)
    for key, value in form.items():
        data.setlist(key, [value])
    services.attempt_save(attempt=attempt, form=data)
    services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


def test_regrade_after_a_key_is_fixed(content, make_quiz):
    quiz = make_quiz()
    right_by_old_key, right_by_new_key = (
        UserFactory(username="old-key"),
        UserFactory(username="new-key"),
    )
    old = submit(right_by_old_key, quiz, {"q-true-or-false": "false"})
    new = submit(right_by_new_key, quiz, {"q-true-or-false": "true"})
    assert (float(old.percent), float(new.percent)) == (pytest.approx(100 / 9), 0)
    # The key was wrong: fix it in the file and sync.
    path = content.lessons / "01-intro.quiz.yaml"
    path.write_text(path.read_text().replace("    answer: false\n", "    answer: true\n"))
    content_sync()
    stdout = io.StringIO()
    call_command("quiz", "regrade", "intro", "--dry-run", stdout=stdout)
    assert "would change" in stdout.getvalue()
    assert Attempt.objects.get(pk=old.pk).percent == old.percent, "a dry run writes nothing"
    stdout = io.StringIO()
    call_command("quiz", "regrade", "intro", stdout=stdout)
    report = stdout.getvalue()
    assert "Regraded 2 submitted attempts of 'intro': 2 changed." in report
    assert "old-key attempt 1: 11.1% → 0.0%  (true-or-false 1.0→0.0)" in report
    assert "new-key attempt 1: 0.0% → 11.1%  (true-or-false 0.0→1.0)" in report
    assert QuizGrade.objects.get(user=right_by_new_key, quiz=quiz).grade == Attempt.objects.get(pk=new.pk).percent
    stdout = io.StringIO()
    call_command("quiz", "regrade", "intro", stdout=stdout)
    assert ": 0 changed." in stdout.getvalue()


def test_regrade_of_an_unknown_quiz(make_quiz):
    make_quiz()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No quiz for lesson 'nope'. Quizzes: intro"):
        call_command("quiz", "regrade", "nope")


def test_retired_questions_keep_their_grades(content, make_quiz):
    quiz = make_quiz()
    attempt = submit(UserFactory(), quiz, {"q-true-or-false": "false"})
    path = content.lessons / "01-intro.quiz.yaml"
    text = path.read_text()
    start = text.index("  - id: true-or-false")
    end = text.index("  - id: how-many")
    path.write_text(text[:start] + text[end:])
    content_sync()
    assert quiz.questions.get(key="true-or-false").retired
    services.quiz_regrade(quiz=quiz)
    attempt.refresh_from_db()
    assert float(attempt.percent) == pytest.approx(100 / 9)
    fresh = services.attempt_start(user=UserFactory(), quiz=quiz)
    assert "true-or-false" not in fresh.layout["order"]
