"""Import quizzes from validated sources; called by content sync inside its transaction."""

from decimal import Decimal

from courseware.catalog.models import Lesson
from courseware.content.upsert import Upserted, upsert

from .models import Question, Quiz


def quiz_sync(*, sources: list) -> Upserted:
    """Upsert quizzes and their questions. Questions gone from a file are retired, not deleted,
    so past attempts keep their review; a quiz whose file is gone is removed."""
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.filter(slug__in=[s.lesson_slug for s in sources])}
    existing = {quiz.lesson.slug: quiz for quiz in Quiz.objects.select_related("lesson")}
    by_slug = {source.lesson_slug: source for source in sources}
    wanted = {
        source.lesson_slug: {
            "title": source.title or f"Quiz: {source.lesson_title}",
            "settings": source.settings,
            "source_path": source.path,
            "content_hash": source.content_hash,
        }
        for source in sources
    }
    return upsert(
        existing,
        wanted,
        create=lambda slug, values: Quiz.objects.create(lesson=lessons[slug], **values),
        written=lambda quiz, slug: _sync_questions(quiz, by_slug[slug].questions),
    )


def _sync_questions(quiz: Quiz, questions: list[dict]) -> None:
    current = {question.key: question for question in quiz.questions.all()}
    for position, spec in enumerate(questions):
        values = {
            "position": position,
            "type": spec["type"],
            "points": Decimal(str(spec["points"])),
            "spec": spec,
            "retired": False,
        }
        question = current.pop(spec["id"], None)
        if question is None:
            Question.objects.create(quiz=quiz, key=spec["id"], **values)
        else:
            for name, value in values.items():
                setattr(question, name, value)
            question.save()
    Question.objects.filter(pk__in=[question.pk for question in current.values()]).update(retired=True)
