"""One exception root for the whole project; every engine error is wrapped at the boundary."""

from __future__ import annotations


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


class NotFound(RedEngineError):
    """A referenced id does not exist."""


class ValidationError(RedEngineError):
    """User input is invalid; carries every problem found."""

    def __init__(self, problems: list):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the input")
