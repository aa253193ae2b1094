"""Lab 1's solution as the lab page's form would post it, shared by the lab tests."""

import json
from pathlib import Path

from django.conf import settings

SOLUTION = Path(settings.CONTENT_DIR) / "labs" / "hello-lambda" / "solution"
HTMX = {"HTTP_HX_REQUEST": "true"}


def solution_post() -> dict:
    config = json.loads((SOLUTION / "config.json").read_text())
    return {
        "file:handler.py": (SOLUTION / "handler.py").read_text(),
        "memory_mb": str(config["memory_mb"]),
        "timeout_s": str(config["timeout_s"]),
        "architecture": "x86_64",
        "environment": "\n".join(f"{k}={v}" for k, v in config["environment"].items()),
    }


LAB_MD = """---
title: Demo
order: 1
summary: A lab to hold checks.
objectives: [Pass]
services: [lambda]
deploy: function
points: 2
minutes: 5
lesson: intro
---

"""
HANDLER = "def handler(event, context):\n    return {}\n"


def write_lab(content, checks: str, body: str = "## Steps\n\nDeploy.\n"):
    """A small function lab, labs/demo/, in a scratch content tree (the `content` fixture)."""
    lab = content.root / "labs" / "demo"
    for folder in ("starter", "solution"):
        (lab / folder).mkdir(parents=True)
        (lab / folder / "handler.py").write_text(HANDLER)
    (lab / "events").mkdir()
    (lab / "events" / "empty.json").write_text("{}")
    (lab / "lab.md").write_text(LAB_MD + body)
    (lab / "checks.py").write_text(checks)
    return lab
