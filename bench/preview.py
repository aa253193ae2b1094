#!/usr/bin/env python
"""The instructor's lesson preview, against rendering that one lesson alone.

The preview renders a lesson file from the working tree and lists every content problem in it,
so each render reads and validates the whole course. Timed in one run, interleaved over rounds
so the ratio holds on a shared, noisy machine:
  - baseline: the selected lesson file read and rendered on its own (the least a preview needs);
  - edited: GET /instructor/preview/?file=... after the instructor edited that lesson file;
  - again: the same GET with nothing changed;
and, once, where an edited preview's time goes (cProfile, the top functions by own time).

    .venv/bin/python bench/preview.py [--file 04-lambda-pricing.md] [--rounds 5] [--profile]
"""

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default="04-lambda-pricing.md")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where an edited preview's time goes")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    content = Path(scratch.name) / "content"  # a copy to edit, as an instructor's working tree
    for folder in ("lessons", "labs"):
        shutil.copytree(ROOT / folder, content / folder)
    os.environ["CONTENT_DIR"] = str(content)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/preview.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "courseware.settings"
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from courseware.content.renderer import render_markdown

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", "--no-input", verbosity=0)
    user = get_user_model().objects.create_user("bench-instructor", is_staff=True)
    client = Client()
    client.force_login(user)
    path = Path(settings.LESSONS_DIR) / args.file
    url = f"/instructor/preview/?file={args.file}"

    def baseline():
        render_markdown(path.read_text(encoding="utf-8").split("\n---\n", 1)[-1])

    def preview():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def edit():  # an instructor saves the lesson with a new sentence at the end
        with path.open("a", encoding="utf-8") as file:
            file.write(f"\nEdited at {time.time_ns()}.\n")

    preview()  # imports and first-time set-up are not what an instructor waits for
    rows = {"baseline": [], "edited": [], "again": []}
    for _ in range(args.rounds):
        rows["baseline"].append(timed(baseline))
        edit()
        rows["edited"].append(timed(preview))
        rows["again"].append(timed(preview))
    base = statistics.median(rows["baseline"])
    print(f"Preview of {args.file}, median of {args.rounds} rounds")
    for name, values in rows.items():
        median = statistics.median(values)
        print(f"  {name:9} {median:8.1f} ms   {median / base:6.1f}x the baseline")
    if args.profile:
        edit()
        profile = cProfile.Profile()
        profile.runcall(preview)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


if __name__ == "__main__":
    main()
