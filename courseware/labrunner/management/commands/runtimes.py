"""`python manage.py runtimes build|list`: the Lambda runtime images learner code runs in.

`make install` runs `build`, which does nothing when every image is up to date. An image holds AWS's
runtime interface client and the AWS SDK for one Python runtime whose interpreter this host has
(see courseware/sandbox/images.py and runtimes.yaml)."""

import subprocess

from django.core.management.base import BaseCommand, CommandError

from courseware.sandbox import Images
from courseware.sandbox.images import find_interpreter, table


class Command(BaseCommand):
    help = "Build or list the Lambda runtime images (one per Python runtime this host can run)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build", "list"])

    def handle(self, *args, action, **options):
        images = Images()
        if action == "build":
            try:
                built = images.build(say=lambda line: self.stdout.write(line))
            except subprocess.CalledProcessError as error:
                raise CommandError(f"building a runtime image failed:\n{error.stderr or error.stdout}") from error
            self.stdout.write(f"Runtime images ready in {images.root}: {', '.join(built) or 'none'}")
            return
        for runtime, details in table()["runtimes"].items():
            prefix = find_interpreter(details["python"])
            state = "ready" if runtime in images.available() else ("not built" if prefix else "no interpreter")
            self.stdout.write(f"{runtime:<12} {state:<15} {prefix or ''}")
