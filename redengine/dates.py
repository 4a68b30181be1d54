"""Dates as the domain uses them: ISO strings on the wire to the engine, `date` in Python."""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


def parse_date(value: object) -> dt.date:
    """Parse YYYY-MM-DD (also / or . as separator), a date or a datetime; raise ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    m = _DATE.match(value)
    if not m:
        raise ValueError(f"not a date (expected YYYY-MM-DD): {value!r}")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError as e:
        raise ValueError(f"not a date: {value!r} ({e})") from e


def today() -> dt.date:
    return dt.date.today()
