"""Import quizzes from validated sources; called by content sync inside its transaction."""

from decimal import Decimal

from .models import Question, Quiz


def quiz_sync(*, sources: list, lessons: dict) -> dict[str, list[str]]:
    """Upsert quizzes and their questions. Questions gone from a file are retired, not deleted,
    so past attempts keep their review; a quiz whose file is gone is removed."""
    result: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": [], "removed": []}
    existing = {quiz.lesson.slug: quiz for quiz in Quiz.objects.select_related("lesson")}
    for source in sources:
        lesson = lessons[source.lesson_slug]
        values = {
            "title": source.title or f"Quiz: {source.lesson_title}",
            "settings": source.settings,
            "source_path": source.path,
            "content_hash": source.content_hash,
        }
        quiz = existing.pop(lesson.slug, None)
        if quiz is None:
            quiz = Quiz.objects.create(lesson=lesson, **values)
            result["created"].append(lesson.slug)
        elif quiz.content_hash != source.content_hash or any(getattr(quiz, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(quiz, name, value)
            quiz.save()
            result["updated"].append(lesson.slug)
        else:
            result["unchanged"].append(lesson.slug)
            continue
        _sync_questions(quiz, source.questions)
    for slug, quiz in existing.items():
        quiz.delete()
        result["removed"].append(slug)
    return result


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
