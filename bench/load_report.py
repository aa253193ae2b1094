"""bench/load.py's report: the per-page-type table, the timeline, the CPU shares, the submission
check and the verdict. Split from load.py so each stays readable; not a script of its own."""

import calendar
import csv
import json
import math
import re
import time
from pathlib import Path

P95_TARGET_MS = 300
BASELINE = "baseline"
LEARNERS = "all learner reqs"


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# The site's request log (make serve sets REQUEST_LOG=1 LOG_FORMAT=json) names method, path and
# htmx; these map its lines to the locustfile's page types.
ROUTES = [
    ("GET", r"/bench/ok", "baseline"),
    ("GET", r"/accounts/login/", "login-page"),
    ("POST", r"/accounts/login/", "login"),
    ("GET", r"/dashboard/", "dashboard"),
    ("GET", r"/", "outline"),
    ("GET", r"/lessons/[\w-]+/", "lesson"),
    ("GET", r"/lessons/[\w-]+/quiz/", "quiz-home"),
    ("POST", r"/lessons/[\w-]+/quiz/start/", "quiz-start"),
    ("GET", r"/quiz/attempts/\d+/", "quiz-attempt"),
    ("POST", r"/quiz/attempts/\d+/save/", "quiz-save"),
    ("POST", r"/quiz/attempts/\d+/submit/", "quiz-submit"),
    ("GET", r"/quiz/attempts/\d+/review/", "quiz-review"),
    ("GET", r"/pricing/", "calculator"),
    ("GET", r"/api/pricing/lambda", "pricing-api"),
]


def server_times(log: Path, since: float) -> dict[str, float]:
    """Median time inside Django per page type (from the site's own request log, after `since`):
    what is left of a request's latency is waiting for a free gunicorn worker (or the CPU)."""
    times: dict[str, list[float]] = {}
    for line in log.read_text(errors="replace").splitlines():
        if '"courseware.request"' not in line:
            continue
        entry = json.loads(line.split("|", 1)[-1])
        stamp = calendar.timegm(time.strptime(entry["time"][:19], "%Y-%m-%dT%H:%M:%S"))
        if stamp < since:
            continue
        for method, pattern, name in ROUTES:
            if entry["method"] == method and re.fullmatch(pattern, entry["path"]):
                name += "-htmx" if name == "calculator" and entry.get("htmx") else ""
                times.setdefault(name, []).append(entry["duration_ms"])
    return {name: sorted(values)[len(values) // 2] for name, values in times.items()}


def errors(requests: list[list], prefix: Path) -> list[tuple[int, str]]:
    """(count, message) for each kind of failed request (wrong status or content, timeouts,
    connection errors), most frequent first, then the locustfile's own exceptions."""
    counts: dict[str, int] = {}
    for name, _, error, *_ in requests:
        if error:
            counts[f"{name}: {error}"] = counts.get(f"{name}: {error}", 0) + 1
    found = sorted(((n, message) for message, n in counts.items()), reverse=True)
    found += [
        (int(row["Count"]), f"locustfile exception: {row['Message']}")
        for row in read_csv(prefix.with_name(prefix.name + "_exceptions.csv"))
    ]
    return found


def percentile(ordered: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else None


def summary_row(name: str, entries: list[list]) -> tuple:
    """(name, requests, failed, p50, p95, p99)."""
    ordered = sorted(entry[1] for entry in entries)
    failed = sum(1 for entry in entries if entry[2])
    return (name, len(ordered), failed, *(percentile(ordered, p) for p in (50, 95, 99)))


def table_rows(requests: list[list]) -> list[tuple]:
    """One row per request type (the baseline first), then all the learners' requests together
    (the baseline probe's left out, so its cheap requests cannot pull the learners' p95 down)."""
    by_type: dict[str, list[list]] = {}
    for entry in requests:
        by_type.setdefault(entry[0], []).append(entry)
    names = sorted(by_type, key=lambda name: (name != BASELINE, name))
    table = [summary_row(name, by_type[name]) for name in names]
    table.append(summary_row(LEARNERS, [entry for entry in requests if not entry[3]]))
    return table


def print_table(table: list[tuple], inside: dict[str, float]) -> None:
    base = next((row for row in table if row[0] == BASELINE), None)
    print(
        f"  {'page type':16} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'p50/base':>9} {'p95/base':>9} {'in Django p50':>14}"
    )
    for name, count, failed, p50, p95, p99 in table:
        ratios = [
            f"x{mine / ref:.1f}" if base and mine is not None and (ref := base[i]) else "-"
            for i, mine in ((3, p50), (4, p95))
        ]
        flag = "  <- p95 over target" if p95 is not None and p95 >= P95_TARGET_MS else ""
        django = f"{inside[name]:.0f}" if name in inside else "-"
        print(
            f"  {name:16} {count:>8} {failed:>6} {p50 or 0:7.0f} {p95 or 0:7.0f} {p99 or 0:7.0f} "
            f"{ratios[0]:>9} {ratios[1]:>9} {django:>14}{flag}"
        )


def print_timeline(prefix: Path, every: int = 10) -> None:
    """Latency over the run, in locust's rolling 10 s window: where the slow requests came from."""
    rows = [
        row
        for row in read_csv(prefix.with_name(prefix.name + "_stats_history.csv"))
        if row["Name"] == "Aggregated" and number(row["95%"]) and row["Total Request Count"] != "0"
    ]
    if not rows:
        return
    start = int(rows[0]["Timestamp"])
    print("\nover time (last 10 s at each point):")
    print(f"  {'t':>5} {'learners':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7}")
    shown = -every
    for row in rows:
        elapsed = int(row["Timestamp"]) - start
        if elapsed - shown >= every or row is rows[-1]:
            shown = elapsed
            print(
                f"  {elapsed:>4}s {max(0, int(row['User Count']) - 1):>8} {float(row['Requests/s']):6.1f} "
                f"{number(row['50%']):7.0f} {number(row['95%']):7.0f}"
            )


def print_cpu(cpu: dict) -> None:
    print(
        f"\nCPU during the run, in cores of {cpu['cores']}: machine {cpu['busy']:.2f} = "
        f"site {cpu['site']:.2f} + PostgreSQL/Redis {cpu['services']:.2f} + locust "
        f"{cpu['children']:.2f} + other processes {cpu['others']:.2f}"
    )


def print_submissions(check: dict) -> None:
    print(
        f"\nquiz submissions: {check['recorded']} made by learners, "
        f"{check['submitted_in_db']} submitted attempts in the database, "
        f"{len(check['problems'])} problems"
    )
    for problem in check["problems"][:5]:
        print(f"  {problem}")


def ramp_end(requests: list[list]) -> float:
    """When the last learner had signed in: the class is all there from then on."""
    logins = [entry[4] for entry in requests if entry[0] == "login" and not entry[2]]
    return max(logins) if logins else 0.0


def report(prefix: Path, check: dict, cpu: dict, inside: dict, args) -> bool:
    """Print the figures and the verdict; True when every target is met.

    The p95 target is for the class at work: requests started after the last learner signed in.
    The ramp-up before it (learners arriving within seconds, each login hashing a password on a
    cold site) is shown on its own line, not hidden and not mixed in."""
    requests_file = prefix.with_name("requests.json")
    requests = json.loads(requests_file.read_text()) if requests_file.exists() else []
    settled = ramp_end(requests)
    steady = [entry for entry in requests if entry[4] - entry[1] / 1000 >= settled]
    ramp = [entry for entry in requests if entry[4] - entry[1] / 1000 < settled]
    window = (max((e[4] for e in steady), default=settled) - settled) or 1
    table = table_rows(steady)
    learners = table[-1]
    found = errors(requests, prefix)
    failed = sum(count for count, _ in found)
    whole = summary_row("whole run", [entry for entry in requests if not entry[3]])
    ramped = summary_row("ramp-up", [entry for entry in ramp if not entry[3]])
    print(
        f"\n{args.users} learners, {args.duration}s: {len(requests)} requests, {failed} errors; "
        f"ramp-up (until the last sign-in) {args.duration - window:.0f}s: {ramped[1]} learner "
        f"requests, p50 {ramped[3] or 0:.0f} ms, p95 {ramped[4] or 0:.0f} ms; "
        f"whole run p95 {whole[4] or 0:.0f} ms"
    )
    for count, message in found[:5]:
        print(f"  error: {count} x {message}")
    print(
        f"\nsteady state, {args.users} learners at work for {window:.0f}s: {len(steady)} requests, "
        f"{len(steady) / window:.1f} req/s"
    )
    print_table(table, inside)
    print_timeline(prefix)
    print_cpu(cpu)
    print_submissions(check)
    p95 = learners[4] or 0.0
    verdicts = [
        (
            f"steady-state p95 over all learner requests {p95:.0f} ms (target < {P95_TARGET_MS} ms)",
            learners[1] > 0 and p95 < P95_TARGET_MS,
        ),
        (f"errors {failed} over the whole run (target 0)", failed == 0),
        (
            "every quiz submission stored, submitted and graded"
            if check["recorded"]
            else "every quiz submission stored: no quiz was submitted, so nothing was checked",
            not check["problems"] and check["recorded"] > 0,
        ),
    ]
    print("\nverdict:")
    for label, met in verdicts:
        print(f"  {'met    ' if met else 'NOT MET'}  {label}")
    return all(met for _, met in verdicts)
