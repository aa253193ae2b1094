"""A calculator tab's bill as a spreadsheet: one row per line with its formula, then the totals."""

import csv
import io

HEADER = ["service", "line", "quantity", "unit", "unit price (USD)", "per", "cost (USD)", "formula"]
LINE_KEYS = ("service", "label", "quantity", "unit", "unit_price", "per", "cost", "formula")


def bill_csv(bill: dict) -> str:
    """A service's estimate (its API JSON), or a scenario's with a subtotal per service."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    parts = bill["services"].values() if "services" in bill else [bill]
    for part in parts:
        for line in part["lines"]:
            writer.writerow([line[key] for key in LINE_KEYS])
        if "services" in bill:
            writer.writerow([part["service"], "Subtotal", "", "", "", "", part["total_usd"], ""])
    writer.writerow(["", "Total", "", "", "", "", bill["total_usd"], ""])
    if "per_million_requests_usd" in bill:
        writer.writerow(["", "Per million requests", "", "", "", "", bill["per_million_requests_usd"], ""])
    price_set = next(iter(parts))["price_set"]
    writer.writerow(["", f"Price set: {price_set['title']} ({price_set['date']})", "", "", "", "", "", ""])
    return out.getvalue()
