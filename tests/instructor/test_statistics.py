"""Statistics against a hand-computed example."""

import pytest
from django.http import QueryDict

from courseware.instructor.statistics import quiz_statistics
from courseware.quizzes import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def take(quiz, answers: dict[str, str]):
    user = UserFactory()
    attempt = services.attempt_start(user=user, quiz=quiz)
    form = QueryDict(mutable=True)
    for key, value in answers.items():
        form.setlist(key, [value])
    services.attempt_save(attempt=attempt, form=form)
    services.attempt_submit(attempt=attempt)
    return attempt


def test_statistics_match_a_hand_computed_example(make_quiz):
    quiz = make_quiz(attempts=0)
    # Four learners answer three one-point questions (true-or-false: key False; name-it: key
    # SECRETWORD; how-many: key 987654 ±10). Every other question is left blank (scores 0).
    #            tf     short   numeric   score (of 9)
    # A          right  right   right     3
    # B          right  right   wrong     2
    # C          right  wrong   wrong     1
    # D          wrong  wrong   right     1   <- the numeric question favours a weak learner
    take(quiz, {"q-true-or-false": "false", "q-name-it": "secretword", "q-how-many": "987654"})
    take(quiz, {"q-true-or-false": "false", "q-name-it": "SECRETWORD", "q-how-many": "5"})
    take(quiz, {"q-true-or-false": "false", "q-name-it": "guess", "q-how-many": "5"})
    take(quiz, {"q-true-or-false": "true", "q-name-it": "guess", "q-how-many": "987660"})
    stats = quiz_statistics(quiz=quiz)
    by_key = {row.key: row for row in stats.questions}
    assert stats.attempts == 4
    # Percent scores: 3/9, 2/9, 1/9, 1/9 -> average 7/36 = 19.44%, median (2/9 + 1/9)/2 = 16.67%
    assert stats.average == pytest.approx(100 * 7 / 36, abs=1e-3)  # stored to 4 decimals
    assert stats.median == pytest.approx(100 * 1.5 / 9, abs=1e-3)
    assert [dict(stats.distribution)[b] for b in ("10–20%", "20–30%", "30–40%")] == [2, 1, 1]
    # Facility: tf 3/4, short 2/4, numeric 2/4, pick-one 0/4.
    assert by_key["true-or-false"].facility == pytest.approx(75)
    assert by_key["name-it"].facility == pytest.approx(50)
    assert by_key["pick-one"].facility == 0
    # Discrimination, tf: x = (1, 1, 1, 0), rest = (2, 1, 0, 1): mean x 0.75, mean rest 1;
    # sxy = 0.25*1 + 0.25*0 + 0.25*(-1) + (-0.75)*0 = 0; r = 0.
    assert by_key["true-or-false"].discrimination == pytest.approx(0)
    # Short: x = (1, 1, 0, 0), rest = (2, 1, 1, 1): sxy = 0.5*1 + 0.5*0 - 0.5*0 - 0.5*0 = 0.5;
    # sxx = 1; syy = 0.75; r = 0.5 / sqrt(0.75) = 0.5774.
    assert by_key["name-it"].discrimination == pytest.approx(57.735, abs=0.01)
    # Numeric: x = (1, 0, 0, 1), rest = (2, 2, 1, 0): sxy = 0.5*0.75 - 0.5*0.75 - 0.5*(-0.25) + 0.5*(-1.25) = -0.5
    # sxx = 1, syy = 2.75, r = -0.5 / sqrt(2.75) = -0.3015 -> flagged.
    assert by_key["how-many"].discrimination == pytest.approx(-30.151, abs=0.01)
    assert any("Weaker learners did better" in flag for flag in by_key["how-many"].flags)
    assert any("Nobody got this right" in flag for flag in by_key["pick-one"].flags)
    assert by_key["name-it"].wrong_answer == "guess" and by_key["name-it"].wrong_count == 2
    assert by_key["true-or-false"].wrong_answer == "True"
