"""Rule: the dates the project stores and compares lie in FIRST_DATE .. LAST_DATE.

FalkorDB 4.16 keeps a date as seconds and compares two dates right only while they are less than
2^31 seconds (about 68 years, 24,855 days) apart: `date("1949-10-01") < date("2026-11-30")` is false
there (measured, docs/DEVELOPING.md; `tests/test_dates_range.py` checks the range's ends on the
engine). Every date the graph holds or a question names therefore lies in one window of fewer days:
1970-01-01 .. 2037-12-31 (24,835 days). It covers the programme (its rosters start in 2017) and
questions about the decades before it. Outside it: an `asOf`, a mutation's date or a roster's date is
refused, naming the argument or the row and column.
"""

from __future__ import annotations

import datetime as dt

FIRST_DATE = dt.date(1970, 1, 1)
LAST_DATE = dt.date(2037, 12, 31)


def in_range(day: dt.date) -> bool:
    """`day` may be stored and compared."""
    return FIRST_DATE <= day <= LAST_DATE


def out_of_range(day: dt.date) -> str | None:
    """Why `day` may not be stored or asked about, or None."""
    if in_range(day):
        return None
    return f"{day.isoformat()} is outside {FIRST_DATE.isoformat()} .. {LAST_DATE.isoformat()}, the dates the graph compares right"
