"""A class doing labs through the web UI, for `bench/load.py --labs`; not meant to be run alone.

Each learner is a browser: it signs in through the form, opens a lab page, presses Deploy,
Invoke and Check my progress as htmx would post them (the page's CSRF header, `HX-Request`), and
then follows the polling the answer asks for (`hx-get` after its `load delay:`) until the run's
result replaces the spinner. Click-to-result is the time from the press to that result.
Lab 1 (hello-lambda): deploy, invoke x3, check. The SQS lab: deploy, invoke with the saved
batch (the messages), check. Think time of 1-3 s between presses.
"""

import json
import random
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
FORM_CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX_CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')
POLL_RE = re.compile(r'hx-get="([^"]+)" hx-trigger="load delay:(\d+)(ms|s)"')
SCORE_RE = re.compile(r"Score: <strong>(\d+)/(\d+)</strong>")
ERROR_RE = re.compile(r'class="(?:error|flash flash-error)"[^>]*>(.*?)</p>', re.S)
STEP_TIMEOUT_S = 240


def lab_files(slug: str) -> dict[str, str]:
    """The lab's solution as the editor form posts it (lab 1 also posts its settings)."""
    folder = ROOT / "labs" / slug / "solution"
    form = {f"file:{path.name}": path.read_text() for path in sorted(folder.iterdir()) if path.suffix != ".json"}
    config = folder / "config.json"
    if config.exists():
        values = json.loads(config.read_text())
        form |= {
            "memory_mb": str(values["memory_mb"]),
            "timeout_s": str(values["timeout_s"]),
            "architecture": values.get("architecture", "x86_64"),
            "environment": "\n".join(f"{k}={v}" for k, v in values.get("environment", {}).items()),
        }
    return form


@dataclass
class Record:
    """What every learner saw, shared by their threads."""

    pages: list = field(default_factory=list)  # (kind, ms, ok)
    steps: list = field(default_factory=list)  # (step, s, ok, reprovisioned, finished at, error)
    completed: dict = field(default_factory=dict)  # username -> {lab: (score, total)}
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, kind: str, ms: float, ok: bool) -> None:
        with self.lock:
            self.pages.append((kind, ms, ok))

    def step(self, *entry) -> None:
        with self.lock:
            self.steps.append(entry)


class Browser:
    def __init__(self, base: str, record: Record):
        self.base, self.record, self.session, self.csrf = base, record, requests.Session(), ""

    def request(
        self, kind: str, method: str, path: str, *, htmx: bool = False, headers=None, **kwargs
    ) -> requests.Response:
        headers = {**(headers or {}), **({"HX-Request": "true", "X-CSRFToken": self.csrf} if htmx else {})}
        started = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, headers=headers, timeout=60, **kwargs)
        except requests.RequestException:
            self.record.page(kind, (time.perf_counter() - started) * 1000, False)
            raise
        self.record.page(kind, (time.perf_counter() - started) * 1000, response.status_code == 200)
        return response

    def login(self, username: str, password: str) -> None:
        page = self.request("login-page", "GET", "/accounts/login/")
        token = FORM_CSRF_RE.search(page.text)[1]
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        done = self.request("login", "POST", "/accounts/login/", data=data, headers={"Referer": page.url})
        if "Log out" not in done.text:
            raise RuntimeError(f"{username} could not sign in")

    def open_lab(self, slug: str) -> None:
        page = self.request("lab-page", "GET", f"/labs/{slug}/")
        self.csrf = HX_CSRF_RE.search(page.text)[1]

    def press(self, slug: str, kind: str, step: str, data: dict) -> str:
        """A button's hx-post, then the polling its answer asks for; the final partial."""
        started = time.monotonic()
        html = self.request(f"{kind}-post", "POST", f"/labs/{slug}/{kind}", htmx=True, data=data).text
        while (poll := POLL_RE.search(html)) and time.monotonic() - started < STEP_TIMEOUT_S:
            time.sleep(int(poll[2]) / (1000 if poll[3] == "ms" else 1))
            html = self.request("poll", "GET", unescape(poll[1]), htmx=True).text
        error = ERROR_RE.search(html)
        problem = "timed out" if POLL_RE.search(html) else (re.sub(r"<[^>]+>", "", error[1]).strip() if error else "")
        reprovisioned = "re-provisioned" in html
        self.record.step(step, time.monotonic() - started, not problem, reprovisioned, time.time(), problem[:160])
        return html


def learner(base: str, username: str, password: str, record: Record, think=(1.0, 3.0)) -> None:
    """Lab 1 then the SQS lab; the scores each reached go in record.completed."""
    browser, scores = Browser(base, record), {}
    try:
        browser.login(username, password)
        browser.open_lab("hello-lambda")
        browser.press("hello-lambda", "deploy", "lab1 deploy", lab_files("hello-lambda"))
        for _ in range(3):
            time.sleep(random.uniform(*think))
            browser.press("hello-lambda", "invoke", "lab1 invoke", {"event_name": "hello"})
        time.sleep(random.uniform(*think))
        scores["hello-lambda"] = score(browser.press("hello-lambda", "grade", "lab1 check", {}))
        browser.open_lab("sqs-lambda")
        browser.press("sqs-lambda", "deploy", "sqs deploy", lab_files("sqs-lambda"))
        time.sleep(random.uniform(*think))
        browser.press("sqs-lambda", "invoke", "sqs messages", {"event_name": "mixed-batch"})
        time.sleep(random.uniform(*think))
        scores["sqs-lambda"] = score(browser.press("sqs-lambda", "grade", "sqs check", {}))
    except Exception as error:  # noqa: BLE001 (counted as an error; the class goes on)
        record.step("learner", 0.0, False, False, time.time(), f"{type(error).__name__}: {error}"[:160])
    with record.lock:
        record.completed[username] = scores


def score(html: str) -> tuple[int, int]:
    found = SCORE_RE.search(html)
    return (int(found[1]), int(found[2])) if found else (0, -1)


def grade_burst(base: str, usernames: list[str], password: str, slug: str, site_cpu) -> dict:
    """Each learner deploys the lab's solution, then all press Check at once: grades per minute,
    and per core (the site's CPU seconds over the grading, `site_cpu()`: other work on a shared
    machine does not count against it)."""
    record, browsers = Record(), []
    for username in usernames:
        browser = Browser(base, record)
        browser.login(username, password)
        browser.open_lab(slug)
        browsers.append(browser)
    run_all([lambda b=b: b.press(slug, "deploy", "deploy", lab_files(slug)) for b in browsers])
    started, cpu_before = time.monotonic(), site_cpu()
    run_all([lambda b=b: b.press(slug, "grade", "grade", {}) for b in browsers])
    wall, cpu = time.monotonic() - started, site_cpu() - cpu_before
    grades = [entry for entry in record.steps if entry[0] == "grade"]
    return {
        "grades": len(grades),
        "ok": sum(entry[2] for entry in grades),
        "wall_s": wall,
        "per_minute": len(grades) / wall * 60,
        "per_core_minute": len(grades) / cpu * 60 if cpu else 0.0,
        "cores_used": cpu / wall,
        "p50_s": statistics.median(entry[1] for entry in grades),
        "p95_s": percentile([entry[1] for entry in grades], 0.95),
    }


def run_all(actions) -> None:
    threads = [threading.Thread(target=action) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


STEPS = ["lab1 deploy", "lab1 invoke", "lab1 check", "sqs deploy", "sqs messages", "sqs check"]
TARGETS = {"page_p95_ms": 300, "lab1_step_p95_s": 5, "sqs_check_p95_s": 15}


def labs_report(record: Record, db: dict, bursts: dict, cpu: dict, killed: dict, users: int) -> bool:
    """Print the class's figures and the verdict; True when every target is met."""
    print(
        f"\n{users} learners doing labs; node n1 killed {killed.get('after_steps', '?')} steps in, at "
        f"{killed.get('at_s', 0):.0f}s; run took {killed.get('wall_s', 0):.0f}s"
    )
    print(f"{'step':<14}{'count':>7}{'errors':>8}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'re-prov.':>10}")
    for step in STEPS:
        rows = [entry for entry in record.steps if entry[0] == step]
        times = [entry[1] for entry in rows]
        print(
            f"{step:<14}{len(rows):>7}{sum(not e[2] for e in rows):>8}{percentile(times, 0.5):>8.2f}"
            f"{percentile(times, 0.95):>8.2f}{max(times, default=0):>8.2f}{sum(e[3] for e in rows):>10}"
        )
    page_ms = [entry[1] for entry in record.pages]
    page_errors = sum(not entry[2] for entry in record.pages)
    print(
        f"pages and htmx requests: {len(page_ms)}, p50 {percentile(page_ms, 0.5):.0f} ms, "
        f"p95 {percentile(page_ms, 0.95):.0f} ms, errors {page_errors}"
    )
    step_errors = [entry for entry in record.steps if not entry[2]]
    for entry in step_errors[:5]:
        print(f"  error: {entry[0]}: {entry[5]}")
    incomplete = [u for u, s in record.completed.items() if any(a != b for a, b in s.values()) or len(s) < 2]
    lost = db["states"].get("queued", 0) + db["states"].get("running", 0)
    print(
        f"runs in the database: {db['states']}; moved off a node: {db['moved']}; re-provisioned: "
        f"{db['reprovisioned']}; lost (never finished): {lost}; learners not complete: {len(incomplete)}"
    )
    print(f"workspaces per node at the end: {db['placed']}; nodes: {db['nodes']}")
    for reason, count in sorted(db.get("failed_checks", {}).items(), key=lambda item: -item[1])[:8]:
        print(f"  check failed x{count}: {reason}")
    outcomes = Counter(
        f"{lab} {got}/{total}" for scores in record.completed.values() for lab, (got, total) in scores.items()
    )
    print(f"scores seen: {dict(sorted(outcomes.items()))}")
    for name, burst in bursts.items():
        print(
            f"grading {name}: {burst['grades']} grades ({burst['ok']} ok) at once in {burst['wall_s']:.1f}s: "
            f"{burst['per_minute']:.0f}/min using {burst['cores_used']:.2f} cores of the site, "
            f"{burst['per_core_minute']:.0f}/min per core busy; p50 {burst['p50_s']:.1f}s, "
            f"p95 {burst['p95_s']:.1f}s; placed {burst.get('placed')}"
        )
    print(
        f"CPU during the class, of {cpu['cores']} cores: machine {cpu['busy']:.2f}, site {cpu['site']:.2f}, "
        f"PostgreSQL+Redis {cpu['services']:.2f}, this script {cpu['children']:.2f}, others {cpu['others']:.2f}"
    )
    lab1 = [e[1] for e in record.steps if e[0].startswith("lab1")]
    sqs_check = [e[1] for e in record.steps if e[0] == "sqs check"]
    verdicts = {
        f"page p95 < {TARGETS['page_p95_ms']} ms": percentile(page_ms, 0.95) < TARGETS["page_p95_ms"],
        f"lab 1 step p95 < {TARGETS['lab1_step_p95_s']} s": percentile(lab1, 0.95) < TARGETS["lab1_step_p95_s"],
        f"SQS check p95 < {TARGETS['sqs_check_p95_s']} s": percentile(sqs_check, 0.95) < TARGETS["sqs_check_p95_s"],
        "0 errors": not step_errors and not page_errors,
        "0 lost runs": lost == 0 and not db["states"].get("failed"),
        "every learner completes": not incomplete and len(record.completed) == users,
    }
    for name, met in verdicts.items():
        print(f"  {'met ' if met else 'MISSED'}  {name}")
    return all(verdicts.values())
