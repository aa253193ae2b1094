"""Every bench/ script still starts: it imports what it measures (modules move; a bench that no
longer imports would be found broken only when someone needs its figures) and reads its options."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(path.name for path in BENCH.glob("*.py") if path.read_text().startswith("#!"))


def test_the_benches_are_found():
    assert {"labs.py", "load.py", "tenancy.py", "sandbox.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_bench_script_imports_and_answers_help(script):
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage:" in done.stdout
