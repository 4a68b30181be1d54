"""The deadline of the work in progress (an API request's timeout), passed down to every engine read.

`with deadline.within(seconds): …` sets it for the code that runs inside (and for tasks started
there: it is a context variable). Runners ask `read_timeout()` before each read: the time left, to
hand to the engine so that it aborts the query itself (FalkorDB's per-query `timeout`, Neo4j's
transaction timeout), or `EngineTimeout` at once when none is left. Writes are never cut short:
a mutation's writes are small, and stopping a batch half-way would leave half a change behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

from redengine.errors import EngineTimeout

_DEADLINE: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("redengine_deadline", default=None)


@contextlib.contextmanager
def within(seconds: float | None, at: float | None = None) -> Iterator[None]:
    """Bound the engine reads made inside to `seconds` in all (None: no bound), counted from now or
    ending at `at` (a `time.monotonic()` value: a request's deadline set when it arrived)."""
    bound = None if seconds is None else (time.monotonic() + seconds if at is None else at, seconds)
    token = _DEADLINE.set(bound)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def budget() -> float | None:
    """The whole time allowed (seconds), for messages; None when unbounded."""
    found = _DEADLINE.get()
    return None if found is None else found[1]


def read_timeout() -> float | None:
    """Seconds left for the next engine read (None: unbounded); EngineTimeout if the time is up."""
    found = _DEADLINE.get()
    if found is None:
        return None
    at, seconds = found
    left = at - time.monotonic()
    if left <= 0:
        raise EngineTimeout(seconds)
    return left
