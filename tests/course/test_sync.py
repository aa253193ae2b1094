import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courseware.catalog import services as catalog_services
from courseware.catalog.models import Lesson, LessonCompletion, Module
from courseware.course import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Lesson.objects.values_list("slug", "title", "order", "body_html", "module__slug"))


def test_sync_imports_rendered_lessons(content):
    result = services.content_sync()
    assert result.created == ["intro", "next"]
    assert list(Module.objects.values_list("slug", flat=True)) == ["basics", "advanced"]
    second = Lesson.objects.get(slug="next")
    assert second.module.slug == "advanced"
    assert 'href="/lessons/intro/#details"' in second.body_html
    assert 'src="/lessons/media/flow.svg"' in second.body_html
    assert second.toc == [{"id": "start", "name": "Start", "level": 2, "children": []}]
    assert second.prerequisites == ["intro"]


def test_resync_updates_changed_and_removes_deleted(content):
    services.content_sync()
    content.lesson(
        "01-intro.md",
        slug="intro",
        order=1,
        body="## Overview\n\nRewritten.\n\n## Details\n\nMore.\n",
    )
    content.lesson("03-new.md", slug="new", order=3)
    content.lesson("02-next.md", slug="next", order=2, module="advanced")
    content.remove("02-next.md")
    result = services.content_sync()
    assert result.updated == ["intro"] and result.created == ["new"] and result.removed == ["next"]
    assert "Rewritten." in Lesson.objects.get(slug="intro").body_html
    assert not Lesson.objects.filter(slug="next").exists()
    assert services.content_sync().unchanged == ["intro", "new"]


def test_broken_file_leaves_previous_content_untouched(content):
    services.content_sync()
    before = snapshot()
    content.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nChanged.\n")
    content.write("02-next.md", "---\nslug: next\ntitle: [broken\n---\n")
    with pytest.raises(services.ContentInvalid) as raised:
        services.content_sync()
    assert [str(problem) for problem in raised.value.problems][0].startswith("lessons/02-next.md:3: invalid YAML")
    assert snapshot() == before


def test_failure_midway_through_the_import_rolls_everything_back(content, monkeypatch):
    services.content_sync()
    before = snapshot()
    content.lesson("01-intro.md", slug="intro", order=1, body="## Overview\n\nChanged.\n\n## Details\n")
    content.lesson("03-new.md", slug="new", order=3)
    original_create = Lesson.objects.create

    def exploding_create(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Lesson.objects, "create", exploding_create)
    with pytest.raises(RuntimeError):
        services.content_sync()
    monkeypatch.setattr(Lesson.objects, "create", original_create)
    assert snapshot() == before


def test_removing_a_lesson_removes_its_completions_only(content):
    services.content_sync()
    learner = UserFactory()
    for lesson in Lesson.objects.all():
        catalog_services.lesson_completion_set(user=learner, lesson=lesson, completed=True)
    content.remove("02-next.md")
    content.lesson("01-intro.md", slug="intro", order=1)
    services.content_sync()
    assert list(LessonCompletion.objects.values_list("lesson__slug", flat=True)) == ["intro"]


def test_check_command_exits_non_zero_with_path_line_messages(content):
    content.lesson("03-lost.md", slug="lost", order=3, module="nowhere")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("content", "check", stderr=stderr)
    assert raised.value.returncode == 1
    assert stderr.getvalue().startswith("lessons/03-lost.md:4: unknown module 'nowhere'")
    assert Lesson.objects.count() == 0


def test_check_writes_nothing_and_sync_reports(content):
    stdout = io.StringIO()
    call_command("content", "check", stdout=stdout)
    assert "2 lessons, 2 modules, 0 quizzes (0 questions), 0 labs: all valid." in stdout.getvalue()
    assert Lesson.objects.count() == 0
    call_command("content", "sync", stdout=stdout)
    assert "Synced: 2 created, 0 updated, 0 unchanged, 0 removed." in stdout.getvalue()
    assert Lesson.objects.count() == 2
