"""`python manage.py quiz regrade QUIZ | import-gift FILE [--dry-run] | export-gift [QUIZ]`."""

import shutil
import tempfile
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from courseware.content.lessons import load_lessons
from courseware.quizzes import services
from courseware.quizzes.gift import export_gift, questions_to_yaml, read_gift
from courseware.quizzes.gift.importing import fit_to_quiz
from courseware.quizzes.models import Quiz
from courseware.quizzes.spec.loader import QUIZ_SUFFIX, load_quizzes


class Command(BaseCommand):
    help = "Quiz tools: regrade past attempts, and GIFT (Moodle) import and export."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        regrade = actions.add_parser("regrade", help="Re-score past attempts after a key was fixed and synced.")
        regrade.add_argument("quiz", help="The quiz's lesson slug, e.g. lambda-pricing.")
        regrade.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        gift_in = actions.add_parser("import-gift", help="Add GIFT questions to a lesson's quiz file.")
        gift_in.add_argument("file", type=Path)
        gift_in.add_argument(
            "--lesson",
            help="Lesson slug (default: the GIFT file's name, e.g. lambda-pricing.gift).",
        )
        gift_in.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        gift_out = actions.add_parser("export-gift", help="Print quizzes as GIFT (all when none is named).")
        gift_out.add_argument("quiz", nargs="?", help="The quiz's lesson slug.")

    def handle(self, *args, action, **options):
        {"regrade": self.regrade, "import-gift": self.import_gift, "export-gift": self.export_gift}[action](**options)

    def regrade(self, *, quiz, dry_run, **options):
        target = Quiz.objects.filter(lesson__slug=quiz).first()
        if target is None:
            raise CommandError(
                f"No quiz for lesson '{quiz}'. Quizzes: {', '.join(Quiz.objects.values_list('lesson__slug', flat=True))}"
            )
        changes = services.quiz_regrade(quiz=target, dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        attempts = target.attempts.filter(state="submitted").count()
        self.stdout.write(f"Regraded {attempts} submitted attempts of '{quiz}': {len(changes)} {verb}.")
        for change in changes:
            keys = ", ".join(
                f"{key} {old if old is None else round(old, 3)}→{round(new, 3)}" for key, old, new in change.questions
            )
            self.stdout.write(
                f"  {change.attempt.user.get_username()} attempt {change.attempt.number}: "
                f"{change.old_percent:.1f}% → {change.new_percent:.1f}%  ({keys})"
            )

    def export_gift(self, *, quiz, **options):
        quizzes = Quiz.objects.select_related("lesson").order_by("lesson__order")
        if quiz:
            quizzes = quizzes.filter(lesson__slug=quiz)
            if not quizzes:
                raise CommandError(f"No quiz for lesson '{quiz}'.")
        for item in quizzes:
            specs = [question.spec for question in item.questions.filter(retired=False)]
            self.stdout.write(export_gift(item.title, specs))

    def import_gift(self, *, file, lesson, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        read = read_gift(file.read_text(encoding="utf-8"), str(file))
        if read.problems:
            self._fail(read.problems)
        lessons_dir = Path(settings.LESSONS_DIR)
        slug = lesson or file.name.split(".")[0]
        target_lesson = next((item for item in load_lessons(lessons_dir.parent).lessons if item.slug == slug), None)
        if target_lesson is None:
            raise CommandError(f"No lesson with slug '{slug}' in {lessons_dir} (use --lesson SLUG).")
        target = lessons_dir / (target_lesson.file_name[:-3] + QUIZ_SUFFIX)
        existing = target.read_text(encoding="utf-8") if target.exists() else "questions:\n"
        if not _questions_come_last(existing):
            raise CommandError(
                f"{target}: new questions are added at the end, so 'questions:' must be the file's last key."
            )
        fit_to_quiz(
            read,
            path=str(file),
            taken=_quiz_ids(existing),
            anchors=set(target_lesson.anchors),
            lesson=target_lesson.path,
        )
        new_text = existing.rstrip("\n") + "\n" + questions_to_yaml(read.questions)
        problems = _validate(lessons_dir, target.name, new_text)
        if problems:
            self._fail(problems)
        for note in read.notes:
            self.stdout.write(f"{note.path}:{note.line}: note: {note.message}")
        rel = target.relative_to(settings.CONTENT_DIR) if target.is_relative_to(settings.CONTENT_DIR) else target
        count = len(read.questions)
        if dry_run:
            self.stdout.write(f"Dry run: {count} questions from {file} are valid for {rel}; nothing was written.")
            return
        target.write_text(new_text, encoding="utf-8")
        self.stdout.write(f"Added {count} questions to {rel}. Review them, then run `content sync`.")

    def _fail(self, problems):
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"{len(problems)} problem(s); nothing was written.", returncode=1)


def _validate(lessons_dir: Path, name: str, text: str) -> list:
    """The lessons and every quiz loaded from a copy holding the new quiz file, exactly as
    `content check` would load them."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "lessons"
        shutil.copytree(lessons_dir, copy)
        (copy / name).write_text(text, encoding="utf-8")
        lessons = load_lessons(Path(scratch))
        load_quizzes(lessons)
    return sorted(lessons.problems)


def _quiz_ids(text: str) -> set[str]:
    try:
        values = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return set()  # the loader reports the file's own problem
    questions = values.get("questions") if isinstance(values, dict) else None
    return {str(q["id"]) for q in questions or [] if isinstance(q, dict) and "id" in q}


def _questions_come_last(text: str) -> bool:
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("questions:")]
    if not starts:
        return False
    return not any(line[:1] not in ("", " ", "-", "#") for line in lines[starts[-1] + 1 :])
