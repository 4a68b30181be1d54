"""Arguments of read queries, checked: a bad one is a `BadInput` naming the argument (shown to the client)."""

from __future__ import annotations

import datetime as dt

from redengine.domain.dates import out_of_range
from redengine.errors import BadInput

__all__ = ["BadInput", "as_of"]


def as_of(value: dt.date | None) -> dt.date:
    """The date a question is asked "as of": today when not given; refused outside the dates the graph
    compares right (redengine/domain/dates.py)."""
    if value is None:
        return dt.date.today()
    if (why := out_of_range(value)) is not None:
        raise BadInput("asOf", why)
    return value
