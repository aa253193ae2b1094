"""Every price in every price set has a source and a date; price sets are just files."""

import re
from pathlib import Path

import yaml

from courseware.pricing.engine.catalog import CATALOG_DIR, price_set, price_sets


def test_every_figure_has_a_known_source_and_a_date():
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        sources = data["sources"]
        assert all(source.get("title") for source in sources.values()), path.name
        figures = list(data["prices"].items()) + [
            (k, v) for k, v in data.get("settings", {}).items() if isinstance(v, dict)
        ]
        assert figures
        for key, figure in figures:
            assert figure.get("source") in sources, f"{path.name}: {key} has no known source"
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", str(figure.get("date", ""))), f"{path.name}: {key} has no date"
        for key, value in data.get("settings", {}).items():
            assert isinstance(value, dict) or isinstance(value, int), key


def test_money_is_written_as_exact_strings():
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        for key, figure in yaml.safe_load(path.read_text())["prices"].items():
            prices = [figure["price"]] if "price" in figure else [tier["price"] for tier in figure["tiers"]]
            assert all(isinstance(price, str) for price in prices), f"{path.name}: {key} must quote its price"


def test_price_sets_are_loaded_from_files():
    assert {"current", "2017-01"} <= set(price_sets())
    assert price_set("2017-01").price("lambda.duration.x86_64").flat == price_set(None).price(
        "lambda.duration.x86_64"
    ).tiers[0].price.__class__("0.00001667")
    assert price_set("current").describe() == {
        "name": "current",
        "title": "Current prices (us-east-1)",
        "region": "us-east-1",
        "date": "2026-10",
    }


def test_no_price_figures_in_engine_code():
    engine = Path(CATALOG_DIR).parent / "engine"
    for path in engine.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"Decimal\(\"0\.0000\d+", text), f"{path.name} hard-codes a price"
