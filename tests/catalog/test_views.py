import pytest
from django.urls import reverse

from courseware.catalog.models import LessonCompletion
from courseware.course import services

pytestmark = pytest.mark.django_db


def test_outline_is_public_and_lists_modules_and_minutes(client, synced):
    response = client.get(reverse("catalog:outline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Basics" in page and "Advanced" in page
    assert "The intro lesson" in page and "15 min" in page
    assert "Create a free account" in page


def test_lesson_page_is_public_with_toc_pager_and_sources(client, synced):
    response = client.get(reverse("catalog:lesson", args=["intro"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#overview">Overview</a>' in page
    assert 'rel="next" href="/lessons/next/"' in page
    assert "Course fact sheet" in page
    assert 'Log in</a> or <a href="/accounts/signup/">sign up</a> to track your progress' in page
    assert 'class="reading-progress"' in page


def test_lesson_page_does_no_markdown_work(client, synced, monkeypatch):
    import markdown

    def forbidden(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown.Markdown, "convert", forbidden)
    assert client.get(reverse("catalog:lesson", args=["next"])).status_code == 200


def test_unknown_lesson_is_404(client, synced):
    assert client.get(reverse("catalog:lesson", args=["nope"])).status_code == 404


def test_anonymous_cannot_complete_or_see_dashboard(client, synced):
    response = client.post(reverse("catalog:lesson_complete", args=["intro"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("catalog:dashboard")).status_code == 302
    assert not LessonCompletion.objects.exists()


def test_complete_with_htmx_returns_only_the_partial(student_client, student, synced):
    url = reverse("catalog:lesson_complete", args=["intro"])
    response = student_client.post(url, {"completed": "1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<section class="completion card" id="completion"')
    assert "<html" not in body and "Mark as not complete" in body
    assert LessonCompletion.objects.filter(user=student, lesson__slug="intro").exists()
    response = student_client.post(url, {"completed": "0"}, headers={"HX-Request": "true"})
    assert "Mark as complete" in response.content.decode()
    assert not LessonCompletion.objects.filter(user=student).exists()


def test_complete_without_javascript_posts_then_redirects_to_the_lesson(student_client, student, synced):
    response = student_client.post(reverse("catalog:lesson_complete", args=["intro"]), {"completed": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/intro/#completion"
    assert LessonCompletion.objects.filter(user=student).count() == 1
    page = student_client.get(response["Location"]).content.decode()
    assert "Mark as not complete" in page


def test_signed_in_pages_are_never_served_from_the_anonymous_cache(client, student, synced):
    assert "track your progress" in client.get(reverse("catalog:lesson", args=["intro"])).content.decode()
    client.force_login(student)
    page = client.get(reverse("catalog:lesson", args=["intro"])).content.decode()
    assert "Mark as complete" in page and "track your progress" not in page
    assert "X-CSRFToken" in page


def test_a_sync_shows_new_content_to_anonymous_readers_at_once(client, synced):
    assert "About intro." in client.get(reverse("catalog:lesson", args=["intro"])).content.decode()
    synced.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nRevised.\n\n## Details\n")
    services.content_sync()
    assert "Revised." in client.get(reverse("catalog:lesson", args=["intro"])).content.decode()


def test_completion_requires_post(student_client, synced):
    assert student_client.get(reverse("catalog:lesson_complete", args=["intro"])).status_code == 405


def test_outline_shows_learner_progress(student_client, synced):
    student_client.post(reverse("catalog:lesson_complete", args=["intro"]))
    page = student_client.get(reverse("catalog:outline")).content.decode()
    assert "1 of 1 done" in page and "0 of 1 done" in page


def test_lesson_media_serves_images_only_from_the_images_folder(client, synced):
    response = client.get(reverse("catalog:lesson_media", args=["flow.svg"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get("/lessons/media/..%2F01-intro.md").status_code == 404
    assert client.get(reverse("catalog:lesson_media", args=["missing.svg"])).status_code == 404


def test_the_pager_stays_in_the_module_and_offers_the_next_one_at_its_end(client, synced):
    synced.lesson("03-more.md", slug="more", order=3, module="advanced")
    from courseware.course import services as course_services

    course_services.content_sync()
    intro = client.get(reverse("catalog:lesson", args=["intro"])).content.decode()
    assert "Lesson 1 of 1 in this module" in intro
    assert "Start of the module</span> Basics" in intro  # nothing before it in its module
    assert 'rel="next" href="/lessons/next/"><span class="muted">Next module: Advanced</span>' in intro
    nxt = client.get(reverse("catalog:lesson", args=["next"])).content.decode()
    assert "Lesson 1 of 2 in this module" in nxt
    assert '<span class="muted">Next in this module</span> The more lesson' in nxt
    more = client.get(reverse("catalog:lesson", args=["more"])).content.decode()
    assert '<span class="muted">Previous in this module</span> The next lesson' in more
    assert "End of the course" in more
