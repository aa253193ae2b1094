"""The auto-grader: an instructor's `checks.py`, run against a learner's account.

A lab's checks are plain functions decorated with `@check(points=...)`. Each gets a
`LabContext` (clients bound to the learner's account, helpers to invoke and send events) and
either returns (passed; an optional message for the learner) or raises `Fail("message")`
(failed, with that message). Hidden checks are reported only as passed or failed: their message,
title and any error never reach the learner.

When the learner's function fails (an error, a timeout, out of memory), a check that looked only
at its output judged output that never existed. So the failure is said once, with its error, by
the first check it failed, and every later check that fails because of the same failure is "not
run" rather than failed with a misleading message. A check that read the invocation's `status` or
`error` handled the failure itself (some checks expect one), and its verdict stands.
"""

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..client.aws import BACKEND_GONE

HIDDEN_TITLE = "Hidden check"
FUNCTION_FAILED = ("error", "timeout", "out_of_memory")  # the learner's function, not the platform
MAX_ERROR_CHARS = 200


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
    hints: tuple[str, ...] = ()  # Markdown, in the order a learner may reveal them (hints.py)


MAX_HINTS = 3


def check(*, points: int, title: str | None = None, hidden: bool = False, hints=()):
    """Mark a function in checks.py as a check worth `points`, with its tiers of `hints`."""

    def mark(function):
        function.lab_check = {"points": points, "title": title, "hidden": hidden, "hints": hints}
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
        hints = _hints(attribute, line, marks.get("hints", ()))
        checks.append(Check(attribute, title, points, marks["hidden"], function, line, hints))
    if not checks:
        raise ChecksError(1, "checks.py defines no @check functions")
    return sorted(checks, key=lambda item: item.line)


def _hints(attribute: str, line: int, hints) -> tuple[str, ...]:
    """A check's hints: a list of one to three non-empty Markdown texts, the gentlest first."""
    if isinstance(hints, str) or not isinstance(hints, list | tuple):
        raise ChecksError(line, f"check '{attribute}': hints must be a list of texts, the gentlest first")
    if len(hints) > MAX_HINTS:
        raise ChecksError(line, f"check '{attribute}': at most {MAX_HINTS} hints (a nudge, then a pointer)")
    if not all(isinstance(hint, str) and hint.strip() for hint in hints):
        raise ChecksError(line, f"check '{attribute}': each hint must be a non-empty text")
    return tuple(hint.strip() for hint in hints)


@dataclass
class FunctionFailure:
    """A failed invocation of the learner's function during a check, as the context saw it."""

    text: str  # "KeyError: 'GREETING'"
    kind: str = ""  # "KeyError"
    source: object = None  # the Invocation the check was given, which notes what the check read
    via_api: bool = False  # behind an API: the check saw an HTTP status, never the error

    @property
    def handled(self) -> bool:
        """The check read the invocation's status or error, so it judged the failure itself."""
        return bool(getattr(self.source, "inspected", False))


def function_failure(status: str, error: dict | None, *, source=None, via_api: bool = False) -> FunctionFailure:
    """What went wrong, in one line: the error type and message, or the timeout or memory limit."""
    error = error if isinstance(error, dict) else {}
    kind, message = str(error.get("errorType") or ""), str(error.get("errorMessage") or "").strip()
    if status == "timeout":
        text = f"a timeout ({message})" if message else "a timeout"
    elif status == "out_of_memory":
        text = f"out of memory ({message})" if message else "out of memory"
    else:
        text = ": ".join(part for part in (kind, message) if part) or "an error"
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return FunctionFailure(text, kind, source, via_api)


@dataclass
class CheckResult:
    name: str
    title: str
    passed: bool
    points: int  # what the check is worth
    earned: int
    message: str
    hidden: bool = False
    status: str = "passed"  # passed | failed | not_run (the function failed, so nothing to judge)


@dataclass
class GradeReport:
    checks: list[CheckResult]
    function_error: str | None = None  # the function's failure, as reported once to the learner

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
            "function_error": self.function_error,
            "not_run": sum(item.status == "not_run" for item in self.checks),
        }


def _run_one(item: Check, lab) -> tuple[bool, str]:
    try:
        message = item.function(lab)
        return True, message or "Passed."
    except AssertionError as failure:  # Fail included
        return False, str(failure) or "Not yet."
    except BACKEND_GONE:  # the node died under the check: the whole grade moves to another node
        raise
    except Exception as error:  # the learner's resources can be in any state
        return False, f"This check could not run: {type(error).__name__}: {error}"


class _FailureLedger:
    """Which function failures the learner has been told about, so each is said once."""

    def __init__(self):
        self.told: list[str] = []

    def verdict(self, failures: list[FunctionFailure], message: str, *, hide: bool) -> tuple[str, str]:
        """(status, message) for a failed check during which the function failed."""
        known = next((f.text for f in failures if f.text in self.told), None)
        if known is not None:
            return "not_run", f"Not run: your function failed with {known}."
        if hide:  # a hidden check's invocations are not the learner's to see
            return "failed", message
        unhandled = next((f.text for f in failures if not f.handled and not f.via_api), None)
        if unhandled is not None:
            self.told.append(unhandled)
            return "failed", (
                f"Your function failed with {unhandled}, so its output could not be checked. "
                "Invoke it to read the traceback in the logs."
            )
        behind_api = next((f for f in failures if f.via_api), None)
        if behind_api is not None:  # the check judged the API's answer; the error is news
            self.told.append(behind_api.text)
            if not (behind_api.kind and behind_api.kind in message):
                message = f"{message} Your function failed with {behind_api.text}."
            return "failed", message
        # The check read the error itself; if its message names the error, the learner was told.
        self.told += [f.text for f in failures if f.kind and f.kind in message]
        return "failed", message


def run_checks(checks: list[Check], lab, *, reveal_hidden: bool = False) -> GradeReport:
    """Run every check (in order, each on its own); a crash in one fails only that one.

    `lab.function_failures`, when the context keeps it, lists the function's failed invocations
    during the current check; it is emptied before each."""
    results, ledger = [], _FailureLedger()
    failures = getattr(lab, "function_failures", None)
    for item in checks:
        if failures is not None:
            failures.clear()
        passed, message = _run_one(item, lab)
        hide = item.hidden and not reveal_hidden
        status = "passed" if passed else "failed"
        if not passed and failures:
            status, message = ledger.verdict(list(failures), message, hide=hide)
        if hide and status != "not_run":
            message = "Passed." if passed else "Failed."
        results.append(
            CheckResult(
                name=item.name if not hide else f"hidden-{len(results) + 1}",
                title=item.title if not hide else HIDDEN_TITLE,
                passed=passed,
                points=item.points,
                earned=item.points if passed else 0,
                message=message,
                hidden=item.hidden,
                status=status,
            )
        )
    return GradeReport(results, function_error=ledger.told[0] if ledger.told else None)
