"""Question types: validation with lines, grading, and the formula language."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courseware.course.loader import load_course
from courseware.quizzes.spec.choices import ChoiceType
from courseware.quizzes.spec.expressions import FormulaError, evaluate, parse_formula
from courseware.quizzes.spec.grading import AnswerInvalid, within_tolerance
from courseware.quizzes.spec.matching import MatchingType, OrderingType
from courseware.quizzes.spec.numeric import NumericType
from courseware.quizzes.spec.typed import ShortType


def problems(content, text):
    content.write("01-intro.quiz.yaml", text)
    return [str(problem) for problem in load_course(content.root).problems]


QUESTION = """questions:
  - id: q1
    type: {type}
    prompt: A question?
    explanation: Because.
{extra}"""


@pytest.mark.parametrize(
    "kind, extra, expected",
    [
        ("essay", "", "lessons/01-intro.quiz.yaml:3: question 1 'q1': unknown type 'essay'"),
        (
            "single",
            "    choices:\n      - text: a\n      - text: b\n",
            "lessons/01-intro.quiz.yaml:7: question 1 'q1': a single-choice question needs exactly one correct choice, not 0",
        ),
        (
            "multiple",
            "    choices:\n      - text: a\n      - text: b\n",
            "lessons/01-intro.quiz.yaml:7: question 1 'q1': no choice is marked 'correct: true'",
        ),
        (
            "numeric",
            "    answer: 5\n",
            "lessons/01-intro.quiz.yaml:2: question 1 'q1': missing 'tolerance'",
        ),
        (
            "numeric",
            "    answer: 5\n    tolerance: -1\n",
            "lessons/01-intro.quiz.yaml:7: question 1 'q1': tolerance cannot be negative",
        ),
        (
            "calculated",
            "    parameters:\n      x: {min: 0, max: 4}\n    formula: 100 / x\n    tolerance: 0\n",
            "lessons/01-intro.quiz.yaml:8: question 1 'q1': the answer cannot be computed for {'x': 0}: division by zero",
        ),
        (
            "calculated",
            "    parameters:\n      x: {min: 1, max: 4}\n    formula: y * 2\n    tolerance: 0\n",
            "lessons/01-intro.quiz.yaml:8: question 1 'q1': formula uses unknown names: y",
        ),
        (
            "calculated",
            "    parameters:\n      x: {min: 1, max: 4}\n    function: nowhere\n    tolerance: 0\n",
            "lessons/01-intro.quiz.yaml:8: question 1 'q1': no function 'nowhere' in lessons/quiz_functions.py",
        ),
        (
            "short",
            "    answers: [a]\n    pattern: '(unclosed'\n",
            "lessons/01-intro.quiz.yaml:7: question 1 'q1': 'pattern' is not a valid regular expression",
        ),
        (
            "matching",
            "    pairs:\n      - {left: a, right: x}\n      - {left: b, right: x}\n",
            "lessons/01-intro.quiz.yaml:7: question 1 'q1': every right-hand answer (and distractor) must be different",
        ),
        (
            "ordering",
            "    items: [a]\n",
            "lessons/01-intro.quiz.yaml:6: question 1 'q1': 'items' must be a list of at least 2",
        ),
        (
            "truefalse",
            "    answer: maybe\n",
            "lessons/01-intro.quiz.yaml:6: question 1 'q1': 'answer' must be true or false",
        ),
        (
            "single",
            "    colour: red\n    choices:\n      - {text: a, correct: true}\n      - text: b\n",
            "lessons/01-intro.quiz.yaml:6: question 1 'q1': unknown field 'colour'",
        ),
    ],
)
def test_question_problems_point_at_their_line(content, kind, extra, expected):
    found = problems(content, QUESTION.format(type=kind, extra=extra))
    assert any(problem.startswith(expected) for problem in found), found


def test_pool_smaller_than_draw(content):
    text = "settings:\n  draw: 4\n" + QUESTION.format(type="truefalse", extra="    answer: true\n")
    assert problems(content, text) == [
        "lessons/01-intro.quiz.yaml:2: settings: draw is 4 but the pool has only 1 questions"
    ]


def test_settings_are_validated(content):
    text = "settings:\n  reveal: sometimes\n  grading: best\n  pass_mark: 120\n  colour: red\n" + QUESTION.format(
        type="truefalse", extra="    answer: true\n"
    )
    found = problems(content, text)
    assert (
        "lessons/01-intro.quiz.yaml:2: settings: 'reveal' must be one of immediately, interactive, after_submission, after_last_attempt, never, not 'sometimes'"
        in found
    )
    assert (
        "lessons/01-intro.quiz.yaml:3: settings: 'grading' must be one of highest, last, first, average, not 'best'"
        in found
    )
    assert "lessons/01-intro.quiz.yaml:4: settings: 'pass_mark' is a percentage, at most 100" in found
    assert any(p.startswith("lessons/01-intro.quiz.yaml:5: settings: unknown field 'colour'") for p in found)


def test_after_last_attempt_needs_finite_attempts(content):
    text = "settings:\n  reveal: after_last_attempt\n" + QUESTION.format(type="truefalse", extra="    answer: true\n")
    assert problems(content, text) == [
        "lessons/01-intro.quiz.yaml:2: settings: reveal after_last_attempt needs a finite number of 'attempts'"
    ]


def test_duplicate_ids_and_unknown_sections(content):
    one = QUESTION.format(type="truefalse", extra="    answer: true\n    section: nowhere\n")
    two = one + one.removeprefix("questions:\n").replace("section: nowhere", "section: overview")
    found = problems(content, two)
    assert "lessons/01-intro.quiz.yaml:8: question id 'q1' is used twice (first on line 2)" in found
    assert problems(content, one) == [
        "lessons/01-intro.quiz.yaml:7: question 'q1': lessons/01-intro.md has no section '#nowhere'"
    ]


def test_quiz_without_a_lesson(content):
    content.write("09-orphan.quiz.yaml", QUESTION.format(type="truefalse", extra="    answer: true\n"))
    assert "lessons/09-orphan.quiz.yaml:1: no lesson lessons/09-orphan.md for this quiz" in [
        str(p) for p in load_course(content.root).problems
    ]


def test_broken_functions_file_is_reported_at_its_line(content):
    content.write("quiz_functions.py", "def cost(x):\n    return x *\n")
    found = [str(p) for p in load_course(content.root).problems]
    assert found and found[0].startswith("lessons/quiz_functions.py:2: cannot load: SyntaxError")


@pytest.mark.parametrize(
    "formula",
    [
        "__import__('os').system('id')",
        "().__class__",
        "x.real",
        "[1, 2][0]",
        "open('/etc/passwd')",
        "'text'",
        "lambda: 1",
        "f(x)",
    ],
)
def test_formula_language_refuses_anything_but_arithmetic(formula):
    with pytest.raises(FormulaError):
        evaluate(parse_formula(formula), {"x": 1})


def test_formula_language_arithmetic():
    tree = parse_formula("ceil(size / 64) * 0.40 / 1e6 + (1 if big > 2 else 0) + max(a, 2) ** 2")
    assert evaluate(tree, {"size": 100, "big": 3, "a": 1}) == pytest.approx(2 * 0.40 / 1e6 + 1 + 4)
    with pytest.raises(FormulaError):
        evaluate(parse_formula("2 ** 1000"), {})


def choice_question(*, multiple: bool, right: int, wrong: int, penalty: float = 1.0) -> tuple[dict, ChoiceType]:
    kind = ChoiceType("multiple" if multiple else "single")
    choices = [{"correct": i < right, "feedback_html": f"fb{i}", "html": str(i)} for i in range(right + wrong)]
    return {"choices": choices, "penalty": penalty}, kind


@given(
    right=st.integers(1, 5),
    wrong=st.integers(1, 5),
    penalty=st.sampled_from([0.0, 0.5, 1.0]),
    picks=st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_multiple_response_partial_credit(right, wrong, penalty, picks):
    data, kind = choice_question(multiple=True, right=right, wrong=wrong, penalty=penalty)
    response = [i for i in range(right + wrong) if picks[i]]
    fraction = kind.grade(data, {}, response).fraction
    right_picks = sum(1 for i in response if i < right)
    wrong_picks = len(response) - right_picks
    assert 0.0 <= fraction <= 1.0
    assert fraction == pytest.approx(max(0.0, right_picks / right - penalty * wrong_picks / wrong))
    if right_picks == right and wrong_picks == 0:
        assert fraction == 1.0
    if penalty == 1.0 and len(response) == right + wrong:
        assert fraction == 0.0, "ticking everything earns nothing"


def test_single_choice_and_feedback():
    data, kind = choice_question(multiple=False, right=1, wrong=2)
    assert kind.grade(data, {}, [0]).correct and kind.grade(data, {}, [0]).feedback == ["fb0"]
    assert kind.grade(data, {}, [2]).fraction == 0 and kind.grade(data, {}, [2]).feedback == ["fb2"]


@given(
    answer=st.floats(-1e9, 1e9, allow_nan=False),
    offset=st.floats(-2, 2, allow_nan=False),
    tolerance=st.floats(0, 1e6, allow_nan=False),
)
def test_absolute_tolerance(answer, offset, tolerance):
    value = answer + offset * tolerance
    assert within_tolerance(value, answer, "absolute", tolerance) == (
        abs(offset) <= 1 or abs(value - answer) <= tolerance + 1e-9 * abs(answer) + 1e-12
    )


@given(
    answer=st.floats(1e-3, 1e9),
    percent=st.floats(0.01, 50),
    inside=st.floats(0, 0.999),
    outside=st.floats(1.001, 3),
)
def test_relative_tolerance(answer, percent, inside, outside):
    fraction = percent / 100
    assert within_tolerance(answer * (1 + inside * fraction), answer, "relative", fraction)
    assert within_tolerance(answer * (1 - inside * fraction), answer, "relative", fraction)
    assert not within_tolerance(answer * (1 + outside * fraction), answer, "relative", fraction)


def test_numeric_accepts_separators_units_and_conversions():
    kind = NumericType()
    data = {
        "answer": 3200000,
        "tolerance": ["absolute", 0.0],
        "unit": "s",
        "units": {"ms": 0.001, "min": 60},
    }
    for typed in [
        "3200000",
        "3,200,000",
        "3.2e6",
        "3200000 s",
        "3200000 S",
        "3200000000 ms",
        "53334 min",
    ]:
        assert kind.grade(data, {}, typed).fraction == (0.0 if "min" in typed else 1.0), typed
    with pytest.raises(AnswerInvalid, match="'h' is not a unit"):
        kind.grade(data, {}, "889 h")
    with pytest.raises(AnswerInvalid, match="Enter a number"):
        kind.parse_response(data, {}, {"q": ["about three million"]}, "q")


def test_short_answers_are_normalised_and_patterns_match():
    kind = ShortType()
    data = {
        "answers": ["AWS_PROXY", "lambda proxy"],
        "pattern": "(?i)aws[ _-]?proxy",
        "case_sensitive": False,
    }
    for typed in ["aws_proxy", "  Lambda   Proxy ", "AWS proxy", "aws-proxy"]:
        assert kind.grade(data, {}, typed).correct, typed
    assert not kind.grade(data, {}, "http_proxy").correct
    assert not kind.grade({**data, "case_sensitive": True, "pattern": ""}, {}, "aws_proxy").correct


def test_matching_and_ordering_give_partial_credit():
    matching = MatchingType()
    data = {
        "pairs": [
            {"left_html": "a", "right_html": "x"},
            {"left_html": "b", "right_html": "y"},
            {"left_html": "c", "right_html": "z"},
        ],
        "distractors": [],
    }
    layout = matching.layout(data, random.Random(1), True)
    public = matching.public(data, layout)
    assert {option["html"] for option in public["options"]} == {"x", "y", "z"}
    assert matching.grade(data, layout, {"0": 0, "1": 2, "2": 1}).fraction == pytest.approx(1 / 3)
    ordering = OrderingType()
    data = {"items": [{"html": "1"}, {"html": "2"}, {"html": "3"}, {"html": "4"}]}
    layout = ordering.layout(data, random.Random(1), True)
    assert [item["html"] for item in ordering.public(data, layout)["items"]] != ["1", "2", "3", "4"]
    assert ordering.grade(data, layout, {"0": 1, "1": 2, "2": 4, "3": 3}).fraction == 0.5
    with pytest.raises(AnswerInvalid):
        ordering.parse_response(data, layout, {f"q-{layout['ids'][0]}": ["1"], f"q-{layout['ids'][1]}": ["1"]}, "q")
