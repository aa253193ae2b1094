"""The auto-grader: a lab's checks.py, run against a learner's emulated account.

Instructors write `from courseware.labrunner.grading import Fail, check` in checks.py (see
docs/authoring.md): those two names are this package's face. `checks` loads and runs the
checks, `context` is the `lab` object each check is given, `runner` grades a folder of lab
files in a fresh account (`lab grade`, and the "Check my progress" step).
"""

from .checks import Fail, check

__all__ = ["Fail", "check"]
