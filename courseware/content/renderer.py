"""Markdown to safe HTML for lessons: Python-Markdown + pymdown-extensions + Pygments, then nh3.

Rendering happens once, at sync (or in an instructor's preview); lesson pages serve the stored
result. Links between lesson files are rewritten to site URLs by a callable the caller passes, so
this module knows nothing about Django's URL configuration.
"""

import html
import re
import threading
import xml.etree.ElementTree as etree
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments.formatters import HtmlFormatter

LIGHT_STYLE = "default"
DARK_STYLE = "monokai"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # an HTML vocabulary, read as a block  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"checked", "disabled", "id", "name"},
    "label": {"for"},
    "td": {"style", "colspan", "rowspan"},  # style only until CELL_STYLE_RE makes it a class
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
    "div": {"data-tabs"},
}
# Only the inputs that task lists and tabs generate; an <input> left without a type is removed.
ALLOWED_ATTRIBUTE_VALUES = {"input": {"type": {"checkbox", "radio"}}}
UNTYPED_INPUT_RE = re.compile(r"<input(?![^>]*\btype=\"(?:checkbox|radio)\")[^>]*>")
# Table alignment arrives as style="text-align: …"; the Content-Security-Policy forbids inline
# styles, so it leaves as a class the stylesheet defines.
# Anchored on the tag so a code sample that shows a style attribute is left alone.
CELL_STYLE_RE = re.compile(r'(<t[dh]\b[^>]*?)\sstyle="(?:text-align:\s*(left|center|right);?)?[^"]*"')

LinkResolver = Callable[[str], str | None]

# Boxes whose kind is itself something a learner reads. The label is written into the title here,
# once, whatever the author typed ("Erratum: x", "x" or no title), and the stylesheet only colours
# it: when the stylesheet also wrote the label (a ::before) and authors wrote it too, learners saw
# "Then and now · Then and now: x".
LABELLED_BOXES = {"erratum": "Erratum", "then-and-now": "Then and now"}
# The label an author already wrote (untitled boxes arrive titled "Then-and-now"), with the
# separator after it: "Then and now: x", "Erratum — x", "Erratum".
BOX_LABEL_RE = {
    kind: re.compile(r"[\s-]+".join(map(re.escape, label.split())) + r"(?:\s*[:·—–-]\s*|$)", re.IGNORECASE)
    for kind, label in LABELLED_BOXES.items()
}


@dataclass
class RenderedMarkdown:
    html: str
    toc: list[dict]  # [{"id", "name", "level", "children": [...]}]
    anchors: set[str]


class _RewriteLinks(Treeprocessor):
    def __init__(self, md, resolve_link: LinkResolver | None, resolve_image: LinkResolver | None):
        super().__init__(md)
        self.resolve_link = resolve_link
        self.resolve_image = resolve_image

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                if urlsplit(element.get("href", "")).scheme in {"http", "https"}:
                    element.set("rel", "noopener noreferrer")
                elif self.resolve_link:
                    self._rewrite(element, "href", self.resolve_link)
            elif element.tag == "img":
                element.set("loading", "lazy")
                if self.resolve_image:
                    self._rewrite(element, "src", self.resolve_image)

    @staticmethod
    def _rewrite(element: etree.Element, attribute: str, resolve: LinkResolver) -> None:
        target = element.get(attribute, "")
        if not target or urlsplit(target).scheme or target.startswith(("/", "#")):
            return
        resolved = resolve(target)
        if resolved is not None:
            element.set(attribute, resolved)


class _LinkExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        # Priority below inline processing (20) so every <a> and <img> already exists. The
        # resolvers are set per document (render_markdown), since one Markdown serves many.
        md.treeprocessors.register(_RewriteLinks(md, None, None), "course_links", 5)


class _LabelBoxes(Treeprocessor):
    """Give each erratum and then-and-now box the title "<label>: <author's title>"."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            kind = next((k for k in (element.get("class") or "").split() if k in LABELLED_BOXES), None)
            if kind is None or element.tag not in {"div", "details"}:
                continue
            title = next(
                (
                    child
                    for child in element
                    if child.tag == "summary" or "admonition-title" in (child.get("class") or "")
                ),
                None,
            )
            if title is not None:  # `!!! erratum ""` asks for no title at all
                self._label(title, kind)

    @staticmethod
    def _label(title: etree.Element, kind: str) -> None:
        text = (title.text or "").strip()
        match = BOX_LABEL_RE[kind].match(text)
        rest = text[match.end() :] if match else text
        label = etree.Element("span", {"class": "box-label"})
        label.text = LABELLED_BOXES[kind]
        label.tail = f": {rest}" if rest else None
        title.text = None
        title.insert(0, label)


class _BoxLabelExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        # Above inline processing (20): titles are still plain Markdown text here.
        md.treeprocessors.register(_LabelBoxes(md), "course_box_labels", 25)


def _markdown():
    return markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "abbr",
            "def_list",
            "sane_lists",
            "admonition",
            "toc",
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
            "pymdownx.details",
            "pymdownx.tabbed",
            "pymdownx.tasklist",
            "pymdownx.betterem",
            _LinkExtension(),
            _BoxLabelExtension(),
        ],
        extension_configs={
            "toc": {
                "permalink": "#",
                "permalink_title": "Link to this section",
                "toc_depth": "2-3",
            },
            "pymdownx.highlight": {
                "use_pygments": True,
                "guess_lang": False,
                "css_class": "highlight",
                "pygments_lang_class": True,
            },
            "pymdownx.tabbed": {"alternate_style": True},
            "pymdownx.tasklist": {"custom_checkbox": False},
            "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        },
        output_format="html",
    )


def _toc(tokens: list[dict]) -> list[dict]:
    return [
        {
            "id": token["id"],
            "name": html.unescape(token["name"]),
            "level": token["level"],
            "children": _toc(token["children"]),
        }
        for token in tokens
    ]


def _anchors(tokens: list[dict]) -> set[str]:
    found = set()
    for token in tokens:
        found.add(token["id"])
        found |= _anchors(token["children"])
    return found


def sanitise(raw_html: str) -> str:
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel=None,
    )
    clean = CELL_STYLE_RE.sub(_cell_align_class, clean)
    return UNTYPED_INPUT_RE.sub("", clean)


def _cell_align_class(match: re.Match) -> str:
    return match[1] + (f' class="align-{match[2]}"' if match[2] else "")


# One Markdown per thread, reset between documents: building one registers fifteen extensions,
# which cost more than converting a quiz prompt (bench/preview.py measured 912 per course load).
# An instance is not safe to share between threads, hence one each.
_converters = threading.local()


# Documents already rendered, by (the links' context, text). A course load renders every lesson
# and every quiz prompt and choice; an instructor previewing after editing one file changed one
# of them. Bounded, and shared between threads (hence the lock); results are read-only.
MEMO_SIZE = 4096
_memo: OrderedDict[tuple[str, str], RenderedMarkdown] = OrderedDict()
_memo_lock = threading.Lock()


def render_markdown(
    text: str,
    *,
    resolve_link: LinkResolver | None = None,
    resolve_image: LinkResolver | None = None,
    links_key: str | None = None,
) -> RenderedMarkdown:
    """Render and sanitise. With `links_key` (a string that changes whenever the resolvers would
    answer differently), a document rendered before in the same context is not rendered again."""
    if links_key is None:
        return _render(text, resolve_link, resolve_image)
    key = (links_key, text)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    rendered = _render(text, resolve_link, resolve_image)
    with _memo_lock:
        _memo[key] = rendered
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return rendered


def _render(text: str, resolve_link: LinkResolver | None, resolve_image: LinkResolver | None) -> RenderedMarkdown:
    md = getattr(_converters, "markdown", None)
    if md is None:
        md = _converters.markdown = _markdown()
    md.reset()  # footnotes, abbreviations and heading ids start afresh for each document
    links = md.treeprocessors["course_links"]
    links.resolve_link, links.resolve_image = resolve_link, resolve_image
    body = md.convert(text)
    return RenderedMarkdown(html=sanitise(body), toc=_toc(md.toc_tokens), anchors=_anchors(md.toc_tokens))


def pygments_css() -> str:
    """Stylesheet for highlighted code: a light style, and a dark one under prefers-color-scheme."""
    light = HtmlFormatter(style=LIGHT_STYLE).get_style_defs(".highlight")
    dark = HtmlFormatter(style=DARK_STYLE).get_style_defs(".highlight")
    indented_dark = "\n".join("  " + line for line in dark.splitlines())
    return (
        f"/* Generated by courseware.content.renderer.pygments_css(): "
        f"{LIGHT_STYLE} (light), {DARK_STYLE} (dark). Do not edit by hand. */\n"
        f"{light}\n@media (prefers-color-scheme: dark) {{\n{indented_dark}\n}}\n"
    )
