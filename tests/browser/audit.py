"""axe-core and the Content-Security-Policy, checked on pages in a light and a dark browser.

An Auditor holds one light and one dark context signed in as the same user. Each check loads a
page in both, runs axe (every rule in light; the colour rules in dark, since the dark scheme only
changes colours) and gathers what it finds, so one run reports every broken page at once."""

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
FAILING_IMPACTS = ("serious", "critical")
EVERY_RULE = {"resultTypes": ["violations"]}
COLOUR_RULES = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"],
}
# Chromium's wording for a blocked inline script or style, an eval, or a blocked load.
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


def describe(result: dict, label: str) -> list[str]:
    """One readable block per serious or critical violation: rule, impact, help, where."""
    lines = []
    for violation in result["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        lines.append(f"{label}: {violation['id']} ({violation['impact']}) {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"][:8]:
            why = next((check["message"] for check in node["any"] + node["all"]), "")
            lines.append(f"    {' > '.join(map(str, node['target']))}  {why}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more")
    return lines


@dataclass
class Watched:
    """A page and what its console said about the Content-Security-Policy or uncaught errors."""

    page: object
    scheme: str
    messages: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.messages.append(f"uncaught: {error}"))

    def _console(self, message):
        if any(marker in message.text for marker in CSP_MARKERS):
            self.messages.append(f"console {message.type}: {message.text}")

    def take_messages(self) -> list[str]:
        taken, self.messages[:] = list(self.messages), []
        return taken


class Auditor:
    def __init__(self, browser, live_server, sign_in):
        self.base = live_server.url
        self.sign_in = sign_in
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.contexts = [
            browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
            for scheme in ("light", "dark")
        ]
        self.light, self.dark = (
            Watched(context.new_page(), scheme)
            for context, scheme in zip(self.contexts, ("light", "dark"), strict=True)
        )
        for watched in (self.light, self.dark):
            watched.page.set_default_timeout(30_000)

    def as_user(self, user) -> None:
        for context in self.contexts:
            context.clear_cookies()
            if user is not None:
                self.sign_in(context, user)

    def check(self, path: str, label: str | None = None, status: int = 200) -> None:
        """Load path in both schemes and audit each."""
        for watched in (self.light, self.dark):
            response = watched.page.goto(self.base + path)
            assert response.status == status, f"{path}: HTTP {response.status}"
            self._audit(watched, label or path)

    def check_here(self, label: str, scheme: str = "light") -> None:
        """Audit the page as it is now (after typing, htmx swaps), without reloading it."""
        self._audit(self.light if scheme == "light" else self.dark, label)

    def _audit(self, watched: Watched, label: str) -> None:
        page = watched.page
        page.wait_for_load_state("load")
        # Two frames, so whatever the page does after an event (htmx settling) has landed.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        result = AXE.run(page, options=EVERY_RULE if watched.scheme == "light" else COLOUR_RULES)
        where = f"{label} [{watched.scheme}]"
        self.checked.append(where)
        self.problems += describe(result.response, where)
        self.problems += [f"{where}: {message}" for message in watched.take_messages()]

    def report(self) -> str:
        return "\n".join(self.problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
