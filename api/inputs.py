"""Arguments of read queries, checked: a bad one is a `BadInput` naming the argument (shown to the client)."""

from __future__ import annotations

import datetime as dt

from redengine.errors import RedEngineError


class BadInput(RedEngineError):
    """A query argument is invalid; the message names it and is shown to the client unmasked."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        super().__init__(f"argument `{argument}`: {message}")

    @property
    def extensions(self) -> dict:
        return {"code": "BAD_USER_INPUT", "argument": self.argument}


def as_of(value: dt.date | None) -> dt.date:
    """The date a question is asked "as of": today when not given."""
    return value if value is not None else dt.date.today()
