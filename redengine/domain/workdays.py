"""Rule: which days are working days in China (工作日), for how long a notice was posted.

A working day is a Monday to Friday that is not a public holiday, or a weekend day that the State
Council made a working day (调休上班). Holidays and those make-up days come from the table the
project ships, `redengine/domain/data/cn_calendar.csv` (2016–2026, from the State Council General
Office's yearly notices). A year the table has no row for is counted as Monday to Friday only:
add its rows when its notice is out (docs/APPOINTMENTS.md says how).

No Cypher twin: the table is not in the graph; the check counts working days in the service.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from importlib import resources

#: how a table row marks a day
HOLIDAY, WORKDAY = "holiday", "workday"


@functools.cache
def table() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(public holidays, make-up working days) from the shipped table."""
    text = resources.files("redengine.domain").joinpath("data/cn_calendar.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    holidays, workdays = set(), set()
    for n, r in enumerate(rows, start=2):
        day = dt.date.fromisoformat(r["date"])
        if r["kind"] == HOLIDAY:
            holidays.add(day)
        elif r["kind"] == WORKDAY:
            workdays.add(day)
        else:
            raise ValueError(f"cn_calendar.csv row {n}: kind must be {HOLIDAY} or {WORKDAY}, not {r['kind']!r}")
    return frozenset(holidays), frozenset(workdays)


def covered_years() -> frozenset[int]:
    """The years the table has rows for."""
    holidays, workdays = table()
    return frozenset(d.year for d in holidays | workdays)


def is_working_day(day: dt.date) -> bool:
    holidays, workdays = table()
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def working_days(first: dt.date, last: dt.date) -> int:
    """Working days from `first` to `last`, both days included (0 if `last` is before `first`)."""
    n = (last - first).days + 1
    return sum(is_working_day(first + dt.timedelta(days=i)) for i in range(max(n, 0)))
