"""Quiz statistics in the manner of Moodle's report, over each learner's first submitted attempt.

Facility index: the mean score on a question (0–100%). Discrimination index: the correlation
between the question's score and the rest of the test's score, so a question that strong
learners get right and weak learners get wrong scores high, and one where weak learners do
better than strong ones scores below zero.
"""

import html
import statistics as stats
from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from courseware.quizzes.models import Attempt, Quiz, Response
from courseware.quizzes.spec.grading import normalise_text
from courseware.quizzes.spec.numeric import PLACEHOLDER_RE


@dataclass
class QuestionStats:
    key: str
    type: str
    prompt: SafeString  # one line of plain text; a calculated question's parameters as <var>name</var>
    attempts: int
    facility: float | None  # percent
    discrimination: float | None  # percent (correlation × 100)
    wrong_answer: str = ""
    wrong_count: int = 0
    flags: list[str] = field(default_factory=list)


@dataclass
class QuizStats:
    quiz: Quiz
    attempts: int
    average: float | None
    median: float | None
    distribution: list[tuple[str, int]]
    questions: list[QuestionStats]

    @property
    def peak(self) -> int:
        return max((count for _label, count in self.distribution), default=0)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / (sxx * syy) ** 0.5


def prompt_summary(spec: dict, length: int = 120) -> SafeString:
    """The prompt as a reader sees it (rendered, not Markdown), on one line, with a calculated
    question's `{name:,}` placeholders shown as the parameter's name."""
    text = " ".join(html.unescape(strip_tags(spec.get("prompt_html") or spec["prompt"])).split())
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return mark_safe(PLACEHOLDER_RE.sub(lambda match: f"<var>{match.group(1)}</var>", escape(text)))


def describe_wrong(spec: dict, answer) -> list[str]:
    """What a wrong answer was, in words an instructor recognises."""
    kind = spec["type"]
    if answer in (None, "", [], {}):
        return []
    if kind in ("single", "multiple"):
        return [
            spec["choices"][i]["text"] for i in answer if i < len(spec["choices"]) and not spec["choices"][i]["correct"]
        ]
    if kind == "truefalse":
        return [str(answer)] if answer != spec["answer"] else []
    if kind in ("numeric", "calculated", "short"):
        return [normalise_text(str(answer), False)]
    if kind == "matching":
        pairs, rights = (
            spec["pairs"],
            [p["right"] for p in spec["pairs"]] + [d["text"] for d in spec["distractors"]],
        )
        return [
            f"{pairs[int(left)]['left']} → {rights[right]}"
            for left, right in answer.items()
            if int(left) != right and right < len(rights)
        ]
    return []


def quiz_statistics(*, quiz: Quiz) -> QuizStats:
    attempts = list(
        Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED, number=1).values_list("pk", "percent", "score")
    )
    questions = list(quiz.questions.order_by("retired", "position"))
    responses: dict[int, dict[int, Response]] = {}
    for response in Response.objects.filter(attempt__in=[pk for pk, _p, _s in attempts]).only(
        "attempt_id", "question_id", "answer", "fraction"
    ):
        responses.setdefault(response.question_id, {})[response.attempt_id] = response
    percents = [float(percent) for _pk, percent, _s in attempts]
    scores = {pk: float(score) for pk, _p, score in attempts}
    rows = [
        question_stats(question, responses.get(question.pk, {}), scores)
        for question in questions
        if responses.get(question.pk) or not question.retired
    ]
    bins = [0] * 10
    for percent in percents:
        bins[min(9, int(percent // 10))] += 1
    labels = [f"{10 * i}–{10 * i + 10}%" for i in range(10)]
    return QuizStats(
        quiz=quiz,
        attempts=len(attempts),
        average=sum(percents) / len(percents) if percents else None,
        median=stats.median(percents) if percents else None,
        distribution=list(zip(labels, bins, strict=True)),
        questions=rows,
    )


def question_stats(question, answered: dict[int, Response], scores: dict[int, float]) -> QuestionStats:
    """Facility, discrimination (against the rest of each attempt's score), the commonest wrong
    answer, and flags for the keys worth checking."""
    fractions = [(attempt_id, r.fraction or 0.0) for attempt_id, r in answered.items()]
    points = float(question.points)
    facility = 100 * sum(f for _a, f in fractions) / len(fractions) if fractions else None
    rest = [scores[a] - f * points for a, f in fractions]
    r = pearson([f for _a, f in fractions], rest)
    wrong = Counter(
        text
        for resp in answered.values()
        if (resp.fraction or 0) < 1
        for text in describe_wrong(question.spec, resp.answer)
    )
    common = wrong.most_common(1)
    row = QuestionStats(
        key=question.key,
        type=question.type,
        prompt=prompt_summary(question.spec),
        attempts=len(fractions),
        facility=facility,
        discrimination=None if r is None else 100 * r,
        wrong_answer=common[0][0] if common else "",
        wrong_count=common[0][1] if common else 0,
    )
    if facility is not None and len(fractions) >= 2 and facility == 0:
        row.flags.append("Nobody got this right: check the key.")
    if r is not None and r < 0:
        row.flags.append("Weaker learners did better than stronger ones: check the key and the wording.")
    return row
