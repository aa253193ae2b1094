"""The auto-grader: an instructor's `checks.py`, run against a learner's account.

A lab's checks are plain functions decorated with `@check(points=...)`. Each gets a
`LabContext` (clients bound to the learner's account, helpers to invoke and send events) and
either returns (passed; an optional message for the learner) or raises `Fail("message")`
(failed, with that message). Hidden checks are reported only as passed or failed: their message,
title and any error never reach the learner.
"""

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HIDDEN_TITLE = "Hidden check"


class Fail(AssertionError):
    """Raise in a check to fail it with a message the learner sees."""


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    points: int
    hidden: bool
    function: Callable
    line: int


def check(*, points: int, title: str | None = None, hidden: bool = False):
    """Mark a function in checks.py as a check worth `points`."""

    def mark(function):
        function.lab_check = {"points": points, "title": title, "hidden": hidden}
        return function

    return mark


class ChecksError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def load_checks(path: Path) -> list[Check]:
    """Import checks.py (instructor code, trusted) and return its checks in file order."""
    name = f"lab_checks_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise ChecksError(error.lineno or 1, f"syntax error: {error.msg}") from error
    except Exception as error:
        line = traceback.extract_tb(error.__traceback__)[-1].lineno or 1
        raise ChecksError(line, f"checks.py fails on import: {type(error).__name__}: {error}") from error
    finally:
        sys.modules.pop(name, None)
    checks = []
    for attribute, function in vars(module).items():
        marks = getattr(function, "lab_check", None)
        if marks is None or not inspect.isfunction(function):
            continue
        line = function.__code__.co_firstlineno
        points = marks["points"]
        if isinstance(points, bool) or not isinstance(points, int) or points < 1:
            raise ChecksError(line, f"check '{attribute}': points must be a whole number ≥ 1")
        if len(inspect.signature(function).parameters) != 1:
            raise ChecksError(line, f"check '{attribute}' must take one argument (the lab)")
        doc = (inspect.getdoc(function) or "").strip().splitlines()
        title = marks["title"] or (doc[0] if doc else attribute.replace("_", " ").capitalize())
        checks.append(Check(attribute, title, points, marks["hidden"], function, line))
    if not checks:
        raise ChecksError(1, "checks.py defines no @check functions")
    return sorted(checks, key=lambda item: item.line)


@dataclass
class CheckResult:
    name: str
    title: str
    passed: bool
    points: int  # what the check is worth
    earned: int
    message: str
    hidden: bool = False


@dataclass
class GradeReport:
    checks: list[CheckResult]

    @property
    def score(self) -> int:
        return sum(item.earned for item in self.checks)

    @property
    def total(self) -> int:
        return sum(item.points for item in self.checks)

    def to_dict(self) -> dict:
        return {
            "checks": [asdict(item) for item in self.checks],
            "score": self.score,
            "total": self.total,
        }


def run_checks(checks: list[Check], lab, *, reveal_hidden: bool = False) -> GradeReport:
    """Run every check (in order, each on its own); a crash in one fails only that one."""
    results = []
    for item in checks:
        try:
            message = item.function(lab)
            passed, message = True, message or "Passed."
        except Fail as failure:
            passed, message = False, str(failure) or "Not yet."
        except AssertionError as failure:
            passed, message = False, str(failure) or "Not yet."
        except Exception as error:  # the learner's resources can be in any state
            passed = False
            message = f"This check could not run: {type(error).__name__}: {error}"
        hide = item.hidden and not reveal_hidden
        results.append(
            CheckResult(
                name=item.name if not hide else f"hidden-{len(results) + 1}",
                title=item.title if not hide else HIDDEN_TITLE,
                passed=passed,
                points=item.points,
                earned=item.points if passed else 0,
                message=message if not hide else ("Passed." if passed else "Failed."),
                hidden=item.hidden,
            )
        )
    return GradeReport(results)
