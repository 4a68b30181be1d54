"""Turn engine result values into plain Python, the same on both engines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def to_params(value: Any) -> Any:
    """Dates travel as ISO strings (FalkorDB takes no temporal parameters); statements wrap them in date()."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: to_params(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_params(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Recursively convert a result value to dict/list/str/int/float/bool/date/datetime/None."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dt.datetime):
        # FalkorDB marks localdatetime() values as UTC; Neo4j's LocalDateTime is naive. Both mean the same.
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    to_native = getattr(value, "to_native", None)  # neo4j.time.Date / DateTime
    if callable(to_native):
        return plain(to_native())
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    props = getattr(value, "properties", None)  # falkordb Node / Edge
    if isinstance(props, Mapping):
        return plain(props)
    if hasattr(value, "items"):  # neo4j Node / Relationship
        return plain(dict(value.items()))
    raise TypeError(f"engine returned a value of unexpected type {type(value).__name__}")
