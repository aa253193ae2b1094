import textwrap

import pytest
import yaml

from courseware.content.problems import ContentProblem
from courseware.course.loader import load_course
from courseware.quizzes.gift import export_gift, parse_gift, questions_to_yaml, read_gift


def stored(kind, **fields):
    """A question dict shaped like the quiz loader's output (only what export reads)."""
    base = {
        "id": f"q-{kind}",
        "type": kind,
        "points": 1,
        "prompt": "Q?",
        "explanation": "E.",
        "tags": [],
        "section": "",
    }
    return {**base, **fields}


def choice(text, correct=False, feedback=""):
    return {
        "text": text,
        "html": f"<p>{text}</p>",
        "correct": correct,
        "feedback": feedback,
        "feedback_html": f"<p>{feedback}</p>" if feedback else "",
    }


def body(gift: str) -> str:
    """The GIFT text after the `$CATEGORY` line."""
    head, _, rest = gift.partition("\n\n")
    assert head.startswith("$CATEGORY: ")
    return rest


def parse_one(text: str) -> dict:
    questions, problems = parse_gift(text, "quiz.gift")
    assert problems == []
    assert len(questions) == 1
    return questions[0]


def problems_of(text: str) -> list[tuple[int, str]]:
    questions, problems = parse_gift(text, "quiz.gift")
    assert all(isinstance(problem, ContentProblem) for problem in problems)
    assert {problem.path for problem in problems} <= {"quiz.gift"}
    return [(problem.line, problem.message) for problem in problems]


# ----------------------------------------------------------------------------- export


def test_export_single_with_tags_feedback_and_general_feedback():
    question = stored(
        "single",
        id="pick",
        prompt="Which one?",
        explanation="Because.",
        tags=["basics", "billing"],
        choices=[choice("Yes", True, "Right"), choice("No")],
    )
    assert export_gift("Intro quiz", [question]) == (
        "$CATEGORY: Intro quiz\n"
        "\n"
        "// tags: basics, billing\n"
        "::pick::[markdown]Which one?{\n"
        "\t=Yes#Right\n"
        "\t~No\n"
        "\t####Because.\n"
        "}\n"
    )


def test_export_multiple_weights_share_right_and_scale_penalty():
    question = stored(
        "multiple",
        penalty=0.5,
        choices=[
            choice("a", True),
            choice("b", True),
            choice("c", feedback="no"),
            choice("d"),
            choice("e"),
        ],
    )
    assert body(export_gift("T", [question])) == (
        "::q-multiple::[markdown]Q?{\n"
        "\t~%50%a\n"
        "\t~%50%b\n"
        "\t~%-16.66667%c#no\n"
        "\t~%-16.66667%d\n"
        "\t~%-16.66667%e\n"
        "\t####E.\n"
        "}\n"
    )
    three = stored(
        "multiple", penalty=1, choices=[choice("a", True), choice("b", True), choice("c", True), choice("d")]
    )
    assert "~%33.33333%a" in export_gift("T", [three])
    assert "~%-100%d" in export_gift("T", [three])
    no_penalty = stored("multiple", penalty=0, choices=[choice("a", True), choice("b")])
    assert "\t~%100%a\n\t~%0%b\n" in export_gift("T", [no_penalty])


def test_export_truefalse_feedback_wrong_then_right():
    question = stored(
        "truefalse", answer=False, feedback={"true": "<p>No, it is false.</p>\n", "false": "<p>Right.</p>"}
    )
    assert body(export_gift("T", [question])) == (
        "::q-truefalse::[markdown]Q?{\n\tF#No, it is false.#Right.\n\t####E.\n}\n"
    )
    plain = stored("truefalse", answer=True, feedback={})
    assert "{\n\tT\n\t####E.\n}" in export_gift("T", [plain])
    only_wrong = stored("truefalse", answer=True, feedback={"false": "<p>Wrong.</p>"})
    assert "\tT#Wrong.\n" in export_gift("T", [only_wrong])


def test_export_numeric_absolute_relative_and_units():
    absolute = stored("numeric", answer=3200000, tolerance=["absolute", 0.5], unit="", units={})
    assert body(export_gift("T", [absolute])) == ("::q-numeric::[markdown]Q?{\n\t#3200000:0.5\n\t####E.\n}\n")
    relative = stored("numeric", answer=-200, tolerance=["relative", 0.01], unit="s", units={"ms": 0.001, "min": 60.0})
    assert body(export_gift("T", [relative])) == (
        "// tolerance 1% exported as ±2\n"
        "// unit: s (units are not exported; also accepted: ms, min)\n"
        "::q-numeric::[markdown]Q?{\n\t#-200:2\n\t####E.\n}\n"
    )


def test_export_short_and_lost_pattern():
    question = stored("short", answers=["AWS_PROXY", "lambda proxy"], pattern="(?i)^aws.?proxy$", case_sensitive=True)
    assert body(export_gift("T", [question])) == (
        "// pattern not exported: (?i)^aws.?proxy$\n"
        "// case_sensitive not exported (GIFT short answers ignore case)\n"
        "::q-short::[markdown]Q?{\n\t=AWS_PROXY\n\t=lambda proxy\n\t####E.\n}\n"
    )


def test_export_matching_and_lost_distractors():
    question = stored(
        "matching",
        pairs=[{"left": "S3", "right": "Async"}, {"left": "API Gateway", "right": "Sync"}],
        distractors=[{"text": "Batch", "html": "<p>Batch</p>"}],
    )
    assert body(export_gift("T", [question])) == (
        "// distractors not exported: Batch\n"
        "::q-matching::[markdown]Q?{\n\t=S3 -> Async\n\t=API Gateway -> Sync\n\t####E.\n}\n"
    )


def test_export_skips_ordering_and_calculated_with_a_comment():
    questions = [
        stored("ordering", id="order-it", items=[]),
        stored("calculated", id="compute-it"),
        stored("short", answers=["x"]),
    ]
    gift = export_gift("T", questions)
    assert body(gift).split("\n\n")[:2] == [
        "// skipped order-it: ordering questions have no GIFT form",
        "// skipped compute-it: calculated questions have no GIFT form",
    ]
    assert [q["id"] for q in parse_gift(gift, "x.gift")[0]] == ["q-short"]


def test_export_escapes_special_characters_and_newlines():
    question = stored(
        "single",
        prompt="Is `a ~ b = c` #1 in {x}: y \\ z?\n\nSecond line.",
        explanation="C# is: fine",
        choices=[choice("{=}", True, "1:1 #ok"), choice("~x")],
    )
    assert body(export_gift("T", [question])) == (
        "::q-single::[markdown]Is `a \\~ b \\= c` \\#1 in \\{x\\}\\: y \\\\ z?\\n\\nSecond line.{\n"
        "\t=\\{\\=\\}#1\\:1 \\#ok\n"
        "\t~\\~x\n"
        "\t####C\\# is\\: fine\n"
        "}\n"
    )
    back = parse_one(export_gift("T", [question]))
    assert back["prompt"] == question["prompt"]
    assert back["explanation"] == "C# is: fine"
    assert back["choices"] == [{"text": "{=}", "correct": True, "feedback": "1:1 #ok"}, {"text": "~x"}]


def test_export_points_and_section_travel_as_comments():
    question = stored("short", answers=["x"], points=2.5, section="details", tags=["t"])
    gift = export_gift("T", [question])
    assert "// tags: t\n// points: 2.5\n// section: details\n::q-short::" in gift
    back = parse_one(gift)
    assert (back["points"], back["section"], back["tags"]) == (2.5, "details", ["t"])


# ----------------------------------------------------------------------------- parse


def test_parse_single_with_feedback_title_and_general_feedback():
    question = parse_one(
        "::Grant's tomb (Q1)::Who is buried in Grant's tomb?{\n"
        "  ~Grant#He is entombed, not buried.\n"
        "  =no one#Right.\n"
        "  ~Jefferson\n"
        "  ####Grant is *entombed*.\n"
        "}\n"
    )
    assert question == {
        "id": "grant-s-tomb-q1",
        "type": "single",
        "prompt": "Who is buried in Grant's tomb?",
        "choices": [
            {"text": "Grant", "feedback": "He is entombed, not buried."},
            {"text": "no one", "correct": True, "feedback": "Right."},
            {"text": "Jefferson"},
        ],
        "explanation": "Grant is *entombed*.",
    }


def test_parse_multiple_with_weights_derives_correct_and_penalty():
    question = parse_one("Pick {~%50%a ~%50%b#yes ~%-25%c ~%-25%d}")
    assert question["type"] == "multiple"
    assert question["choices"] == [
        {"text": "a", "correct": True},
        {"text": "b", "correct": True, "feedback": "yes"},
        {"text": "c"},
        {"text": "d"},
    ]
    assert question["penalty"] == 0.5
    assert "penalty" not in parse_one("Pick {~%50%a ~%50%b ~%-50%c ~%-50%d}")
    assert parse_one("Pick {~%50%a ~%50%b ~c}")["penalty"] == 0
    assert parse_one("Pick {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}").get("penalty", 1) == 1


def test_parse_single_with_partial_weight_keeps_one_right_answer():
    question = parse_one("Best? {=a ~%50%b ~c}")
    assert question["type"] == "single"
    assert [c.get("correct", False) for c in question["choices"]] == [True, False, False]
    assert parse_one("Two right {=a =b ~c}")["type"] == "multiple"


def test_parse_truefalse_forms_and_feedback():
    for text, answer in [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)]:
        question = parse_one(f"Grass is green. {text}")
        assert question["type"] == "truefalse" and question["answer"] is answer
        assert "feedback" not in question
    question = parse_one("The sun rises in the west.{FALSE#It rises in the east.#Yes.}")
    assert question["feedback"] == {True: "It rises in the east.", False: "Yes."}
    assert parse_one("Sky? {T#Wrong.}")["feedback"] == {False: "Wrong."}


def test_parse_missing_word_puts_a_blank():
    assert parse_one("The sky is {T} today.")["prompt"] == "The sky is ____ today."
    assert parse_one("Grant is {~buried =entombed ~living} in Grant's tomb.")["prompt"] == (
        "Grant is ____ in Grant's tomb."
    )


def test_parse_numeric_tolerance_range_and_weighted_answers():
    question = parse_one("When was Grant born?{#1822:5}")
    assert (question["type"], question["answer"], question["tolerance"]) == ("numeric", 1822, 5)
    assert (parse_one("Exact {#2.5}")["answer"], parse_one("Exact {#2.5}")["tolerance"]) == (2.5, 0)
    ranged = parse_one("What is pi to 3 places? {#3.141..3.142}")
    assert (ranged["answer"], ranged["tolerance"]) == (3.1415, 0.0005)
    negative = parse_one("Cold {#-10..-4}")
    assert (negative["answer"], negative["tolerance"]) == (-7, 3)
    read = read_gift("Grant? {#\n=%50%1821:0#close\n=1822:0#Right\n~#Look it up}", "quiz.gift")
    assert read.questions[0]["answers"] == [
        {"answer": 1821, "tolerance": 0, "credit": "50%", "feedback": "close"},
        {"answer": 1822, "tolerance": 0, "feedback": "Right"},
    ]
    assert [(note.line, note.message) for note in read.notes] == [
        (
            1,
            "question 'q-1': the feedback for any other answer ('~#Look it up') is not kept: there is no such answer here",
        )
    ]


def test_parse_short_answers():
    question = parse_one("Who's buried in Grant's tomb?{=no one =nobody#Yes ####Nobody.}")
    assert question["type"] == "short"
    assert question["answers"] == ["no one", {"text": "nobody", "feedback": "Yes"}]
    assert question["explanation"] == "Nobody."
    assert parse_one("Name it {=AWS_PROXY =%50%proxy}")["answers"] == ["AWS_PROXY", {"text": "proxy", "credit": "50%"}]


def test_parse_matching_pairs_and_empty_left_distractor():
    question = parse_one(
        "Match the capitals.{\n  =Canada -> Ottawa\n  =Italy -> Rome\n  =Japan -> Tokyo\n  = -> Paris\n}"
    )
    assert question["type"] == "matching"
    assert question["pairs"] == [
        {"left": "Canada", "right": "Ottawa"},
        {"left": "Italy", "right": "Rome"},
        {"left": "Japan", "right": "Tokyo"},
    ]
    assert question["distractors"] == ["Paris"]


def test_parse_comments_categories_tags_formats_and_ids():
    questions, problems = parse_gift(
        textwrap.dedent("""\
            // An exported quiz
            $CATEGORY: $course$/Lambda

            // tags: billing, cold-start
            ::Same title::[markdown]First {T}

            // just a comment
            ::Same title::[html]<b>Second</b> {F}

            [plain]No title {=x}

            ::Ünïcode title::Fourth {=y}
            """),
        "quiz.gift",
    )
    assert problems == []
    assert [q["id"] for q in questions] == ["same-title", "same-title-2", "q-3", "unicode-title"]
    assert [q["prompt"] for q in questions] == ["First", "<b>Second</b>", "No title", "Fourth"]
    assert questions[0]["tags"] == ["billing", "cold-start"]
    assert "tags" not in questions[1]
    assert all(q["explanation"] == "Imported from GIFT." for q in questions)


def test_parse_multi_line_question_and_escapes():
    question = parse_one(
        "// leading comment\n"
        "::Code::What does `x \\= 1` print\n"
        "in `a\\:b`?\\nReally?\n"
        "{\n"
        "  =nothing \\{really\\}#no \\#tags\n"
        "  ~1\n"
        "}"
    )
    assert question["prompt"] == "What does `x = 1` print\nin `a:b`?\nReally?"
    assert question["choices"][0] == {"text": "nothing {really}", "correct": True, "feedback": "no #tags"}


def test_parse_problems_have_line_numbers():
    text = textwrap.dedent("""\
        $CATEGORY: x

        ::ok::Fine {T}

        // tags: a
        ::open::Unclosed brace
        {=a
        ~b

        ::none::No right answer {~a ~b}

        ::essay::Write about Lambda. {}

        Just a description without answers.

        ::bad-number::How many? {#lots:2}

        ::bad-match::Match {=a -> b =c}

        Closing first } then {

        ::two::One {T} and two {F}

        Ambiguous {maybe}
        """)
    questions, problems = parse_gift(text, "quiz.gift")
    assert [q["id"] for q in questions] == ["ok"]
    found = problems_of(text)
    assert [line for line, _ in found] == [7, 10, 12, 14, 16, 18, 20, 22, 24]
    messages = [message for _, message in found]
    assert "unclosed '{'" in messages[0]
    assert "without a right answer" in messages[1]
    assert "essay" in messages[2]
    assert "description" in messages[3]
    assert "'lots:2' must be value, value:tolerance or min..max" in messages[4]
    assert "no '->'" in messages[5]
    assert "'}' without an opening '{'" in messages[6]
    assert "more than one answer block" in messages[7]
    assert "unknown answer form {maybe}" in messages[8]


# ----------------------------------------------------------------------------- YAML


def test_questions_to_yaml_is_readable_and_loads():
    questions = [
        {
            "id": "a",
            "type": "single",
            "prompt": "Line one\n\n    code\nLine three",
            "choices": [{"text": "yes", "correct": True}, {"text": "no: " + "long " * 20}],
            "explanation": "Because.",
        },
        {
            "id": "b",
            "type": "truefalse",
            "tags": ["x", "y"],
            "prompt": "True?",
            "answer": True,
            "feedback": {True: "Yes", False: "No"},
            "explanation": "E.",
        },
    ]
    text = questions_to_yaml(questions)
    assert text.startswith("  - id: a\n    type: single\n    prompt: |-\n      Line one\n\n")
    assert "      - {text: 'yes', correct: true}\n" in text
    assert "\n\n  - id: b\n" in text
    assert "    tags: [x, y]\n" in text
    assert yaml.safe_load("questions:\n" + text) == {"questions": questions}


# ----------------------------------------------------------------------------- round trip

QUIZ = """\
title: Round trip
questions:
  - id: pick-one
    type: single
    points: 2
    section: overview
    tags: [basics, billing]
    prompt: |
      Which is right? Mind `a ~ b = c`, C#, {braces} and colons: here.

      ```python
      x = {"k": 1}  # a comment
      ```
    explanation: "Alpha, because: **reasons**."
    choices:
      - text: Alpha
        correct: true
        feedback: "Yes: right."
      - {text: "Beta = wrong", feedback: "No #1"}
      - {text: Gamma}
  - id: pick-many
    type: multiple
    penalty: 0.5
    prompt: Pick the two right ones.
    explanation: Red and green.
    choices:
      - {text: Red, correct: true}
      - {text: Green, correct: true, feedback: Also right.}
      - {text: Blue}
      - {text: Black}
      - {text: White}
  - id: true-or-false
    type: truefalse
    prompt: The sky is green.
    answer: false
    feedback: {true: "No: it is *blue*.", false: Right.}
    explanation: It is blue.
  - id: how-many
    type: numeric
    prompt: How many seconds?
    answer: 987654
    tolerance: 10
    unit: s
    units: {ms: 0.001}
    explanation: Count them.
  - id: how-much
    type: numeric
    prompt: How much?
    answer: 250
    tolerance: "2%"
    explanation: About 250.
  - id: name-it
    type: short
    prompt: Name the integration.
    answers: [AWS_PROXY, lambda proxy]
    pattern: "(?i)^aws.?proxy$"
    explanation: AWS_PROXY.
  - id: match-them
    type: matching
    prompt: Match them.
    pairs:
      - {left: One, right: Uno}
      - {left: "Two -> 2", right: Dos}
    distractors: [Cuatro]
    explanation: Spanish.
  - id: order-them
    type: ordering
    prompt: Order them.
    items: [First, Second]
    explanation: In order.
  - id: compute-it
    type: calculated
    prompt: "What is {a} times 2?"
    parameters:
      a: {min: 1, max: 3}
    formula: a * 2
    tolerance: 0
    explanation: Double it.
"""


def effective_tolerance(question):
    kind, amount = question["tolerance"]
    return amount if kind == "absolute" else abs(question["answer"]) * amount


def test_round_trip_through_gift_and_yaml_validates_with_the_loader(content):
    content.write("01-intro.quiz.yaml", QUIZ)
    course = load_course(content.root)
    assert course.problems == []
    original = course.quizzes[0].questions

    gift = export_gift(course.quizzes[0].title, original)
    imported, problems = parse_gift(gift, "lessons/01-intro.gift")
    assert problems == []
    assert [q["id"] for q in imported] == [q["id"] for q in original][:7]
    text = questions_to_yaml(imported)
    assert yaml.safe_load("questions:\n" + text)["questions"] == imported

    content.write("01-intro.quiz.yaml", "title: Round trip\nquestions:\n" + text)
    course = load_course(content.root)
    assert course.problems == []
    again = {q["id"]: q for q in course.quizzes[0].questions}
    for before in original[:7]:
        after = again[before["id"]]
        for key in ["type", "points", "prompt", "prompt_html", "explanation", "tags", "section"]:
            assert after[key] == before[key], (before["id"], key)
        kind = before["type"]
        if kind in ("single", "multiple"):
            pick = ["text", "correct", "feedback", "feedback_html"]
            assert [[c[k] for k in pick] for c in after["choices"]] == [[c[k] for k in pick] for c in before["choices"]]
            assert after.get("penalty") == before.get("penalty")
        elif kind == "truefalse":
            assert (after["answer"], after["feedback"]) == (before["answer"], before["feedback"])
        elif kind == "numeric":
            assert after["answer"] == before["answer"]
            assert after["tolerance"][0] == "absolute"
            assert effective_tolerance(after) == pytest.approx(effective_tolerance(before))
            assert (after["unit"], after["units"]) == ("", {})  # units are not round-tripped
        elif kind == "short":
            assert after["answers"] == before["answers"]
            assert after["pattern"] == ""  # patterns are not round-tripped
        elif kind == "matching":
            assert [p["right"] for p in after["pairs"]] == [p["right"] for p in before["pairs"]]
            assert [p["left_html"] for p in after["pairs"]] == [p["left_html"] for p in before["pairs"]]
            assert after["pairs"][1]["left"] == "Two -&gt; 2"  # '->' cannot be escaped in GIFT
            assert after["distractors"] == []  # distractors are not round-tripped
