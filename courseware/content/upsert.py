"""The one sync loop: create what is new, update what changed, remove what is gone.

`content sync` imports lessons, quizzes and labs with it, each app in its own sync step and all
inside one transaction. A row is written only when a value differs, so syncing unchanged files
writes nothing, and every key is reported under what happened to it. It knows no model: rows
are whatever `create` returns (Django model instances, with `save` and `delete`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Upserted:
    """The keys (slugs) that were created, updated, left unchanged and removed, in sync order."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def upsert(
    existing: dict[str, Any],
    wanted: dict[str, dict],
    *,
    create: Callable[[str, dict], Any],
    stamp: dict | None = None,
    written: Callable[[Any, str], None] | None = None,
) -> Upserted:
    """Make the rows `existing` (key -> row) hold `wanted` (key -> field values).

    `stamp` is set on every row created or updated without being compared (a sync time);
    `written(row, key)` runs after a row is created or updated (to sync what hangs off it).
    """
    result, remaining, stamp = Upserted(), dict(existing), stamp or {}
    for key, values in wanted.items():
        row = remaining.pop(key, None)
        if row is None:
            row = create(key, values | stamp)
            result.created.append(key)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in (values | stamp).items():
                setattr(row, name, value)
            row.save()
            result.updated.append(key)
        else:
            result.unchanged.append(key)
            continue
        if written is not None:
            written(row, key)
    for key, row in remaining.items():
        row.delete()
        result.removed.append(key)
    return result
