"""Rule: a dated thing (link, unit, person) holds on day D.

    from <= D  and  (no to, or D < to)

A missing `from` means NOT in force: the interval has no known start. Every write of this project
sets `from` (units and people from their roster date, links from their start), so a missing one is
data from elsewhere; the engines already answer that way (`null <= D` is not true), and the Python
twin agrees. A missing `to` means "still holds".
"""

from __future__ import annotations

import datetime as dt


def holds(var: str, at: str = "$as_of") -> str:
    """Cypher: `var` (a link, unit or person) holds on the date parameter `at`."""
    return f"({var}.from <= date({at}) AND ({var}.to IS NULL OR date({at}) < {var}.to))"


def in_force(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Python twin of `holds`."""
    return start is not None and start <= day and (end is None or day < end)


def path_holds(path: str, at: str = "$as_of", var: str = "x") -> str:
    """Cypher: every link of `path` holds on `at` (a formal chain, e.g. village → township → district)."""
    return f"all({var} IN relationships({path}) WHERE {holds(var, at)})"


def all_in_force(intervals: list[tuple[dt.date | None, dt.date | None]], day: dt.date) -> bool:
    """Python twin of `path_holds`: every (from, to) of a chain holds on `day`."""
    return all(in_force(start, end, day) for start, end in intervals)


def overlaps(start1: dt.date, end1: dt.date | None, start2: dt.date, end2: dt.date | None) -> bool:
    """Two intervals [start, end) share a day (a missing end: open)."""
    return (end2 is None or start1 < end2) and (end1 is None or start2 < end1)
