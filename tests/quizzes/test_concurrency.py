"""Two submissions of one attempt at the same moment grade it once (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from courseware.quizzes import services
from courseware.quizzes.models import Attempt, QuizGrade

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; CI runs this there"),
]


def race(target, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 (collected and asserted on below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_simultaneous_submits_grade_one_attempt_once(student, make_quiz, monkeypatch):
    quiz = make_quiz()
    attempt = services.attempt_start(user=student, quiz=quiz)
    original = services._score
    calls = []

    def slow_score(locked_attempt):
        calls.append(locked_attempt.pk)
        threading.Event().wait(0.3)  # hold the lock long enough for the other submit to arrive
        return original(locked_attempt)

    monkeypatch.setattr(services, "_score", slow_score)
    results, errors = race(lambda: services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)))
    assert errors == []
    assert sorted(now for _attempt, now in results) == [False, True]
    assert calls == [attempt.pk], "graded exactly once"
    assert QuizGrade.objects.get(user=student, quiz=quiz).attempts == 1
    assert Attempt.objects.filter(user=student).count() == 1


def test_simultaneous_starts_make_one_attempt(make_quiz):
    from tests.factories import UserFactory

    quiz = make_quiz()
    for _ in range(5):  # the race is narrow: run it several times
        learner = UserFactory()
        results, errors = race(lambda learner=learner: services.attempt_start(user=learner, quiz=quiz).pk, count=6)
        assert errors == []
        assert len(set(results)) == 1
        assert Attempt.objects.filter(user=learner).count() == 1
