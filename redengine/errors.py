"""One exception root for the whole project; every engine error is wrapped at the boundary."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any


class RedEngineError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(RedEngineError):
    """The configuration (environment, options) is unusable."""


class EngineUnavailable(RedEngineError):
    """The graph engine cannot be reached or cannot be started."""

    code = "ENGINE_UNAVAILABLE"  # what API clients are told (extensions.code, /readyz)


class EngineError(RedEngineError):
    """The engine rejected or failed a statement."""

    def __init__(self, message: str, statement: str | None = None):
        super().__init__(message)
        self.statement = statement


class EngineReadOnly(EngineError):
    """The engine answers but refuses writes: disk full, a failed save (redis MISCONF), out of memory,
    a read-only replica. Reads still work; only an operator can clear it."""

    code = "ENGINE_READ_ONLY"


class EngineTimeout(EngineError):
    """The work ran out of its time (an API request's REDENGINE_API_TIMEOUT_SECONDS); the engine
    aborted the read that was running, so nothing is left busy."""

    code = "TIMEOUT"

    def __init__(self, seconds: float, statement: str | None = None):
        self.seconds = seconds
        super().__init__(f"the request ran out of its {seconds:g} s", statement)


class DataDirInUse(EngineUnavailable):
    """Another process owns the embedded engine's data directory."""


class UniquenessError(EngineError):
    """A write would give two nodes the same id."""

    def __init__(self, label: str, ids: list[str], statement: str | None = None):
        self.label = label
        self.ids = list(ids)
        shown = ", ".join(repr(i) for i in self.ids[:10]) or "(unknown id)"
        more = f" and {len(self.ids) - 10} more" if len(self.ids) > 10 else ""
        super().__init__(f"{label} id already exists: {shown}{more}; nothing was written", statement)


class SafetyRefusal(RedEngineError):
    """A command will not act on what it found (e.g. the demo on real data); nothing was changed."""

    exit_code = 2


class NotFound(RedEngineError):
    """A referenced id does not exist."""


class Reason(str, Enum):
    """Why something is refused or reported: the project's one vocabulary, for the loaders' problems and
    the API's user errors alike. The value is the words a report shows; the API's public codes are
    mapped from these explicitly (`redengine.services.codes.API_CODE`)."""

    # file layout
    UNREADABLE = "unreadable file"
    ENCODING = "unknown text encoding"
    NO_HEADER = "no header row"
    UNKNOWN_KIND = "roster kind not recognised"
    MISSING_COLUMN = "required column missing"
    DUPLICATE_COLUMN = "column given twice"
    EXTRA_COLUMN = "column ignored"
    # row data
    REQUIRED = "required value missing"
    BAD_VALUE = "value not allowed"
    BAD_DATE = "not a date"
    DATE_OUT_OF_RANGE = "date out of range"  # outside the dates the graph compares right (domain/dates.py)
    BAD_ORDER = "dates out of order"
    DUPLICATE_ROW = "given twice"
    UNKNOWN_REF = "refers to nothing known"
    CYCLE = "parent chain loops back"
    WRONG_KIND = "refers to the wrong kind of unit"
    OUT_OF_SCOPE = "outside the scope"
    CONFLICT = "contradicts the graph"
    MASS_END = "would end too much"
    CONVENTION = "breaks a convention"
    CONTROL_CHAR = "control character"      # NUL and friends: the engine cannot store them
    INVISIBLE_CHAR = "invisible character"  # zero-width, BOM or bidi control: ids that look equal would differ
    # commands (API mutations)
    FORBIDDEN = "not allowed"
    DUPLICATE_OPEN_LINK = "the link is already open"
    OVERLAPPING_LINK = "overlaps a link held before"
    NO_OPEN_LINK = "no open link to end"
    LEADER_TOWNSHIP_COUNT = "a leader contacts 1 to 2 townships"     # a warning
    ROLE_ALREADY_HELD = "the unit already has one"                   # a warning: secretary / commissioner
    DUPLICATE_OPEN_CASE = "a case is already open"
    OVERLAPPING_CASE = "overlaps an earlier case"
    ALREADY_LIFTED = "the case is lifted already"
    NOT_WRITTEN = "the graph changed under the write"
    LOAD_IN_PROGRESS = "a roster load holds the graph"


#: the reasons only a command (an API mutation) gives; every other one a roster load may give too
COMMAND_ONLY = frozenset({
    Reason.FORBIDDEN, Reason.DUPLICATE_OPEN_LINK, Reason.OVERLAPPING_LINK, Reason.NO_OPEN_LINK,
    Reason.LEADER_TOWNSHIP_COUNT, Reason.ROLE_ALREADY_HELD, Reason.DUPLICATE_OPEN_CASE, Reason.OVERLAPPING_CASE,
    Reason.ALREADY_LIFTED, Reason.NOT_WRITTEN, Reason.LOAD_IN_PROGRESS,
})


class BadInput(RedEngineError):
    """A query argument is invalid; the message names it and is shown to the client unmasked."""

    def __init__(self, argument: str, message: str):
        self.argument = argument
        super().__init__(f"argument `{argument}`: {message}")

    @property
    def extensions(self) -> dict[str, str]:
        return {"code": "BAD_USER_INPUT", "argument": self.argument}


class ValidationError(RedEngineError):
    """User input is invalid; carries every problem found."""

    def __init__(self, problems: Sequence[Any]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")
