from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courseware.course.services import ContentInvalid, content_load, content_sync


class Command(BaseCommand):
    help = "Validate (check) or import (sync) the course content in lessons/."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "sync"])
        parser.add_argument("--content-dir", type=Path, help="Directory holding lessons/ (default: CONTENT_DIR).")

    def handle(self, *args, action, content_dir, **options):
        if action == "check":
            course = content_load(content_dir=content_dir)
            self._report(course.problems)
            self.stdout.write(
                f"{len(course.lessons)} lessons, {len(course.modules)} modules, "
                f"{len(course.quizzes)} quizzes ({sum(len(q.questions) for q in course.quizzes)} questions), "
                f"{len(course.labs)} labs: all valid."
            )
            return
        try:
            result = content_sync(content_dir=content_dir)
        except ContentInvalid as error:
            self._report(error.problems)
        self.stdout.write(
            f"Synced: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {len(result.removed)} removed."
        )
        for label, slugs in [
            ("created", result.created),
            ("updated", result.updated),
            ("removed", result.removed),
        ]:
            for slug in slugs:
                self.stdout.write(f"  {label}: {slug}")
        quizzes = result.quizzes
        self.stdout.write(
            f"Quizzes: {len(quizzes.created)} created, {len(quizzes.updated)} updated, "
            f"{len(quizzes.unchanged)} unchanged, {len(quizzes.removed)} removed."
        )
        labs = result.labs
        self.stdout.write(
            f"Labs: {len(labs.created)} created, {len(labs.updated)} updated, "
            f"{len(labs.unchanged)} unchanged, {len(labs.removed)} removed."
        )

    def _report(self, problems):
        if not problems:
            return
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"{len(problems)} problem(s) found; nothing was written.", returncode=1)
