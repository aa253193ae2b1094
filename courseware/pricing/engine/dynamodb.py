"""Amazon DynamoDB (Standard table class): on-demand request units or provisioned capacity, plus
storage, with the always-free tier (25 GB storage; 25 RCU and 25 WCU for provisioned capacity)."""

import math
from decimal import Decimal

from .catalog import read_priced
from .core import Estimate, Field, line, plain, quantity

SERVICE = "dynamodb"
READ_UNIT_KB = 4  # facts.md: one RCU = one strongly consistent read/s of up to 4 KB
WRITE_UNIT_KB = 1  # facts.md: one WCU = one write/s of up to 1 KB

FIELDS = [
    Field(
        "capacity_mode",
        "choice",
        "on_demand",
        "Capacity mode",
        choices=("on_demand", "provisioned"),
    ),
    Field("reads", "int", 10_000_000, "Reads per month (on-demand)", "reads", 0, 10**15),
    Field("writes", "int", 1_000_000, "Writes per month (on-demand)", "writes", 0, 10**15),
    Field("item_kb", "decimal", 1, "Average item size (max 400 KB)", "KB", 0, 400),
    Field(
        "consistency",
        "choice",
        "eventual",
        "Read consistency (on-demand)",
        choices=("strong", "eventual"),
    ),
    Field("rcu", "int", 5, "Provisioned read capacity units", "RCU", 0, 10**8),
    Field("wcu", "int", 5, "Provisioned write capacity units", "WCU", 0, 10**8),
    Field("hours", "decimal", 730, "Hours a month the capacity is provisioned", "hours", 0, 744),
    Field("storage_gb", "decimal", 1, "Table storage (average for the month)", "GB", 0, 10**9),
    Field("free_tier", "bool", True, "Apply the always-free tier (25 GB; 25 RCU + 25 WCU)"),
    Field("price_set", "choice", "current", "Price set", choices=("current", "2017-01")),
]

MODE_FIELDS = {
    "on_demand": ("reads", "writes", "item_kb", "consistency", "storage_gb", "free_tier"),
    "provisioned": ("rcu", "wcu", "hours", "storage_gb", "free_tier"),
}


def read_dynamodb_inputs(values: dict):
    return read_priced(values, FIELDS, MODE_FIELDS)


def read_units(item_kb: Decimal, consistency: str) -> Decimal:
    """Read request units per read: each 4 KB or part is one unit; eventual reads cost half."""
    units = Decimal(max(1, math.ceil(item_kb / READ_UNIT_KB)))
    return units if consistency == "strong" else units / 2


def write_units(item_kb: Decimal) -> Decimal:
    """Write request units per write: each 1 KB or part is one unit."""
    return Decimal(max(1, math.ceil(item_kb / WRITE_UNIT_KB)))


def dynamodb_estimate(values: dict) -> Estimate:
    prices, inputs = read_dynamodb_inputs(values)
    storage = prices.price("dynamodb.storage")
    estimate = Estimate(SERVICE, prices.describe(), inputs=inputs)
    if inputs["capacity_mode"] == "on_demand":
        _on_demand(estimate, prices, inputs)
    else:
        _provisioned(estimate, prices, inputs)
    free_gb = Decimal(prices.setting("dynamodb_free_storage_gb")) if inputs["free_tier"] else 0
    stored = inputs["storage_gb"]
    billable = max(Decimal(0), stored - free_gb)
    note = f"{quantity(stored)} GB minus {quantity(free_gb)} GB free" if free_gb else ""
    estimate.lines.append(line(SERVICE, "Storage", billable, "GB-months", storage.flat, storage.per, note))
    if free_gb:
        estimate.notes.append(
            f"Free tier: the first {quantity(free_gb)} GB of storage each month are free "
            "(always free, per account, not per table)."
        )
    estimate.notes.append(
        "Not included: transactional reads and writes (twice the units), the Standard-IA table "
        "class, streams, backups, global tables and data transfer."
    )
    return estimate


def _on_demand(estimate: Estimate, prices, inputs: dict) -> None:
    reads = prices.price("dynamodb.on_demand.reads")
    writes = prices.price("dynamodb.on_demand.writes")
    item_kb, consistency = inputs["item_kb"], inputs["consistency"]
    per_read, per_write = read_units(item_kb, consistency), write_units(item_kb)
    rru = inputs["reads"] * per_read
    wru = inputs["writes"] * per_write
    estimate.extra["read_request_units"] = plain(rru)
    estimate.extra["write_request_units"] = plain(wru)
    half = " × ½ for an eventually consistent read" if consistency == "eventual" else ""
    estimate.notes.append(
        f"A {quantity(item_kb)} KB item: each read is ceil({quantity(item_kb)} ÷ 4 KB){half} = "
        f"{plain(per_read)} RRU, so {quantity(inputs['reads'])} reads = {quantity(rru)} RRU; each "
        f"write is ceil({quantity(item_kb)} ÷ 1 KB) = {plain(per_write)} WRU, so "
        f"{quantity(inputs['writes'])} writes = {quantity(wru)} WRU."
    )
    estimate.lines.append(
        line(SERVICE, f"Reads, on-demand ({consistency})", rru, "read request units", reads.flat, reads.per)
    )
    estimate.lines.append(line(SERVICE, "Writes, on-demand", wru, "write request units", writes.flat, writes.per))
    if inputs["free_tier"]:
        estimate.notes.append(
            "On-demand reads and writes have no free tier: the free 25 RCU and 25 WCU apply to "
            "provisioned capacity only."
        )


def _provisioned(estimate: Estimate, prices, inputs: dict) -> None:
    rcu_price = prices.price("dynamodb.provisioned.rcu")
    wcu_price = prices.price("dynamodb.provisioned.wcu")
    free = inputs["free_tier"]
    free_rcu = int(prices.setting("dynamodb_free_rcu")) if free else 0
    free_wcu = int(prices.setting("dynamodb_free_wcu")) if free else 0
    hours = inputs["hours"]
    for kind, units, free_units, price in (
        ("RCU", inputs["rcu"], free_rcu, rcu_price),
        ("WCU", inputs["wcu"], free_wcu, wcu_price),
    ):
        billable = max(0, units - free_units)
        note = (
            f"{units:,} {kind} minus {min(units, free_units)} free = {billable:,} {kind} × {quantity(hours)} h"
            if free
            else f"{units:,} {kind} × {quantity(hours)} h"
        )
        estimate.lines.append(
            line(SERVICE, f"Provisioned {kind}", billable * hours, f"{kind}-hours", price.flat, price.per, note)
        )
    if free:
        estimate.notes.append(
            f"Free tier: {free_rcu} RCU and {free_wcu} WCU are free every hour, for the account as a "
            "whole (this estimate assumes this is the only provisioned table)."
        )
    estimate.notes.append(
        "One RCU serves one strongly consistent read per second of up to 4 KB (or two eventually "
        "consistent ones); one WCU serves one write per second of up to 1 KB. Capacity is billed "
        "per hour whether it is used or not; auto scaling and reserved capacity are not modelled."
    )
