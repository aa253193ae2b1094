import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courseware.content.renderer import pygments_css, render_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_code_is_highlighted_with_pygments():
    html = render_markdown("```python\ndef handler(event, context):\n    return 1\n```\n").html
    assert '<div class="language-python highlight">' in html
    assert '<span class="k">def</span>' in html
    assert '<span class="nf">handler</span>' in html


def test_script_in_markdown_is_removed():
    html = render_markdown("Hello\n\n<script>alert('x')</script>\n\n<p onclick=\"steal()\">hi</p>\n").html
    assert "<script" not in html and "alert" not in html
    assert "onclick" not in html and "steal" not in html
    assert "<p>hi</p>" in html


def test_dangerous_urls_and_tags_are_removed():
    html = render_markdown(
        '[click](javascript:alert(1))\n\n<iframe src="https://evil.example"></iframe>\n\n'
        '<img src="x" onerror="alert(1)">\n\n<input type="text" name="card"><style>body{}</style>\n'
    ).html
    assert "javascript:" not in html
    assert "<iframe" not in html and "onerror" not in html and "<style" not in html
    assert "<input" not in html


def test_admonitions_details_tabs_tasklists_tables_footnotes():
    text = (
        '!!! erratum "Erratum: a price per GB-second"\n    Wrong by ten.\n\n'
        '??? solution "Solution"\n    Hidden until opened.\n\n'
        '=== "Python"\n\n    ```python\n    x = 1\n    ```\n\n=== "Node.js"\n\n    ```javascript\n    let x = 1;\n    ```\n\n'
        "- [x] done\n- [ ] to do\n\n"
        "| Memory | Cost |\n|:--|--:|\n| 128 MB | $1 |\n\n"
        "A claim.[^1]\n\n[^1]: Its source.\n"
    )
    html = render_markdown(text).html
    assert '<div class="admonition erratum">' in html
    assert '<span class="box-label">Erratum</span>: a price per GB-second' in html
    assert '<details class="solution">' in html and "<summary>Solution</summary>" in html
    assert 'class="tabbed-set tabbed-alternate"' in html and '<label for="__tabbed_1_2">Node.js</label>' in html
    assert 'type="radio"' in html
    assert '<input type="checkbox" disabled="" checked="">' in html
    assert '<th class="align-left">Memory</th>' in html  # a class: the CSP forbids style=""
    assert 'class="footnote"' in html


def _generated_text(kind: str) -> str:
    """What site.css writes into a box title of this kind (::before/::after content)."""
    css = (ROOT / "static" / "css" / "site.css").read_text()
    generated = []
    for selector, block in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        for part in selector.split(","):
            if (
                f".{kind}" in part
                and re.search(r"admonition-title|summary|box-label", part)
                and re.search(r"::?(before|after)", part)
            ):
                generated += re.findall(r'content:\s*"([^"]*)"', block)
    return "".join(generated)


@pytest.mark.parametrize("kind, label", [("erratum", "Erratum"), ("then-and-now", "Then and now")])
@pytest.mark.parametrize("marker", ["!!!", "???", "???+"])
@pytest.mark.parametrize(
    "authored",
    ['"{label}: billing granularity"', '"billing granularity"', "", '"{label}"', '"{label} — x"'],
)
def test_a_box_shows_its_label_once(kind, label, marker, authored):
    """The learner sees "Then and now: billing granularity", never the label twice (the stylesheet
    once added "Then and now · " in front of a title that already said "Then and now: ...")."""
    title = authored.format(label=label)
    html = render_markdown(f"{marker} {kind} {title}\n    Body.\n").html
    heading = re.search(r'<p class="admonition-title">(.*?)</p>|<summary>(.*?)</summary>', html)
    assert heading, html
    shown = _generated_text(kind) + re.sub(r"<[^>]+>", "", heading[1] or heading[2])
    assert shown.lower().count(label.lower()) == 1, shown
    assert shown.startswith(label), shown
    if "billing" in title:
        assert shown == f"{label}: billing granularity"


def test_an_explicitly_empty_title_stays_empty():
    html = render_markdown('!!! erratum ""\n    Body.\n').html
    assert "admonition-title" not in html and "Erratum" not in html


def test_toc_and_anchors():
    rendered = render_markdown("## Cold starts\n\n### Init & warm\n\n## Pricing\n")
    assert rendered.toc == [
        {
            "id": "cold-starts",
            "name": "Cold starts",
            "level": 2,
            "children": [{"id": "init-warm", "name": "Init & warm", "level": 3, "children": []}],
        },
        {"id": "pricing", "name": "Pricing", "level": 2, "children": []},
    ]
    assert rendered.anchors == {"cold-starts", "init-warm", "pricing"}
    assert '<h2 id="cold-starts">' in rendered.html


def test_links_to_lesson_files_are_rewritten_and_external_links_get_rel():
    html = render_markdown(
        "[next](02-next.md#part) [aws](https://aws.amazon.com/) ![d](images/flow.svg)",
        resolve_link=lambda target: "/lessons/next/#part" if target == "02-next.md#part" else None,
        resolve_image=lambda target: "/lessons/media/flow.svg",
    ).html
    assert 'href="/lessons/next/#part"' in html
    assert 'href="https://aws.amazon.com/" rel="noopener noreferrer"' in html
    assert 'src="/lessons/media/flow.svg"' in html


def test_committed_pygments_stylesheet_is_current():
    committed = (ROOT / "static" / "css" / "pygments.css").read_text()
    assert committed == pygments_css(), "regenerate static/css/pygments.css with pygments_css()"
    assert "@media (prefers-color-scheme: dark)" in committed


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdefghijklmnoprstxy:()[]!#`\n")), max_size=120))
def test_no_markdown_input_yields_script_or_event_handlers(text):
    payload = text + "<script>x</script><img src=x onerror=y><a href='javascript:z'>q</a>"
    html = render_markdown(payload).html.lower()
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_a_remembered_rendering_is_only_reused_in_the_same_links_context():
    """render_markdown remembers a document by (links_key, text): the same text under another
    links context (a lesson renamed, another URL scheme) is rendered again."""
    text = "See [the intro](01-intro.md).\n\n[^1]: A note.\n\nText[^1].\n"
    first = render_markdown(text, resolve_link=lambda target: "/lessons/intro/", links_key="a")
    again = render_markdown(text, resolve_link=lambda target: "/elsewhere/", links_key="a")
    other = render_markdown(text, resolve_link=lambda target: "/lessons/welcome/", links_key="b")
    assert again is first  # remembered: not rendered a second time
    assert 'href="/lessons/intro/"' in first.html and 'href="/lessons/welcome/"' in other.html
    # One converter serves every document: footnotes and heading ids start afresh each time.
    plain = render_markdown("## Same\n\n## Same\n\nText[^1].\n\n[^1]: One.\n").html
    assert plain == render_markdown("## Same\n\n## Same\n\nText[^1].\n\n[^1]: One.\n").html
    assert 'id="same"' in plain and 'id="same_1"' in plain and "fn:1" in plain and "fn:2" not in plain


def test_renaming_a_lesson_changes_the_links_to_it_in_lessons_that_did_not_change(content):
    from courseware.content.lessons import load_lessons

    before = {lesson.slug: lesson for lesson in load_lessons(content.root).lessons}
    assert 'href="/lessons/intro/#details"' in before["next"].html
    content.lesson("01-intro.md", slug="welcome", order=1)
    after = {lesson.slug: lesson for lesson in load_lessons(content.root).lessons}
    assert 'href="/lessons/welcome/#details"' in after["next"].html
