"""Fitting GIFT questions into a lesson's quiz, as Moodle imports into any category: an id the
quiz already has is renamed, and a `// section:` link to a heading the lesson lacks is dropped.
Each change is a note at the question's line, so an author sees what was done."""

from courseware.content.problems import ContentProblem

from .parse import GiftRead


def fit_to_quiz(read: GiftRead, *, path: str, taken: set[str], anchors: set[str], lesson: str) -> None:
    """Rename the ids of `read.questions` that `taken` (the quiz's own ids) already holds, and drop
    sections that are not among the lesson's `anchors`; notes are added to `read.notes`."""
    used = set(taken)
    for question in read.questions:
        line = read.lines.get(question["id"], 1)
        original = question["id"]
        if original in used:
            question["id"] = free_id(original, used | {q["id"] for q in read.questions})
            read.notes.append(
                ContentProblem(
                    path, line, f"question id '{original}' is already in the quiz: imported as '{question['id']}'"
                )
            )
        used.add(question["id"])
        section = question.get("section")
        if section and section.lstrip("#") not in anchors:
            del question["section"]
            read.notes.append(
                ContentProblem(
                    path,
                    line,
                    f"question '{question['id']}': {lesson} has no section '#{section}'; the link was dropped",
                )
            )


def free_id(base: str, used: set[str]) -> str:
    suffix = 2
    while f"{base}-{suffix}" in used:
        suffix += 1
    return f"{base}-{suffix}"
