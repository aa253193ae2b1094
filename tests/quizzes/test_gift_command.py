"""`quiz import-gift` and `quiz export-gift` on a content tree."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courseware.course.loader import load_course

pytestmark = pytest.mark.django_db

GIFT = """// tags: billing
::granularity::What does Lambda round duration up to today?{
  =1 ms#Right.
  ~100 ms#That was before December 2020.
  ####Since December 2020.
}

::free-requests::How many requests a month does the free tier include?{#1000000:0}
"""


def test_import_dry_run_writes_nothing_then_import_adds_valid_questions(content, tmp_path):
    gift = tmp_path / "intro.gift"
    gift.write_text(GIFT)
    stdout = io.StringIO()
    call_command("quiz", "import-gift", str(gift), "--dry-run", stdout=stdout)
    assert "Dry run: 2 questions" in stdout.getvalue()
    assert not (content.lessons / "01-intro.quiz.yaml").exists()
    call_command("quiz", "import-gift", str(gift), stdout=stdout)
    course = load_course(content.root)
    assert course.problems == []
    [quiz] = course.quizzes
    assert [q["id"] for q in quiz.questions] == ["granularity", "free-requests"]
    assert quiz.questions[1]["answer"] == 1000000
    call_command("quiz", "import-gift", str(gift), "--lesson", "next", stdout=stdout)
    assert load_course(content.root).problems == []


def test_import_reports_problems_with_lines_and_writes_nothing(content, tmp_path):
    gift = tmp_path / "intro.gift"
    gift.write_text("::ok::Fine?{T}\n\n::bad::Which?{\n  ~a\n  ~b\n}\n")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("quiz", "import-gift", str(gift), stderr=stderr)
    assert f"{gift}:3:" in stderr.getvalue()
    assert not (content.lessons / "01-intro.quiz.yaml").exists()


def test_importing_twice_renames_the_ids_the_quiz_already_has(content, tmp_path):
    gift = tmp_path / "intro.gift"
    gift.write_text("::same::One?{T}\n")
    call_command("quiz", "import-gift", str(gift), stdout=io.StringIO())
    stdout = io.StringIO()
    call_command("quiz", "import-gift", str(gift), stdout=stdout)
    assert f"{gift}:1: note: question id 'same' is already in the quiz: imported as 'same-2'" in stdout.getvalue()
    [quiz] = load_course(content.root).quizzes
    assert [q["id"] for q in quiz.questions] == ["same", "same-2"]


def test_unknown_lesson(content, tmp_path):
    gift = tmp_path / "nowhere.gift"
    gift.write_text("::q::Fine?{T}\n")
    with pytest.raises(CommandError, match="No lesson with slug 'nowhere'"):
        call_command("quiz", "import-gift", str(gift))


def test_export_all_and_one(make_quiz):
    make_quiz()
    stdout = io.StringIO()
    call_command("quiz", "export-gift", stdout=stdout)
    text = stdout.getvalue()
    assert text.startswith("$CATEGORY: Quiz on the intro")
    assert "::pick-one::" in text and "// skipped order-them: ordering questions have no GIFT form" in text
    with pytest.raises(CommandError):
        call_command("quiz", "export-gift", "nope")
