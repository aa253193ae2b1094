"""What the calculator page shows for a tab: its form as entered, the errors in the learner's words,
the bill with its working, and the charts.

The form is read field by field, so every bad field is named (by its label, not the engine's
name) and marked, and the bill is still shown: with each bad field at its default, said so.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .charts import Series, bar_chart, line_chart
from .engine import PricingInputError
from .engine.apigateway import rest_vs_http
from .engine.core import Field
from .engine.lambda_ import memory_sweep
from .engine.registry import estimate
from .engine.scenario import scenario_estimate
from .tabs import TABS, Tab

SCALE_FACTORS = [Decimal(f) for f in ("0.01", "0.03", "0.1", "0.3", "1", "3", "10", "30", "100")]


@dataclass
class Input:
    """One field of the form: what to show in it, and what is wrong with it."""

    field: Field
    value: str
    modes: list[str]
    error: str = ""
    part: str = ""  # the yes/no field that includes it (a scenario's parts)

    @property
    def is_true(self) -> bool:
        return self.value.strip().lower() in {"true", "1", "yes", "on"}


@dataclass
class Form:
    tab: Tab
    inputs: list[Input]
    values: dict  # what the engine is given: every good field the learner filled in
    mode: str | None
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message

    @property
    def summary(self) -> list[str]:
        """Each error as a sentence that names the field the way the form labels it."""
        labels = {item.field.name: item.field.help for item in self.inputs}
        return [
            f"{labels.get(name, name)}{' ' if message.startswith(('is ', 'must ', 'needs ')) else ': '}{message}."
            for name, message in self.errors.items()
        ]

    def fail(self, name: str, message: str) -> None:
        """Record what is wrong with a field, in the engine's words ("must be at most …")."""
        self.errors.setdefault(name, message.rstrip("."))
        self.values.pop(name, None)  # priced at its default until it is fixed
        for item in self.inputs:
            if item.field.name == name:
                item.error = self.errors[name][:1].upper() + self.errors[name][1:] + "."


def read_form(tab: Tab, query) -> Form:
    """The tab's fields from a query string, each checked on its own. A field left empty is an
    error (it would silently price the default), except one whose default is the price set's."""
    raw = {item.name: query.get(item.name) for item in tab.fields if query.get(item.name) is not None}
    mode = None
    if tab.mode_field:
        mode_field = tab.fields[0]
        mode = str(raw.get(mode_field.name) or mode_field.default)
        mode = mode if mode in tab.modes else str(mode_field.default)
    inputs = [
        Input(
            item,
            raw.get(item.name, "" if item.default is None else str(item.default)),
            tab.modes_of(item),
            part=tab.part_of(item),
        )
        for item in tab.fields
    ]
    form = Form(tab, inputs, {}, mode)
    off = {toggle for toggle in tab.parts if str(raw.get(toggle, "")).strip().lower() in {"false", "0", "no", "off"}}
    for item in tab.fields:
        text = raw.get(item.name)
        if text is None or not tab.applies(item, mode, off):
            continue
        if not text.strip():
            if item.default is not None and item.kind in ("int", "decimal"):
                form.fail(item.name, "needs a number: it is empty")
            continue
        form.values[item.name] = text
        try:
            item.read({item.name: text})
        except PricingInputError as error:
            form.fail(item.name, error.message)
    return form


def compute(tab: Tab, values: dict) -> dict:
    if tab.slug == "scenario":
        return scenario_estimate(values)
    return estimate(tab.slug, values).to_dict()


def bill_for(form: Form) -> dict | None:
    """The bill for the form's good fields; a field the engine refuses in combination (arm64 in a
    price set without it) is an error too, and priced at its default."""
    for _ in range(len(form.tab.fields)):
        try:
            return compute(form.tab, form.values)
        except PricingInputError as error:
            entered = error.field in form.values
            form.fail(error.field, error.message)
            if not entered:  # the defaults themselves are refused: nothing to fall back on
                return None
    return None


def lines_of(bill: dict) -> list[dict]:
    if "services" in bill:  # a scenario: every service's lines
        return [line for part in bill["services"].values() for line in part["lines"]]
    return bill["lines"]


def money_split(tab: Tab, bill: dict) -> str:
    """Where the money goes: by service for a scenario, by line for one service."""
    if "services" in bill:
        bars = [(TABS[name].title, float(part["total_exact_usd"])) for name, part in bill["services"].items()]
    else:
        bars = [(line["label"], float(line["cost"])) for line in bill["lines"]]
    if sum(value > 0 for _, value in bars) < 2:
        return ""
    return bar_chart(
        title="Where the money goes",
        description="The month's cost of each part of the bill, largest first: "
        + "; ".join(f"{label} ${value:,.2f}" for label, value in bars),
        bars=bars,
    )


def scale_points(tab: Tab, form: Form) -> tuple[Field, list[tuple[Decimal, Decimal]]]:
    """The month's cost at a hundredth to a hundred times the volume entered, within its bounds."""
    scale = tab.scale_field(form.mode)
    try:
        base = scale.read(form.values)
    except PricingInputError:
        base = Decimal(scale.default)
    base = Decimal(base) if base else Decimal(scale.default or 1000)
    points = []
    for factor in SCALE_FACTORS:
        volume = base * factor
        volume = Decimal(round(volume)) if scale.kind == "int" else volume
        if volume <= 0 or (scale.maximum is not None and volume > scale.maximum) or any(v == volume for v, _ in points):
            continue
        bill = compute(tab, {**form.values, scale.name: str(volume)})
        points.append((volume, Decimal(bill["total_exact_usd"])))
    return scale, points


def lower_first(text: str) -> str:
    """'Invocations per month' -> 'invocations per month'; 'API requests' stays as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def scale_chart(scale: Field, points: list) -> str:
    return line_chart(
        title="Monthly cost from a hundredth to a hundred times this volume",
        description="The month's cost at a hundredth to a hundred times the volume entered (the horizontal "
        "axis, log scale), other inputs as entered; the same figures are in the table below.",
        series=[Series("Monthly cost", [(float(v), float(cost)) for v, cost in points], "series-1", unit="$")],
        x_label=f"{scale.help}{f' ({scale.unit})' if scale.unit else ''}, log scale",
        x_log=True,
    )


def sweep_chart(sweep: dict) -> str:
    points = sweep["points"]
    return line_chart(
        title="Cost and duration against memory (teaching model)",
        description=sweep["summary"],
        series=[
            Series(
                "Monthly cost ($)",
                [(p["memory_mb"], float(p["monthly_exact_usd"])) for p in points],
                "series-1",
                unit="$",
            ),
            Series(
                "Duration (ms)", [(p["memory_mb"], float(p["duration_ms"])) for p in points], "series-2", axis="right"
            ),
        ],
        x_label="Memory (MB, log scale)",
        x_log=True,
    )


def extras(tab: Tab, form: Form, bill: dict) -> dict:
    """What only some tabs show: Lambda's memory sweep, and REST against HTTP for a REST or HTTP API."""
    found = {}
    if tab.slug == "lambda":
        found["sweep"] = memory_sweep(form.values)
        found["sweep_chart"] = sweep_chart(found["sweep"])
    if tab.slug == "lambda" or (tab.slug == "apigateway" and form.mode in ("rest", "http")):
        requests = bill["inputs"].get("requests", form.values.get("requests"))
        found["api_compare"] = rest_vs_http({"requests": requests, "price_set": form.values.get("price_set")})
    return found


def calculator_context(tab: Tab, query) -> dict:
    """Everything the page shows for a tab; `errors` and `fallback` say what is wrong and that the
    bill shown prices the bad fields at their defaults."""
    form = read_form(tab, query)
    bill = bill_for(form)
    context = {"tab": tab, "form": form, "inputs": form.inputs, "errors": form.summary, "bill": bill}
    if bill is None:
        return context
    scale, points = scale_points(tab, form)
    parts = bill.get("services", {})
    context.update(
        price_set=bill.get("price_set") or next(iter(parts.values()))["price_set"],
        notes=bill["notes"] + [f"{TABS[name].title}: {note}" for name, part in parts.items() for note in part["notes"]],
        lines=lines_of(bill),
        split_chart=money_split(tab, bill),
        scale=scale,
        scale_name=lower_first(scale.help),
        scale_points=points,
        scale_chart=scale_chart(scale, points),
        fallback=[item.field.help for item in form.inputs if item.error],
        **extras(tab, form, bill),
    )
    return context
