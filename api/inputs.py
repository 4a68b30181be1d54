"""Arguments of read queries, checked: a bad one is a `BadInput` naming the argument (shown to the client)."""

from __future__ import annotations

import datetime as dt

from redengine.errors import BadInput

__all__ = ["BadInput", "as_of"]


def as_of(value: dt.date | None) -> dt.date:
    """The date a question is asked "as of": today when not given."""
    return value if value is not None else dt.date.today()
