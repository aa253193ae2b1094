"""Content-Security-Policy: every HTML page carries a strict policy, and its markup needs no
exception to it: no inline <script>, no on*= handlers, no style= attributes, no <style>."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from .routes import ROWS, client_for, request

pytestmark = pytest.mark.django_db


def page_role(row) -> str | None:
    """Who gets this row's HTML: its owner, else the instructor, else a visitor."""
    return next((role for role in ("owner", "instructor", "anon") if row.expect[role] == 200), None)


# Every HTML page (and htmx fragment) of the authorisation table, as the role it is for.
PAGES = [row for row in ROWS if row.html and page_role(row)]


class InlineCode(HTMLParser):
    """Collects whatever the policy would block, or would need 'unsafe-inline' to allow."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") != "application/json":  # data, never executed
                self.problems.append(f"inline <script> {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict_policy(response, where: str) -> None:
    policy = directives(response)
    assert policy["script-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, where


def test_the_parser_sees_what_the_policy_blocks():
    # So that a clean page below means clean, not that the parser missed it.
    page = (
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json">{}</script><style>p{}</style>'
        '<p style="color:red" onclick="x()">x</p><a href="javascript:x()">x</a>'
    )
    assert len(inline_code(page)) == 5


def test_html_pages_carry_the_policy_and_need_no_inline_code(world):
    # One world for all pages: every GET leaves it as it was (the matrix checks that), and the
    # one POST (an htmx fragment) comes last.
    problems = []
    for row in sorted(PAGES, key=lambda row: row.method != "get"):
        role = page_role(row)
        response = request(client_for(world, role), row, world)
        where = f"{row.id} as {role}"
        try:
            assert response.status_code == 200, response.status_code
            assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
            assert_strict_policy(response, where)
            assert inline_code(response.content.decode()) == []
        except AssertionError as error:
            problems.append(f"{where}: {error}")
    assert not problems, "\n".join(problems)


ERROR_PAGES = [
    ("other", lambda w: reverse("quizzes:review", args=[w.submitted_attempt.pk]), 404),
    ("owner", lambda w: reverse("instructor:gradebook"), 403),
    ("anon", lambda w: "/no-such-page/", 404),
]


@pytest.mark.parametrize("role, url, status", ERROR_PAGES, ids=[case[0] for case in ERROR_PAGES])
def test_error_pages_are_as_strict(world, role, url, status):
    response = client_for(world, role).get(url(world))
    assert response.status_code == status
    assert_strict_policy(response, f"{status} page")
    assert inline_code(response.content.decode()) == []


def test_a_synced_lesson_table_keeps_its_alignment_as_classes(world):
    client = client_for(world, "anon")
    url = reverse("catalog:lesson", args=["intro"])
    first, cached = client.get(url), client.get(url)  # the second comes from the page cache
    for response in (first, cached):
        page = response.content.decode()
        assert_strict_policy(response, url)
        assert inline_code(page) == []
        assert 'class="align-left"' in page and 'class="align-center"' in page
        assert 'class="align-right"' in page and "text-align" not in page
