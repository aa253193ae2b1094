"""The pages that read the whole course: a learner's dashboard and an instructor's preview."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_progress_is_per_learner(client, student, other_student, synced):
    client.force_login(student)
    client.post(reverse("catalog:lesson_complete", args=["intro"]))
    page = client.get(reverse("catalog:dashboard")).content.decode()
    assert "50%" in page and "1 of 2 lessons complete" in page and "Continue: The next lesson" in page
    client.force_login(other_student)
    page = client.get(reverse("catalog:dashboard")).content.decode()
    assert "0%" in page and "Continue: The intro lesson" in page


def test_preview_roles(client, student, instructor, synced):
    url = reverse("catalog:preview") + "?file=01-intro.md"
    assert client.get(url).status_code == 302
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(instructor)
    response = client.get(url)
    assert response.status_code == 200
    assert "The intro lesson" in response.content.decode()


def test_preview_renders_the_working_tree_without_syncing(instructor_client, synced):
    synced.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nDraft text.\n\n## Details\n")
    synced.lesson("03-draft.md", slug="draft", order=3, module="nowhere")
    response = instructor_client.get(reverse("catalog:preview") + "?file=01-intro.md")
    page = response.content.decode()
    assert "Draft text." in page
    assert "lessons/03-draft.md:4: unknown module" in page
    lesson_page = instructor_client.get(reverse("catalog:lesson", args=["intro"])).content.decode()
    assert "Draft text." not in lesson_page


def test_preview_refuses_files_outside_lessons(instructor_client, synced):
    response = instructor_client.get(reverse("catalog:preview") + "?file=../courseware/settings.py")
    assert response.status_code == 404


def test_instructor_sees_preview_link_students_do_not(client, student, instructor, synced):
    client.force_login(student)
    assert "/instructor/preview/" not in client.get("/").content.decode()
    client.force_login(instructor)
    assert "/instructor/preview/" in client.get("/").content.decode()


def test_a_new_learner_is_welcomed_and_a_returning_one_welcomed_back(student_client, synced):
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert "<h1>Welcome, " in page and "Welcome back" not in page
    student_client.post(reverse("catalog:lesson_complete", args=["intro"]))
    assert "<h1>Welcome back, " in student_client.get(reverse("catalog:dashboard")).content.decode()


def test_a_quiz_below_its_pass_mark_says_not_passed_and_counts_in_progress(student_client, student, make_quiz):
    from courseware.quizzes import services as quiz_services

    quiz = make_quiz()
    quiz_services.attempt_submit(attempt=quiz_services.attempt_start(user=student, quiz=quiz))  # nothing answered
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert '<span class="status status-not-passed">Not passed</span> <span class="muted">pass mark 60%</span>' in page
    assert "Welcome back" in page  # a quiz taken is a start
    # Overall: 2 lessons + 1 quiz, nothing done yet.
    assert "0 of 1 quizzes passed" in page and '<p class="big-number">0%</p>' in page
    student_client.post(reverse("catalog:lesson_complete", args=["intro"]))
    page = student_client.get(reverse("catalog:dashboard")).content.decode()
    assert '<p class="big-number">33%</p>' in page  # 1 of 3: a lesson of two lessons and a quiz


def test_a_lesson_links_to_the_labs_that_practise_it(client):
    from courseware.course import services as course_services

    course_services.content_sync()  # the real lessons/ and labs/
    page = client.get(reverse("catalog:lesson", args=["lambda-anatomy"])).content.decode()
    assert "Practise it in a lab" in page and '<a href="/labs/hello-lambda/">Lab 1: Hello Lambda</a>' in page
