"""The authorisation table: every route of the URLconf (admin aside, which is checked
generically), how to build its arguments from the `world` fixture, and what each role gets.

Roles: `anon` (not logged in), `owner` (learner A, who owns every object named here), `other`
(learner B) and `instructor`. An expectation is a status code or LOGIN (302 to the login page
with ?next=). A row is requested with its method; POST rows send `data`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

LOGIN = "login"
ROLES = ("anon", "owner", "other", "instructor")
HTMX = {"HX-Request": "true"}


def each(outcome):
    return dict.fromkeys(ROLES, outcome)


def roles(anon, owner, other, instructor):
    return {"anon": anon, "owner": owner, "other": other, "instructor": instructor}


MEMBERS = roles(LOGIN, 200, 200, 200)  # any logged-in user
INSTRUCTORS = roles(LOGIN, 403, 403, 200)  # learners never see instructor pages
OWNER_ONLY = roles(LOGIN, 200, 404, 404)  # another learner's object does not exist for you
AUTHENTICATED_AWAY = roles(200, 302, 302, 302)  # login/signup send a logged-in user on


@dataclass(frozen=True)
class Row:
    name: str
    expect: dict
    kwargs: Callable = lambda w: {}  # noqa: E731
    method: str = "get"
    data: Callable = lambda w: {}  # noqa: E731
    headers: dict = field(default_factory=dict)
    query: str = ""
    variant: str = ""
    html: bool = True  # an HTML page or fragment, checked for CSP-clean markup

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.variant + ']' if self.variant else ''}"

    def url(self, world) -> str:
        return reverse(self.name, kwargs=self.kwargs(world)) + self.query


def slug(w):
    return {"slug": "intro"}


def lab(w):
    return {"slug": w.lab.slug}


def open_attempt(w):
    return {"attempt_id": w.open_attempt.pk}


# One route a line, as a table reads.
ROWS = [
    Row("healthz", each(200), html=False),
    # Accounts: Django's own views, wired by courseware/accounts/urls.py.
    Row("signup", AUTHENTICATED_AWAY),
    Row("login", AUTHENTICATED_AWAY),
    Row("logout", each(405), html=False),  # GET never logs out; the POST is in test_csrf
    Row("password_change", MEMBERS),
    Row("password_change_done", MEMBERS),
    Row("password_reset", each(200)),
    Row("password_reset_done", each(200)),
    Row("password_reset_confirm", each(200), kwargs=lambda w: {"uidb64": "MQ", "token": "bad-1"}),
    Row("password_reset_complete", each(200)),
    # Catalog.
    Row("catalog:outline", each(200)),
    Row("catalog:dashboard", MEMBERS),
    Row("catalog:lesson", each(200), kwargs=slug),
    Row("catalog:lesson_media", each(200), kwargs=lambda w: {"name": "flow.svg"}, html=False),
    Row("catalog:lesson_complete", roles(LOGIN, 302, 302, 302), kwargs=slug, method="post"),
    Row("catalog:preview", INSTRUCTORS),
    # Quizzes: keys reach a learner only through their own review (see test_authorisation_matrix).
    Row("quizzes:quiz", MEMBERS, kwargs=slug),
    Row("quizzes:start", roles(LOGIN, 302, 302, 302), kwargs=slug, method="post"),
    Row("quizzes:attempt", OWNER_ONLY, kwargs=open_attempt),
    Row("quizzes:save", roles(LOGIN, 302, 404, 404), kwargs=open_attempt, method="post",
        data=lambda w: {"q-name-it": "overwritten"}),
    Row("quizzes:check", roles(LOGIN, 302, 404, 404), method="post",
        kwargs=lambda w: {"attempt_id": w.open_attempt.pk, "key": "name-it"},
        data=lambda w: {"q-name-it": "overwritten"}),
    # Interactive mode only: this world's quiz checks once, so "Try again" is refused (403).
    Row("quizzes:retry", roles(LOGIN, 403, 404, 404), method="post",
        kwargs=lambda w: {"attempt_id": w.open_attempt.pk, "key": "name-it"}),
    Row("quizzes:summary", OWNER_ONLY, kwargs=open_attempt),
    Row("quizzes:submit", roles(LOGIN, 302, 404, 404), kwargs=open_attempt, method="post"),
    Row("quizzes:review", OWNER_ONLY, kwargs=lambda w: {"attempt_id": w.submitted_attempt.pk}),
    # Labs: the page is public (instructions and starter); every write is to your own workspace.
    Row("labrunner:list", each(200)),
    Row("labrunner:lab", each(200), kwargs=lab),
    Row("labrunner:draft", roles(LOGIN, 302, 302, 302), kwargs=lab, method="post",
        data=lambda w: {"file:handler.py": "def handler(event, context):\n    return 1\n"}),
    Row("labrunner:file", roles(LOGIN, 302, 302, 302), kwargs=lab, method="post",
        data=lambda w: {"create": "1", "new_file": "requirements.txt"}),
    Row("labrunner:reset", roles(LOGIN, 302, 302, 302), kwargs=lab, method="post"),
    Row("labrunner:restore", roles(LOGIN, 302, 302, 302), kwargs=lab, method="post",
        data=lambda w: {"version": "1"}),
    Row("labrunner:run", OWNER_ONLY, headers=HTMX,
        kwargs=lambda w: {"slug": w.lab.slug, "run_id": w.run.pk}),
    # Only A has a deployed version: B and the instructor cannot invoke A's function.
    Row("labrunner:run_create", roles(LOGIN, 200, 422, 422), method="post", headers=HTMX,
        kwargs=lambda w: {"slug": w.lab.slug, "kind": "invoke"},
        data=lambda w: {"event_name": "hello"}),
    # A hint opens only after its check failed for you: nobody here has failed one, so all are refused.
    Row("labrunner:hint", roles(LOGIN, 422, 422, 422), method="post", headers=HTMX,
        kwargs=lambda w: {"slug": w.lab.slug, "check_name": "greets_by_name"},
        data=lambda w: {"tier": "1"}),
    # The lab clock is your own account's; a step it does not know moves nothing, for anyone.
    # This world has no lab backend: the card says so (503) to anyone logged in.
    Row("labrunner:clock", roles(LOGIN, 503, 503, 503), headers=HTMX, kwargs=lab),
    Row("labrunner:clock_advance", roles(LOGIN, 400, 400, 400), method="post", headers=HTMX, variant="bad step",
        kwargs=lab, data=lambda w: {"step": "year"}),
    Row("labrunner:run_create", roles(LOGIN, 404, 404, 404), method="post", variant="unknown",
        kwargs=lambda w: {"slug": w.lab.slug, "kind": "solution"}),
    # Instructor pages.
    Row("instructor:gradebook", INSTRUCTORS),
    Row("instructor:gradebook_csv", INSTRUCTORS, html=False),
    Row("instructor:class", INSTRUCTORS),
    Row("instructor:lab_class", INSTRUCTORS, kwargs=lab),
    Row("instructor:quiz_class", INSTRUCTORS, kwargs=slug),
    Row("instructor:learner", INSTRUCTORS, kwargs=lambda w: {"user_id": w.a.pk}),
    Row("instructor:learner_lab", INSTRUCTORS, kwargs=lambda w: {"user_id": w.a.pk, "slug": w.lab.slug}),
    Row("instructor:attempt", INSTRUCTORS,
        kwargs=lambda w: {"attempt_id": w.submitted_attempt.pk}),
    Row("instructor:quizzes", INSTRUCTORS),
    Row("instructor:statistics", INSTRUCTORS, kwargs=slug),
    # LTI 1.3: the LMS's login initiation and launch (cross-site, CSRF-exempt: state and nonce instead)
    # refuse anything that is not a real launch; deep linking needs an instructor's deep-link launch.
    Row("lti:login", each(400)),
    Row("lti:launch", each(400), method="post"),
    Row("lti:jwks", each(200), html=False),
    Row("lti:deep_link", each(403), html=False),
    Row("lti:overview", INSTRUCTORS),
    Row("lti:roster", roles(LOGIN, 403, 403, 404), method="post", kwargs=lambda w: {"context_id": 999999}),
    # Pricing: public, calculator and JSON API.
    Row("pricing:calculator", each(200)),
    Row("pricing:calculator_csv", each(200), html=False),
    Row("pricing:service", each(200), kwargs=lambda w: {"service": "scenario"}),
    Row("pricing:service", each(200), kwargs=lambda w: {"service": "dynamodb"}, headers=HTMX, variant="htmx"),
    Row("pricing:service_csv", each(200), kwargs=lambda w: {"service": "sqs"}, html=False),
    Row("search:search", each(200), query="?q=lambda"),
    Row("search:search", each(200), query="?q=lambda", headers=HTMX, variant="htmx"),
    Row("pricing:api_docs", each(200)),
    Row("pricing:api_openapi", each(200), html=False),
    Row("pricing:api_lambda_sweep", each(200), html=False),
    Row("pricing:api_rest_vs_http", each(200), html=False),
    Row("pricing:api_scenario", each(200), html=False),
    Row("pricing:api_estimate", each(200), kwargs=lambda w: {"service": "lambda"}, html=False),
]  # fmt: skip


@functools.cache
def _handler(enforce_csrf_checks: bool) -> ClientHandler:
    return ClientHandler(enforce_csrf_checks)


def fast_client(*, enforce_csrf_checks: bool = False) -> Client:
    """A test client sharing one handler with every other: loading the middleware (WhiteNoise
    indexes every static file) costs ~0.4 s a client, more than a whole test."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.handler = _handler(enforce_csrf_checks)
    return client


def client_for(people, role: str, *, enforce_csrf_checks: bool = False) -> Client:
    """A client logged in as `role` of `people` (the `world` or `people` fixture)."""
    client = fast_client(enforce_csrf_checks=enforce_csrf_checks)
    user = people.user(role)
    if user is not None:
        client.force_login(user)
    return client


def request(client: Client, row: Row, world, method: str | None = None, *, extra_data=None, headers=None, **extra):
    """Make the row's request; `method` overrides its own (only POST sends the row's data)."""
    method = method or row.method
    data = {**row.data(world), **(extra_data or {})} if method == "post" else None
    call = getattr(client, method)
    headers = {**row.headers, **(headers or {})}
    if data is None:
        return call(row.url(world), headers=headers, **extra)
    return call(row.url(world), data, headers=headers, **extra)


def login_redirect(path: str) -> str:
    return f"{reverse(settings.LOGIN_URL)}?next={path}"


def best_role(row: Row) -> str:
    """The role a row is meant for: its owner, else the instructor, else anyone (and the owner
    for a URL no one may use, such as an unknown lab step)."""
    for role in ("owner", "instructor", "anon"):
        if row.expect.get(role) not in (None, LOGIN, 403, 404):
            return role
    return "owner"
