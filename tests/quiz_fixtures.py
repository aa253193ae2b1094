"""A quiz with one question of every type, whose keys and explanations carry marker strings
that must never reach a learner's browser before the settings allow."""

QUIZ_YAML = """\
title: Quiz on the intro
settings:
  attempts: {attempts}
  grading: {grading}
  time_limit_minutes: {time_limit}
  reveal: {reveal}
  pass_mark: 60
questions:
  - id: pick-one
    type: single
    points: 2
    prompt: Which is right?
    section: overview
    tags: [basics]
    explanation: SECRET-EXPLANATION-single
    choices:
      - text: Alpha
        correct: true
        feedback: SECRET-FEEDBACK-alpha
      - text: Beta
        feedback: SECRET-FEEDBACK-beta
      - text: Gamma
  - id: pick-many
    type: multiple
    prompt: Pick the two right ones.
    explanation: SECRET-EXPLANATION-multiple
    choices:
      - {{text: Red, correct: true}}
      - {{text: Green, correct: true}}
      - {{text: Blue}}
      - {{text: Black}}
  - id: true-or-false
    type: truefalse
    prompt: The sky is green.
    answer: false
    feedback: {{true: SECRET-FEEDBACK-tf-true, false: SECRET-FEEDBACK-tf-false}}
    explanation: SECRET-EXPLANATION-truefalse
  - id: how-many
    type: numeric
    prompt: How many seconds?
    answer: 987654
    tolerance: 10
    unit: s
    units: {{ms: 0.001}}
    explanation: SECRET-EXPLANATION-numeric
  - id: name-it
    type: short
    prompt: Name the integration.
    answers: [SECRETWORD, secret word]
    explanation: SECRET-EXPLANATION-short
  - id: match-them
    type: matching
    prompt: Match them.
    pairs:
      - {{left: One, right: Uno}}
      - {{left: Two, right: Dos}}
      - {{left: Three, right: Tres}}
    distractors: [Cuatro]
    explanation: SECRET-EXPLANATION-matching
  - id: order-them
    type: ordering
    prompt: Order them.
    items: [First, Second, Third, Fourth]
    explanation: SECRET-EXPLANATION-ordering
  - id: compute-it
    type: calculated
    prompt: "What is {{a}} times {{b}}?"
    parameters:
      a: {{min: 11, max: 19}}
      b: {{choices: [101, 103]}}
    formula: a * b
    tolerance: 0
    explanation: "SECRET-EXPLANATION-calculated {{a}} x {{b}}"
"""


def quiz_yaml(*, attempts=3, grading="highest", time_limit=0, reveal="after_submission") -> str:
    return QUIZ_YAML.format(attempts=attempts, grading=grading, time_limit=time_limit, reveal=reveal)


SECRETS = [
    "SECRET-EXPLANATION",
    "SECRET-FEEDBACK",
    "987654",
    "987,654",
    "SECRETWORD",
    "secret word",
    '"correct"',
    "correct: true",
    "data-correct",
]


def right_answers(attempt) -> dict[str, list[str]]:
    """Form data answering every question of an attempt correctly (tests may read the layout)."""
    form: dict[str, list[str]] = {}
    specs = {q.key: q.spec for q in attempt.quiz.questions.all()}
    for key in attempt.layout["order"]:
        spec, layout, name = specs[key], attempt.layout["questions"][key], f"q-{key}"
        kind = spec["type"]
        if kind in ("single", "multiple"):
            form[name] = [layout["ids"][i] for i, c in enumerate(spec["choices"]) if c["correct"]]
        elif kind == "truefalse":
            form[name] = ["true" if spec["answer"] else "false"]
        elif kind == "numeric":
            form[name] = [f"{spec['answer']} {spec['unit']}".strip()]
        elif kind == "short":
            form[name] = [spec["answers"][0]]
        elif kind == "calculated":
            params = layout["params"]
            form[name] = [str(params["a"] * params["b"])]
        elif kind == "matching":
            for i, _pair in enumerate(spec["pairs"]):
                form[f"{name}-{layout['left_ids'][i]}"] = [layout["option_ids"][i]]
        elif kind == "ordering":
            for i in range(len(spec["items"])):
                form[f"{name}-{layout['ids'][i]}"] = [str(i + 1)]
    return form


# An interactive quiz (Moodle's "interactive with multiple tries"): hints, three tries, 25% a try.
INTERACTIVE = """\
settings:
  reveal: interactive
  tries: 3
  try_penalty: 25%
  shuffle_choices: false
questions:
  - id: colour
    type: single
    prompt: Which colour?
    explanation: SECRET-EXPLANATION-colour
    hints: [HINT-one, HINT-two]
    choices:
      - {text: Red, correct: true, feedback: FB-red}
      - {text: Blue, feedback: FB-blue}
      - {text: Green, feedback: FB-green}
      - {text: Black}
  - id: count
    type: numeric
    prompt: How many?
    explanation: SECRET-EXPLANATION-count
    answer: 42
    tolerance: 0
"""
