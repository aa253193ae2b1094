"""What the search index holds, read from the course as loaded from its files: each lesson and lab
cut at its second-level headings (a result links to the section), and each quiz's prompts.

Nothing a learner must not see goes in: no quiz choices, keys, feedback or explanations, and no
lab solution or checks (those are never loaded into a LabSource's body). Django-free.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

PLACEHOLDER_RE = re.compile(r"\{[A-Za-z_]\w*(?::[^{}]*)?\}")  # a calculated question's {requests:,}
SPACE_RE = re.compile(r"\s+")
SKIPPED_CLASSES = {"headerlink"}  # the "#" permalink beside each heading


@dataclass(frozen=True)
class Document:
    kind: str  # lesson | lab | quiz
    slug: str
    anchor: str
    title: str
    body: str
    position: int


class _Sections(HTMLParser):
    """Plain text of rendered HTML, cut at each <h2 id=...>: [(anchor, heading, text)]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[list] = [["", "", []]]
        self.skipping = 0  # depth inside a skipped element
        self.heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or SKIPPED_CLASSES & set((attributes.get("class") or "").split()):
            self.skipping += 1
            return
        if tag == "h2" and attributes.get("id"):
            self.sections.append([attributes["id"], "", []])
            self.heading = []

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping -= 1
            return
        if tag == "h2" and self.heading is not None:
            self.sections[-1][1] = _clean(" ".join(self.heading))
            self.heading = None
        elif tag in {"p", "li", "pre", "td", "th", "div", "h3", "h4", "dd", "dt"}:
            self.sections[-1][2].append(" ")

    def handle_data(self, data):
        if self.skipping:
            return
        (self.heading if self.heading is not None else self.sections[-1][2]).append(data)


def _clean(text: str) -> str:
    return SPACE_RE.sub(" ", text).strip()


def html_sections(html: str) -> list[tuple[str, str, str]]:
    parser = _Sections()
    parser.feed(html)
    parser.close()
    return [(anchor, heading, _clean("".join(parts))) for anchor, heading, parts in parser.sections]


def _page(kind: str, slug: str, title: str, intro: list[str], html: str, position: int) -> list[Document]:
    found = []
    for index, (anchor, heading, text) in enumerate(html_sections(html)):
        if index == 0:
            body = _clean(" ".join([*intro, text]))
            found.append(Document(kind, slug, "", title, body, position))
        elif text or heading:
            found.append(Document(kind, slug, anchor, f"{title} › {heading}", text, position + index))
    return found


def course_documents(course) -> list[Document]:
    """Every lesson's and lab's sections and every quiz's prompts, in course order."""
    documents = []
    slugs = {lesson.file_name: lesson for lesson in course.lessons}
    for lesson in course.lessons:
        intro = [lesson.summary, *lesson.objectives]
        documents += _page("lesson", lesson.slug, lesson.title, intro, lesson.html, lesson.order * 1000)
    for lab in course.labs:
        intro = [lab.summary, *lab.objectives]
        title = f"Lab {lab.order}: {lab.title}"
        documents += _page("lab", lab.slug, title, intro, lab.html, 100_000 + lab.order * 1000)
    for quiz in course.quizzes:
        lesson = slugs.get(quiz.lesson_file)
        if lesson is None:
            continue
        prompts = [html_sections(question.get("prompt_html") or "")[0][2] for question in quiz.questions]
        body = _clean(PLACEHOLDER_RE.sub("…", " ".join(prompts)))
        title = quiz.title or f"Quiz: {lesson.title}"
        documents.append(Document("quiz", lesson.slug, "", title, body, 200_000 + lesson.order))
    return documents
