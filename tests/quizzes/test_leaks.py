"""Never leak answers: keys, feedback and explanations stay on the server until settings allow."""

import json
import re

import pytest
from django.urls import reverse

from courseware.course import services as course_services
from courseware.quizzes.models import Attempt, Quiz
from tests.quiz_fixtures import SECRETS, right_answers

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    return response.content.decode()


def assert_no_secrets(page: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in page, f"{secret!r} leaked in {where}"
    assert not re.search(r"<!--.*?-->", page, re.S) or "SECRET" not in "".join(re.findall(r"<!--.*?-->", page, re.S))


@pytest.mark.parametrize("reveal", ["immediately", "interactive", "after_submission", "after_last_attempt", "never"])
def test_no_key_material_before_the_settings_allow(student_client, make_quiz, reveal):
    quiz = make_quiz(reveal=reveal, attempts=2)
    assert_no_secrets(visible_text(student_client.get(reverse("quizzes:quiz", args=["intro"]))), "quiz page")
    assert_no_secrets(visible_text(student_client.get(reverse("catalog:lesson", args=["intro"]))), "lesson page")
    start = student_client.post(reverse("quizzes:start", args=["intro"]))
    attempt = Attempt.objects.get(pk=start["Location"].rstrip("/").split("/")[-1])
    page = visible_text(student_client.get(start["Location"]))
    assert_no_secrets(page, "attempt page")
    # Calculated answers are computed per attempt; the product must not be on the page either.
    params = attempt.layout["questions"]["compute-it"]["params"]
    assert str(params["a"] * params["b"]) not in page
    # Choice ids are opaque per attempt: nothing says which choice is right or where it was authored.
    single_ids = attempt.layout["questions"]["pick-one"]["ids"]
    assert all(re.fullmatch(r"[0-9a-f]{12}", choice_id) for choice_id in single_ids)
    # Every answer, saved one question at a time through htmx, answers with no key material.
    # (Typed answers are wrong ones: a learner's own typing echoed back is not a leak.)
    answers = {
        **right_answers(attempt),
        "q-how-many": ["12 s"],
        "q-name-it": ["guess"],
        "q-compute-it": ["7"],
    }
    for name, values in answers.items():
        key = next(k for k in attempt.layout["order"] if name == f"q-{k}" or name.startswith(f"q-{k}-"))
        response = student_client.post(
            reverse("quizzes:save", args=[attempt.pk]) + f"?q={key}",
            {name: values},
            headers={"HX-Request": "true"},
        )
        assert_no_secrets(visible_text(response), f"htmx save of {key}")
    assert_no_secrets(visible_text(student_client.get(start["Location"])), "attempt page after saving")
    summary = student_client.post(reverse("quizzes:submit", args=[attempt.pk]))  # the summary, not a submit
    assert_no_secrets(visible_text(student_client.get(summary["Location"])), "summary before submitting")
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]), {"confirm": "1"})
    review = visible_text(student_client.get(reverse("quizzes:review", args=[attempt.pk])))
    if reveal in ("after_last_attempt", "never"):
        assert_no_secrets(review, "review before reveal")
    else:
        assert "SECRET-EXPLANATION-single" in review
    assert quiz


def test_immediate_mode_reveals_only_the_checked_question(student_client, make_quiz):
    make_quiz(reveal="immediately")
    start = student_client.post(reverse("quizzes:start", args=["intro"]))
    attempt = Attempt.objects.get(pk=start["Location"].rstrip("/").split("/")[-1])
    student_client.post(
        reverse("quizzes:check", args=[attempt.pk, "name-it"]),
        {"q-name-it": "wrong"},
        headers={"HX-Request": "true"},
    )
    page = visible_text(student_client.get(start["Location"]))
    assert "SECRET-EXPLANATION-short" in page and "SECRETWORD" in page
    others = [
        s
        for s in [
            "SECRET-EXPLANATION-single",
            "SECRET-FEEDBACK-alpha",
            "987654",
            "SECRET-EXPLANATION-numeric",
        ]
    ]
    assert not [secret for secret in others if secret in page]


def test_real_course_quiz_pages_show_no_explanations_or_feedback(student_client, settings):
    """Every quiz of the real course, fetched as a student: no explanation or feedback text."""
    course_services.content_sync(content_dir=settings.BASE_DIR)
    for quiz in Quiz.objects.select_related("lesson"):
        start = student_client.post(reverse("quizzes:start", args=[quiz.lesson.slug]))
        assert start.status_code == 302, quiz
        page = visible_text(student_client.get(start["Location"]))
        for question in quiz.questions.all():
            spec = question.spec
            hidden = [spec["explanation_html"]] + [c.get("feedback_html") for c in spec.get("choices", [])]
            hidden += list(spec.get("feedback", {}).values()) if isinstance(spec.get("feedback"), dict) else []
            for text in filter(None, hidden):
                snippet = re.sub(r"<[^>]+>", "", text).strip()[:60]
                assert snippet not in re.sub(r"<[^>]+>", "", page), (
                    quiz.lesson.slug,
                    question.key,
                    snippet,
                )
            assert '"correct"' not in page and json.dumps(spec)[:40] not in page
