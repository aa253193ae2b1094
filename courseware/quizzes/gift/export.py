"""Stored questions to GIFT text."""

import re

from .syntax import SPECIAL


def escape(text) -> str:
    text = "".join("\\" + c if c in SPECIAL else c for c in str(text).strip())
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def number(value: float) -> str:
    return f"{float(value):.12g}"


def percent(value: float) -> str:
    shown = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def unparagraph(html: str) -> str:
    """Stored true/false feedback is rendered HTML; a single paragraph goes back to its text."""
    match = re.fullmatch(r"\s*<p>(.*?)</p>\s*", html or "", re.S)
    return match.group(1) if match and "<p>" not in match.group(1) else (html or "")


def export_gift(title: str, questions: list[dict]) -> str:
    parts = ["$CATEGORY: " + " ".join(str(title).split())]
    parts += [export_question(question) for question in questions]
    return "\n\n".join(parts) + "\n"


def export_question(q: dict) -> str:
    kind = q["type"]
    comments = []
    if q.get("tags"):
        comments.append("// tags: " + ", ".join(q["tags"]))
    if q.get("points", 1) != 1:
        comments.append(f"// points: {number(q['points'])}")
    if q.get("section"):
        comments.append(f"// section: {q['section']}")
    for hint in q.get("hints") or []:
        comments.append("// hint: " + hint.strip().replace("\n", "\\n"))
    if kind not in ANSWERS:
        return f"// skipped {q['id']}: {kind} questions have no GIFT form"
    answers = ANSWERS[kind](q, comments)
    answers.append("####" + escape(q.get("explanation") or ""))
    body = "".join(f"\t{answer}\n" for answer in answers)
    question = f"::{escape(q['id'])}::[markdown]{escape(q['prompt'])}{{\n{body}}}"
    return "\n".join([*comments, question])


# Each type's answer lines; what GIFT cannot say is added to `comments`, so nothing is lost silently.


def weight(fraction: float) -> str:
    """A Moodle answer weight, `%50%`, for anything short of full credit."""
    return f"%{percent(fraction * 100)}%" if fraction < 1 else ""


def single_answers(q: dict, comments: list[str]) -> list[str]:
    answers = []
    for c in q["choices"]:
        credit = c.get("credit", 1.0 if c["correct"] else 0.0)
        mark = "=" if c["correct"] else "~" + (weight(credit) if credit > 0 else "")
        answers.append(mark + escape(c["text"]) + feedback(c.get("feedback")))
    return answers


def multiple_answers(q: dict, comments: list[str]) -> list[str]:
    if q.get("weighted"):
        return [
            f"~%{percent(c['credit'] * 100)}%{escape(c['text'])}{feedback(c.get('feedback'))}" for c in q["choices"]
        ]
    right = [c for c in q["choices"] if c["correct"]]
    wrong = len(q["choices"]) - len(right)
    answers = []
    for c in q["choices"]:
        share = 100 / len(right) if c["correct"] else -100 * q.get("penalty", 1) / wrong
        answers.append(f"~%{percent(share)}%{escape(c['text'])}{feedback(c.get('feedback'))}")
    return answers


def truefalse_answers(q: dict, comments: list[str]) -> list[str]:
    fb = {key: unparagraph(value) for key, value in (q.get("feedback") or {}).items()}
    answer = "true" if q["answer"] else "false"
    right, wrong = fb.get(answer, ""), fb.get("false" if q["answer"] else "true", "")
    line = "T" if q["answer"] else "F"
    if right:
        line += f"#{escape(wrong)}#{escape(right)}"
    elif wrong:
        line += f"#{escape(wrong)}"
    return [line]


def numeric_answers(q: dict, comments: list[str]) -> list[str]:
    items = q.get("answer_list") or [{"answer": q["answer"], "tolerance": q["tolerance"], "credit": 1.0}]
    lines = []
    for item in items:
        (tolerance_kind, amount), answer = item["tolerance"], item["answer"]
        if tolerance_kind == "relative":
            amount = abs(answer) * amount
            comments.append(f"// tolerance {number(item['tolerance'][1] * 100)}% exported as ±{number(amount)}")
        lines.append(f"{weight(item['credit'])}{number(answer)}:{number(amount)}{feedback(item.get('feedback'))}")
    if q.get("unit"):
        also = f"; also accepted: {', '.join(q['units'])}" if q.get("units") else ""
        comments.append(f"// unit: {q['unit']} (units are not exported{also})")
    if len(lines) == 1 and not lines[0].startswith("%"):
        return ["#" + lines[0]]
    return ["#", *("=" + line for line in lines)]


def short_answers(q: dict, comments: list[str]) -> list[str]:
    if q.get("pattern"):
        comments.append(f"// pattern not exported: {q['pattern']}")
    if q.get("case_sensitive"):
        comments.append("// case_sensitive not exported (GIFT short answers ignore case)")
    items = q.get("answer_list") or [{"text": answer, "credit": 1.0} for answer in q["answers"]]
    return ["=" + weight(item["credit"]) + escape(item["text"]) + feedback(item.get("feedback")) for item in items]


def matching_answers(q: dict, comments: list[str]) -> list[str]:
    if q.get("distractors"):
        lost = ", ".join(d["text"] for d in q["distractors"])
        comments.append(f"// distractors not exported: {' '.join(lost.split())}")
    # GIFT cannot escape '->': on the left it becomes an entity that renders the same.
    left = [escape(p["left"]).replace("->", "-&gt;") for p in q["pairs"]]
    return [f"={lt} -> {escape(p['right'])}" for lt, p in zip(left, q["pairs"], strict=True)]


ANSWERS = {
    "single": single_answers,
    "multiple": multiple_answers,
    "truefalse": truefalse_answers,
    "numeric": numeric_answers,
    "short": short_answers,
    "matching": matching_answers,
}


def feedback(text) -> str:
    return f"#{escape(text)}" if text else ""
