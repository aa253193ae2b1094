import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from courseware.accounts.services import instructor_grant
from courseware.catalog.models import Lesson, Module


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(user, create, extracted, **kwargs):
        if create:
            user.save()


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")

    @factory.post_generation
    def grant(user, create, extracted, **kwargs):
        if create:
            instructor_grant(user=user)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "A module."
    position = factory.Sequence(int)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(lambda n: n + 1)
    summary = "What this lesson is about."
    objectives = factory.LazyFunction(lambda: ["Explain a thing."])
    estimated_minutes = 10
    prerequisites = factory.LazyFunction(list)
    sources = factory.LazyFunction(lambda: [{"title": "A source"}])
    body_html = "<h2 id='intro'>Intro</h2><p>Body text.</p>"
    toc = factory.LazyFunction(lambda: [{"id": "intro", "name": "Intro", "level": 2, "children": []}])
    source_path = factory.LazyAttribute(lambda lesson: f"lessons/{lesson.order:02d}-{lesson.slug}.md")
    content_hash = "0" * 64
    synced_at = factory.LazyFunction(timezone.now)


class LabNodeFactory(factory.django.DjangoModelFactory):
    """A lab node that beat just now (its endpoint is only called when a step runs on it)."""

    class Meta:
        model = "labrunner.LabNode"

    name = factory.Sequence(lambda n: f"node-{n}")
    endpoint = "http://127.0.0.1:9"
    boot_id = factory.Sequence(lambda n: f"boot{n}")
    heartbeat_at = factory.LazyFunction(timezone.now)
