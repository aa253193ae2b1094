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
