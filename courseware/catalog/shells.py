"""A page shared by every signed-in reader, with holes where each reader's own parts go.

A template marks what belongs to one reader with `{% personal "name" %}…{% endpersonal %}` (the
account menu, the CSRF token, messages, a learner's marks). `shell_render` renders the page once
with a marker in place of each such part, and keeps the parts' template nodes; `Shell.fill` then
renders only those parts for each request, with that request's own context (its context processors
run as in any render), and puts them in the markers' places.

While a shell is rendered, every per-reader value (the user beyond `is_authenticated`, the CSRF
token, messages, roles, the request beyond its URL) is a stand-in that fails the render when read:
a personal part left outside `{% personal %}` breaks the page in tests instead of showing one
learner's data to the next.
"""

import re
import secrets
from dataclasses import dataclass

from django.http import QueryDict
from django.template import TemplateSyntaxError
from django.template.context import make_context
from django.template.loader import get_template

from .templatetags.personal import SHELL

# What context processors give a render (courseware/settings.py TEMPLATES) that is not the same
# for every signed-in reader: a shell render gets stand-ins for them instead.
PER_READER = ("csrf_token", "messages", "DEFAULT_MESSAGE_LEVELS", "perms", "is_instructor")


class PersonalOutsideHole(RuntimeError):
    """A shell render read a per-reader value outside `{% personal %}`."""


class NotShared:
    """Stands in for a per-reader value in a shell render; only the attributes given are shared."""

    def __init__(self, name: str, **shared):
        self.__dict__.update(shared, _name=name)

    def __getattr__(self, attr):
        raise PersonalOutsideHole(f"{self._name}.{attr} is read outside {{% personal %}} in a shared page")

    def _refuse(self, *args):
        raise PersonalOutsideHole(f"{self._name} is read outside {{% personal %}} in a shared page")

    __bool__ = __str__ = __iter__ = __len__ = __html__ = _refuse


class Holes:
    """One shell render's personal parts: a marker left in the page, the part's nodes kept."""

    def __init__(self):
        # Random per render, so nothing in a lesson (authors' HTML) can forge a marker.
        self.token = secrets.token_hex(16)
        self.nodelists: list = []

    def hole(self, name: str, nodelist, context) -> str:
        if "forloop" in context:
            # Rendered again per reader, it would not have the loop's variable: wrap the whole loop.
            raise TemplateSyntaxError(f'{{% personal "{name}" %}} inside a for loop: put the loop inside it')
        self.nodelists.append(nodelist)
        return f"<!--personal:{self.token}:{len(self.nodelists) - 1}-->"

    def split(self, html: str) -> list:
        """The page between markers, and each marker's part: [html, nodelist, html, nodelist, html]."""
        parts: list = re.split(f"<!--personal:{self.token}:(\\d+)-->", html)
        parts[1::2] = [self.nodelists[int(index)] for index in parts[1::2]]
        return parts


@dataclass(frozen=True)
class Shell:
    template: object  # django.template.base.Template: the holes' nodes render inside it
    parts: list  # shared HTML at even places, a personal part's nodes at odd ones
    context: dict  # the shared context the shell was rendered with

    def fill(self, request, context: dict) -> str:
        """The page for this request: its personal parts rendered with `context` and the request's
        own context processors (its user, CSRF token, messages), as a whole render would."""
        bound = make_context(context, request)
        with bound.render_context.push_state(self.template), bound.bind_template(self.template):
            return "".join(part.render(bound) if odd else part for odd, part in _alternating(self.parts))


def _alternating(parts: list):
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


def shell_render(request, template_name: str, context: dict) -> Shell:
    """Render `template_name` as every signed-in reader of `request.path` shares it."""
    holes = Holes()
    template = get_template(template_name)
    stand_ins = {
        # A lesson's URL is the same for all its readers; its query string is not, so none is kept.
        "request": NotShared(
            "request", path=request.path, resolver_match=request.resolver_match, GET=QueryDict(), method="GET"
        ),
        "user": NotShared("user", is_authenticated=True, is_anonymous=False),
        **{name: NotShared(name) for name in PER_READER},
        SHELL: holes,
    }
    html = template.render({**context, **stand_ins})  # no request given: no context processor runs
    return Shell(template.template, holes.split(html), context)
