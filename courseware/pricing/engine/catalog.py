"""Price sets: one YAML file each in courseware/pricing/catalog/, every figure with source and date."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from .core import Field, PricingInputError, Tier, read_fields

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"


@dataclass(frozen=True)
class Price:
    key: str
    unit: str
    per: int
    tiers: tuple[Tier, ...]
    source: str
    date: str

    @property
    def flat(self) -> Decimal:
        if len(self.tiers) != 1:
            raise ValueError(f"{self.key} is tiered")
        return self.tiers[0].price


@dataclass(frozen=True)
class PriceSet:
    name: str
    title: str
    region: str
    date: str
    sources: dict
    settings: dict
    prices: dict[str, Price]

    def price(self, key: str, *, field: str = "price_set") -> Price:
        if key not in self.prices:
            raise PricingInputError(
                field,
                f"price set '{self.name}' ({self.date}) has no price for {key.replace('.', ' ')}",
            )
        return self.prices[key]

    def has(self, key: str) -> bool:
        return key in self.prices

    def setting(self, key: str):
        value = self.settings[key]
        return value["value"] if isinstance(value, dict) else value

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title, "region": self.region, "date": self.date}


def _price(key: str, raw: dict) -> Price:
    if "tiers" in raw:
        tiers = tuple(Tier(Decimal(str(t["upto"])) if "upto" in t else None, Decimal(t["price"])) for t in raw["tiers"])
    else:
        tiers = (Tier(None, Decimal(raw["price"])),)
    return Price(key, raw["unit"], int(raw.get("per", 1)), tiers, raw["source"], str(raw["date"]))


def load_price_set(path: Path) -> PriceSet:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    prices = {key: _price(key, raw) for key, raw in data["prices"].items()}
    return PriceSet(
        name=str(data["name"]),
        title=data["title"],
        region=data["region"],
        date=str(data["date"]),
        sources=data["sources"],
        settings=data.get("settings", {}),
        prices=prices,
    )


@cache
def price_sets() -> dict[str, PriceSet]:
    sets = [load_price_set(path) for path in sorted(CATALOG_DIR.glob("*.yaml"))]
    return {item.name: item for item in sets}


def price_set(name: str | None) -> PriceSet:
    sets = price_sets()
    name = name or "current"
    if name not in sets:
        raise PricingInputError("price_set", f"unknown price set '{name}' (known: {', '.join(sorted(sets))})")
    return sets[name]


def read_priced(values: dict, fields: list[Field], modes: dict[str, tuple[str, ...]] | None = None):
    """The price set and the inputs `fields` name. With `modes`, the first field picks which other
    fields apply, so a REST estimate never trips over a WebSocket field."""
    clean = {key: value for key, value in values.items() if value not in (None, "")}
    prices = price_set(clean.get("price_set"))
    if modes:
        mode_field = fields[0]
        mode = mode_field.read(clean)
        inputs = {
            mode_field.name: mode,
            **read_fields(clean, [f for f in fields if f.name in modes[mode]]),
        }
    else:
        inputs = read_fields(clean, [f for f in fields if f.name != "price_set"])
    return prices, {**inputs, "price_set": prices.name}
