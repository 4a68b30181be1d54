"""Arguments of read queries, checked: a bad one is a `BadInput` naming the argument (shown to the client)."""

from __future__ import annotations

import datetime as dt

from redengine.errors import BadInput

__all__ = ["BadInput", "as_of"]


#: the first day an `asOf` may name: the People's Republic's founding, before any unit of the graph
EARLIEST_AS_OF = dt.date(1949, 10, 1)
#: how far ahead an `asOf` may look (planned links are dated at most a few years ahead)
YEARS_AHEAD = 10


def latest_as_of(today: dt.date | None = None) -> dt.date:
    """The last day an `asOf` may name: today's date YEARS_AHEAD years on (28 February for a 29th)."""
    today = today or dt.date.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def as_of(value: dt.date | None) -> dt.date:
    """The date a question is asked "as of": today when not given; refused outside EARLIEST_AS_OF ..
    latest_as_of() (a far date is a typo, and the engines' dates misbehave there)."""
    if value is None:
        return dt.date.today()
    latest = latest_as_of()
    if not EARLIEST_AS_OF <= value <= latest:
        raise BadInput("asOf", f"{value.isoformat()} is outside {EARLIEST_AS_OF.isoformat()} .. {latest.isoformat()}")
    return value
