"""The real quizzes: one per lesson, enough questions, every type, and keys that grade right."""

import random
from collections import Counter

import pytest

from courseware.quizzes.spec.loader import question_types
from tests.content.test_lessons import COURSE, REQUIRED_TOPICS

QUIZZES = {quiz.lesson_slug: quiz for quiz in COURSE.quizzes}
TYPES = {
    "single",
    "multiple",
    "truefalse",
    "numeric",
    "short",
    "matching",
    "ordering",
    "calculated",
}


def test_every_lesson_has_a_quiz_and_the_course_has_enough_questions():
    assert set(QUIZZES) == {lesson.slug for lesson in COURSE.lessons}
    assert all(len(quiz.questions) >= 6 for quiz in QUIZZES.values())
    assert sum(len(quiz.questions) for quiz in QUIZZES.values()) >= 120


def test_every_type_is_used_and_pricing_and_limits_have_calculated_questions():
    kinds = Counter(q["type"] for quiz in QUIZZES.values() for q in quiz.questions)
    assert set(kinds) == TYPES, kinds
    for slug in ["lambda-pricing", "lambda-limits"]:
        assert any(q["type"] == "calculated" for q in QUIZZES[slug].questions), slug
    assert any("function" in q for q in QUIZZES["lambda-pricing"].questions), "a question asks a named function"


def test_every_question_has_an_explanation_tags_and_a_section():
    for quiz in QUIZZES.values():
        for question in quiz.questions:
            assert question["explanation"] and question["tags"] and question["section"], (
                quiz.path,
                question["id"],
            )


@pytest.mark.parametrize("slug", REQUIRED_TOPICS)
def test_calculated_answers_grade_as_right_for_many_draws(slug):
    from django.conf import settings

    from courseware.quizzes.spec.loader import load_functions

    functions = load_functions(settings.BASE_DIR / "lessons" / "quiz_functions.py", "quiz_functions.py", [])
    handler = question_types(functions)["calculated"]
    for question in (q for q in QUIZZES[slug].questions if q["type"] == "calculated"):
        for seed in range(25):
            layout = handler.layout(question, random.Random(seed), True)
            expected = handler.expected(question, layout)
            typed = f"{expected:.6f} {question['unit']}".strip()
            assert handler.grade(question, layout, typed).correct, (question["id"], layout)


def test_pricing_function_matches_the_fact_sheet():
    from django.conf import settings

    from courseware.quizzes.spec.loader import load_functions

    cost = load_functions(settings.BASE_DIR / "lessons" / "quiz_functions.py", "quiz_functions.py", [])[
        "lambda_monthly_cost"
    ]
    # 3M requests x 100 ms at 128 MB, free tier on: 2M billable requests = $0.40; 37,500 GB-s is free.
    assert cost(requests=3_000_000, duration_ms=100, memory_mb=128) == pytest.approx(0.40)
    # Free tier off: + 3M x 0.1 s x 0.125 GB x $0.0000166667 = 37,500 GB-s -> $0.62500125
    assert cost(requests=3_000_000, duration_ms=100, memory_mb=128, free_tier=0) == pytest.approx(
        0.60 + 37_500 * 0.0000166667
    )
