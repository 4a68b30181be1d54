"""Model values as Cypher literals, made once at import from `schema.model` (never typed by hand)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


def lit(value: str | Enum) -> str:
    """A single-quoted Cypher string literal of a model value (`UnitKind.DISTRICT` → `'district'`)."""
    text = value.value if isinstance(value, Enum) else value
    if not isinstance(text, str) or "'" in text or "\\" in text:
        raise ValueError(f"not a plain model value: {value!r}")
    return f"'{text}'"


def lits(values: Iterable[str | Enum]) -> str:
    """A Cypher list literal of model values, sorted so the statement text is stable."""
    return "[" + ", ".join(sorted(lit(v) for v in values)) + "]"
