"""Money, tiers, estimate lines and input errors. Money is Decimal, never float."""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class PricingInputError(ValueError):
    """Bad input, naming the field: the API answers 400 with both."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Tier:
    upto: Decimal | None  # cumulative quantity where this tier ends; None for the last
    price: Decimal


def plain(value: Decimal) -> str:
    """A Decimal as a plain string: no exponent, no trailing zeros ('2000000', '0.0000166667')."""
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("-0", "0") else text


SIGNIFICANT = 3  # digits kept of an amount under a cent: $0.000000565, not $0.0000005645840625


def usd(value: Decimal) -> str:
    """$1,234.56 for display; an amount under a cent keeps three significant digits, so it is
    neither $0.00 nor a string of sixteen. Exact amounts stay in the API's `*_exact_usd` fields."""
    value = Decimal(value)
    if value == 0:
        return "$0.00"
    if value < 0:
        return "-" + usd(-value)
    if value >= CENT:
        return f"${value.quantize(CENT, ROUND_HALF_UP):,}"
    places = SIGNIFICANT - 1 - value.adjusted()
    shown = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if shown.adjusted() > value.adjusted():  # 0.0099996 rounded up to 0.0100
        return usd(shown)
    return f"${shown:f}".rstrip("0").rstrip(".") if shown < CENT else f"${shown:f}"


def units(amount: Decimal | int, unit: str) -> str:
    """The unit for `amount`: '1 request', '2 requests'; 'GB-s' (GB-seconds) never changes."""
    if Decimal(amount) != 1 or unit.endswith("-s") or not unit.endswith("s"):
        return unit
    return unit[:-3] + "y" if unit.endswith("ies") else unit[:-1]


def quantity(value: Decimal | int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def unit_price(price: Decimal, per: int) -> str:
    shown = plain(price)
    if "." not in shown:
        shown += ".00"  # $1.00, not $1
    elif len(shown.split(".")[1]) == 1:
        shown += "0"  # $0.20, not $0.2
    if per == 1:
        return f"${shown}"
    label = {1000: "1,000", 1000000: "1M"}.get(per, f"{per:,}")
    return f"${shown} per {label}"


@dataclass(frozen=True)
class Line:
    service: str
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    per: int
    cost: Decimal
    formula: str  # the working, in words

    def to_dict(self) -> dict:
        return {
            "service": self.service,
            "label": self.label,
            "quantity": plain(self.quantity),
            "unit": self.unit,
            "unit_price": plain(self.unit_price),
            "per": self.per,
            "cost": plain(self.cost),
            "cost_usd": str(self.cost.quantize(CENT, ROUND_HALF_UP)),
            "formula": self.formula,
        }


def line(
    service: str,
    label: str,
    amount: Decimal,
    unit: str,
    price: Decimal,
    per: int = 1,
    note: str = "",
) -> Line:
    cost = amount * price / per
    formula = f"{quantity(amount)} {units(amount, unit)} × {unit_price(price, per)} = {usd(cost)}"
    return Line(service, label, amount, unit, price, per, cost, formula + (f" ({note})" if note else ""))


def tiered_lines(
    service: str,
    label: str,
    amount: Decimal,
    unit: str,
    tiers,
    per: int = 1,
    already: Decimal = Decimal(0),
) -> list[Line]:
    """Apply a tiered price tier by tier. `already` is usage counted before this amount."""
    lines, start = [], Decimal(0)
    position = already
    remaining = amount
    for index, tier in enumerate(tiers):
        end = tier.upto
        if end is not None and position >= end:
            start = end
            continue
        room = remaining if end is None else min(remaining, end - position)
        if room > 0 or (index == 0 and amount == 0):
            span = f"{quantity(start)}–{quantity(end)}" if end is not None else f"over {quantity(start)}"
            name = label if len(tiers) == 1 else f"{label}, tier {index + 1} ({span} {unit})"
            lines.append(line(service, name, room, unit, tier.price, per))
        remaining -= room
        position += room
        start = end if end is not None else start
        if remaining <= 0:
            break
    return lines


@dataclass
class Estimate:
    service: str
    price_set: dict
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((item.cost for item in self.lines), Decimal(0))

    def to_dict(self) -> dict:
        return {
            "service": self.service,
            "total_usd": str(self.total.quantize(CENT, ROUND_HALF_UP)),
            "total_exact_usd": plain(self.total),
            "lines": [item.to_dict() for item in self.lines],
            "notes": self.notes,
            "inputs": {key: str(value) if isinstance(value, Decimal) else value for key, value in self.inputs.items()},
            "price_set": self.price_set,
            **self.extra,
        }


# Input readers: values come from query strings, forms or Python; each error names its field.


# Far beyond every bound below (10**15 at most), and far inside Decimal's own limits: 1e999999
# would be echoed as a million digits, and 1e10000000 overflows.
MAX_MAGNITUDE = 30


def read_decimal(
    values: dict, field: str, *, default=None, minimum=None, maximum=None, what: str = "", why_min: str = "", why_max=""
) -> Decimal:
    """A number from `values[field]` within bounds; `what` (a unit) and the bound's reason are
    added to range errors: "must be at most 10,240 MB (Lambda's memory range), not 20000"."""
    raw = values.get(field, default)
    if raw is None or raw == "":
        if default is None:
            raise PricingInputError(field, "is required")
        raw = default
    try:
        value = Decimal(str(raw).replace(",", "").replace("_", "").strip())
    except InvalidOperation as error:
        raise PricingInputError(field, f"must be a number, not {str(raw)[:40]!r}") from error
    if not value.is_finite():
        raise PricingInputError(field, "must be a finite number")
    if abs(value.adjusted()) > MAX_MAGNITUDE:  # before any message prints it, or arithmetic overflows
        raise PricingInputError(field, "is far outside any range this calculator takes")
    if minimum is not None and value < Decimal(str(minimum)):
        why = f" ({why_min})" if why_min else ""
        raise PricingInputError(field, f"must be at least {minimum}{what}{why}, not {value.normalize():f}")
    if maximum is not None and value > Decimal(str(maximum)):
        why = f" ({why_max})" if why_max else ""
        raise PricingInputError(field, f"must be at most {maximum:,}{what}{why}, not {value.normalize():f}")
    return value


def read_int(values: dict, field: str, **kwargs) -> int:
    value = read_decimal(values, field, **kwargs)
    if value != value.to_integral_value():
        raise PricingInputError(field, f"must be a whole number, not {value.normalize():f}")
    return int(value)


def read_bool(values: dict, field: str, default: bool) -> bool:
    raw = values.get(field, default)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off", ""}:
        return False if text else default
    raise PricingInputError(field, f"must be true or false, not {str(raw)[:20]!r}")


def read_choice(values: dict, field: str, choices: list[str], default: str) -> str:
    raw = str(values.get(field) or default).strip()
    if raw not in choices:
        raise PricingInputError(field, f"must be one of {', '.join(choices)}, not {raw[:30]!r}")
    return raw


def ceil_to(value: Decimal, step: int) -> Decimal:
    """Round up to a whole multiple of `step` (billing granularity)."""
    return Decimal(math.ceil(value / step)) * step


@dataclass(frozen=True)
class Field:
    """One input of a calculator: read from query strings, forms or Python; described in OpenAPI."""

    name: str
    kind: str  # int | decimal | bool | choice
    default: object
    help: str
    unit: str = ""
    minimum: object = None
    maximum: object = None
    choices: tuple = ()
    limit: str = ""  # why the maximum is what it is, added to its range error
    floor: str = ""  # why the minimum is what it is (a different reason, or none)

    def read(self, values: dict):
        if self.kind in ("int", "decimal"):
            reader = read_int if self.kind == "int" else read_decimal
            bounds = {"default": self.default, "minimum": self.minimum, "maximum": self.maximum}
            what = f" {self.unit}" if self.unit else ""
            return reader(values, self.name, **bounds, what=what, why_min=self.floor, why_max=self.limit)
        if self.kind == "bool":
            return read_bool(values, self.name, self.default)
        return read_choice(values, self.name, list(self.choices), self.default)


def read_fields(values: dict, fields: list[Field]) -> dict:
    return {item.name: item.read(values) for item in fields}
