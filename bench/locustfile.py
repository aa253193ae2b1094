"""Learners for bench/load.py: sign in, read lessons, take quizzes, use the pricing calculator.

Run by bench/load.py, which seeds the accounts and reads the results; not meant to be run alone.
Environment (set by bench/load.py):

    LOAD_PASSWORD        the password every seeded account shares
    LOAD_USER_PREFIX     accounts are PREFIX000, PREFIX001, ... (one per simulated learner)
    LOAD_LESSONS         comma-separated lesson slugs, in course order
    LOAD_QUIZZES         comma-separated slugs of the lessons that have a quiz
    LOAD_ATTEMPTS_FILE   each submitted attempt is appended here as "attempt_id answered_count"
    LOAD_REQUESTS_FILE   every request (type, ms, error, probe or learner) is written here at exit

Every request is named by its page type (lesson, quiz-save, calculator, baseline, ...) so
locust's statistics group by type; each is checked for the status and content a browser expects.
Run it with one user more than the learners: the extra one is the baseline probe.
"""

import functools
import itertools
import json
import os
import random
import re
import time
from html import unescape
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_pacing, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
USER_PREFIX = os.environ.get("LOAD_USER_PREFIX", "load-learner-")
LESSONS = [slug for slug in os.environ.get("LOAD_LESSONS", "").split(",") if slug]
QUIZZES = [slug for slug in os.environ.get("LOAD_QUIZZES", "").split(",") if slug]
ATTEMPTS_FILE = os.environ.get("LOAD_ATTEMPTS_FILE", "")
REQUESTS_FILE = os.environ.get("LOAD_REQUESTS_FILE", "")
BASELINE = "baseline"

_numbers = itertools.count()  # gevent runs one user at a time: a plain counter is safe
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_RE = re.compile(r"/quiz/attempts/(\d+)/")
FIELDSET_RE = re.compile(r'<fieldset id="question-([\w-]+)"(.*?)</fieldset>', re.S)
INPUT_RE = re.compile(r"<input ([^>]*)>")
SELECT_RE = re.compile(r'<select id="(match|order)-[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', re.S)
ATTR_RE = re.compile(r'([\w-]+)="([^"]*)"')
OPTION_RE = re.compile(r'<option value="([^"]+)"')
SHORT_ANSWERS = ["lambda", "SQS", "cold start", "idempotent", "DynamoDB"]


requests_seen: list[list] = []


@events.request.add_listener
def _record(name, response_time, exception, context, **_):
    """Every request as [type, ms, error or None, by the probe, finished at (epoch s)]:
    bench/load.py computes the figures from these (locust's own CSV is written before requests
    in flight at the end finish)."""
    error = str(exception) if exception else None
    requests_seen.append([name, round(response_time, 1), error, bool(context.get("probe")), round(time.time(), 3)])


@events.quitting.add_listener
def _write_requests(**_):
    if REQUESTS_FILE:
        with open(REQUESTS_FILE, "w") as out:
            json.dump(requests_seen, out)


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def question_answers(fieldset: str) -> list[tuple[str, str]]:
    """One plausible answer (right or wrong) for a question, as the browser would post it."""
    inputs = [dict(ATTR_RE.findall(tag)) for tag in INPUT_RE.findall(fieldset)]
    radios = [i for i in inputs if i.get("type") in ("radio", "checkbox")]
    if radios:
        picks = random.sample(radios, 2 if radios[0]["type"] == "checkbox" and len(radios) > 2 else 1)
        return [(i["name"], unescape(i["value"])) for i in picks]
    texts = [i for i in inputs if i.get("type") == "text"]
    if texts:
        numeric = 'inputmode="decimal"' in fieldset
        value = str(random.randint(1, 5000)) if numeric else random.choice(SHORT_ANSWERS)
        return [(texts[0]["name"], value)]
    answers = []
    selects = SELECT_RE.findall(fieldset)
    positions = list(range(1, len(selects) + 1))
    random.shuffle(positions)  # ordering: each item a different position
    for (kind, name, options), position in zip(selects, positions, strict=True):
        choices = OPTION_RE.findall(options)
        answers.append((name, str(position) if kind == "order" else random.choice(choices)))
    return answers


def signed_in(action):
    """A learner's action that needs a session: a learner not signed in yet logs in instead."""

    @functools.wraps(action)
    def wrapper(self):
        return action(self) if self.signed_in else self.login()

    return wrapper


def record_attempt(attempt_id: int, answered: int) -> None:
    if ATTEMPTS_FILE:
        with open(ATTEMPTS_FILE, "a") as out:  # one short write per line: lines never interleave
            out.write(f"{attempt_id} {answered}\n")


class Learner(FastHttpUser):
    """One learner in a class: think time between actions, each quiz taken once."""

    wait_time = between(1, 3)

    def on_start(self):
        self.username = f"{USER_PREFIX}{next(_numbers):03d}"
        self.quizzes_left = random.sample(QUIZZES, len(QUIZZES))
        self.csrf = ""
        self.signed_in = False
        self.login()

    def check(self, response, status: int, text: str = "", location: str = "") -> bool:
        """Mark a response failed unless it is what a browser expects; True when it is."""
        if response.status_code != status:
            response.failure(f"status {response.status_code}, expected {status}")
        elif text and text not in response.text:
            response.failure(f"'{text}' missing from the page")
        elif location and location not in response.headers.get("Location", ""):
            response.failure(f"redirected to {response.headers.get('Location')!r}, not {location}")
        else:
            return True
        return False

    def login(self) -> None:
        """The login form, as a browser fills it in. Until it succeeds, the learner's next action
        is another try (a real learner logs in again; pages would only redirect to the form)."""
        with self.client.get("/accounts/login/", name="login-page", catch_response=True) as page:
            if not self.check(page, 200, "csrfmiddlewaretoken"):
                return
            token = csrf_token(page.text)
        body = urlencode({"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD})
        with self.client.post(
            "/accounts/login/",
            data=body,
            headers=FORM,
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.signed_in = self.check(response, 302, location="/dashboard/")
        if self.signed_in:
            self.page("/dashboard/", "dashboard", "Your progress")

    def page(self, url: str, name: str, text: str = "") -> str:
        """GET a full page; keeps the page's CSRF token for the htmx requests that follow."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if self.check(response, 200, text) and "csrfmiddlewaretoken" in response.text:
                self.csrf = csrf_token(response.text)
            return response.text or ""

    @task(1)
    @signed_in
    def outline(self):
        self.page("/", "outline", "/lessons/")

    @task(6)
    @signed_in
    def read_lessons(self):
        """A few lessons in course order from a random place, reading each for a while."""
        start = random.randrange(len(LESSONS))
        for slug in LESSONS[start : start + random.randint(1, 3)]:
            self.page(f"/lessons/{slug}/", "lesson", "<h1")
            self.wait()

    @task(3)
    @signed_in
    def take_quiz(self):
        if not self.quizzes_left:
            self.quizzes_left = random.sample(QUIZZES, len(QUIZZES))  # rare in a bounded run
        slug = self.quizzes_left.pop()
        home = self.page(f"/lessons/{slug}/quiz/", "quiz-home", "Start the quiz")
        if "Start the quiz" not in home:
            return
        attempt_id, html = self.quiz_start(slug)
        if attempt_id is None:
            return
        answers: list[tuple[str, str]] = []
        fieldsets = FIELDSET_RE.findall(html)
        for key, fieldset in fieldsets:
            self.wait()  # reading and answering a question
            answers += question_answers(fieldset)
            self.quiz_save(attempt_id, key, answers)
        self.wait()
        if self.quiz_submit(attempt_id, answers):
            record_attempt(attempt_id, len(fieldsets))
            self.page(f"/quiz/attempts/{attempt_id}/review/", "quiz-review", "Attempt")

    def quiz_start(self, slug: str) -> tuple[int | None, str]:
        body = urlencode({"csrfmiddlewaretoken": self.csrf})
        with self.client.post(
            f"/lessons/{slug}/quiz/start/",
            data=body,
            headers=FORM,
            name="quiz-start",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if not self.check(response, 302, location="/quiz/attempts/"):
                return None, ""
            attempt_id = int(ATTEMPT_RE.search(response.headers["Location"]).group(1))
        html = self.page(f"/quiz/attempts/{attempt_id}/", "quiz-attempt", 'id="quiz-submit"')
        return attempt_id, html

    def quiz_save(self, attempt_id: int, key: str, answers: list[tuple[str, str]]) -> None:
        """htmx: a changed question posts the whole form (hx-post inside the form), ?q=its key."""
        body = urlencode([("csrfmiddlewaretoken", self.csrf), *answers])
        headers = {**FORM, "HX-Request": "true", "X-CSRFToken": self.csrf}
        with self.client.post(
            f"/quiz/attempts/{attempt_id}/save/?q={key}",
            data=body,
            headers=headers,
            name="quiz-save",
            catch_response=True,
        ) as response:
            self.check(response, 200, "Saved")

    def quiz_submit(self, attempt_id: int, answers: list[tuple[str, str]]) -> bool:
        body = urlencode([("csrfmiddlewaretoken", self.csrf), *answers])
        with self.client.post(
            f"/quiz/attempts/{attempt_id}/submit/",
            data=body,
            headers=FORM,
            name="quiz-submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            return self.check(response, 302, location=f"/quiz/attempts/{attempt_id}/review/")

    @task(2)
    @signed_in
    def calculator(self):
        """The calculator page, then the learner edits fields (htmx swaps the results)."""
        self.page("/pricing/", "calculator", "Monthly cost")
        headers = {"HX-Request": "true"}
        for _ in range(random.randint(1, 3)):
            self.wait()
            query = urlencode(
                {
                    "requests": random.choice([100_000, 1_000_000, 5_000_000, 30_000_000]),
                    "duration_ms": random.choice([20, 120, 450, 1500]),
                    "memory_mb": random.choice([128, 512, 1024, 1769, 3008]),
                    "architecture": random.choice(["x86_64", "arm64"]),
                }
            )
            with self.client.get(
                f"/pricing/?{query}", headers=headers, name="calculator-htmx", catch_response=True
            ) as response:
                self.check(response, 200, 'id="results"')

    @task(2)
    def pricing_api(self):
        requests = random.choice([1_000, 250_000, 2_000_000, 40_000_000])
        memory = random.choice([128, 256, 1024, 2048])
        url = f"/api/pricing/lambda?requests={requests}&duration_ms=200&memory_mb={memory}"
        with self.client.get(url, name="pricing-api", catch_response=True) as response:
            self.check(response, 200, "total_usd")

    @task(3)
    def baseline(self):
        """The bare view (BENCH_ENDPOINTS=1): what the server costs before any page work."""
        with self.client.get("/bench/ok", name=BASELINE, catch_response=True) as response:
            self.check(response, 200, "ok")


class BaselineProbe(FastHttpUser):
    """One extra user (bench/load.py runs users + 1) that samples the bare view every half second
    for the whole run, so the baseline is measured even while the learners are still logging in.
    """

    fixed_count = 1
    wait_time = constant_pacing(0.5)

    @task
    def baseline(self):
        with self.client.get("/bench/ok", name=BASELINE, catch_response=True, context={"probe": True}) as response:
            if response.status_code != 200 or response.text != "ok":
                response.failure(f"status {response.status_code}")
