"""Settings read from the environment, once, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from redengine.errors import ConfigError

#: upper bounds of the serving settings: the workers become the embedded engine's THREAD_COUNT (100000
#: made it spawn threads up to the machine's limit), and FalkorDB refuses every query whose timeout is huge
MAX_API_WORKERS = 64
MAX_API_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str = "neo4j"
    password: str = ""
    database: str = "neo4j"


@dataclass(frozen=True)
class ApiLimits:
    """What one API request may ask for and send (docs/LIMITS.md; each is a REDENGINE_API_* variable)."""

    #: the most objects a query's estimate may reach (REDENGINE_API_MAX_COST)
    max_cost: int = 100_000
    #: the most objects one response may hold, counted while it runs (REDENGINE_API_MAX_OBJECTS)
    max_objects: int = 50_000
    #: the largest request body, in bytes (REDENGINE_API_MAX_BODY_BYTES)
    max_body_bytes: int = 1_048_576
    #: the longest string argument, in characters (REDENGINE_API_MAX_STRING_CHARS)
    max_string_chars: int = 10_000
    #: the largest `variables`, in characters of their JSON (REDENGINE_API_MAX_VARIABLES_CHARS)
    max_variables_chars: int = 100_000
    #: bytes the parsed-and-validated document cache may hold (REDENGINE_API_DOCUMENT_CACHE_BYTES)
    document_cache_bytes: int = 64 * 1_048_576

    @classmethod
    def from_env(cls, env: dict[str, str]) -> ApiLimits:
        d = cls()
        return cls(**{name: _positive_int(env, f"REDENGINE_API_{name.upper()}", getattr(d, name))
                      for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Settings:
    """Which engine to use and where its data lives."""

    neo4j: Neo4jSettings | None = None
    data_dir: Path = field(default_factory=lambda: Path.cwd() / ".redengine-data")
    graph_name: str = "redengine"
    #: seconds the embedded engine may go without answering *and* without working before it counts as dead
    start_timeout: float = 60.0
    #: sensitive values (ID numbers, phones) one API token may read a minute (REDENGINE_SENSITIVE_READS_PER_MINUTE)
    sensitive_reads_per_minute: int = 6000
    #: worker threads that run the API's requests (their engine work) off the event loop (REDENGINE_API_WORKERS)
    api_workers: int = 8
    #: seconds one API request may take before it is answered TIMEOUT and its engine read aborted
    #: (REDENGINE_API_TIMEOUT_SECONDS)
    api_timeout: float = 30.0
    #: request limits of the API (REDENGINE_API_*)
    api: ApiLimits = field(default_factory=ApiLimits)
    #: days before the check date that an appointment round's window reaches back (REDENGINE_APPOINTMENT_WINDOW_DAYS)
    appointment_window_days: int = 180

    @property
    def engine(self) -> str:
        return "neo4j" if self.neo4j else "falkordb"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        neo = None
        if env.get("NEO4J_URI"):
            neo = Neo4jSettings(
                uri=env["NEO4J_URI"],
                user=env.get("NEO4J_USER", "neo4j"),
                password=env.get("NEO4J_PASSWORD", ""),
                database=env.get("NEO4J_DATABASE", "neo4j"),
            )
        data_dir = Path(env.get("REDENGINE_DATA_DIR") or Path.cwd() / ".redengine-data")
        return cls(neo4j=neo, data_dir=data_dir, graph_name=env.get("REDENGINE_GRAPH", "redengine"),
                   start_timeout=_seconds(env, "REDENGINE_START_TIMEOUT", 60.0),
                   sensitive_reads_per_minute=_positive_int(env, "REDENGINE_SENSITIVE_READS_PER_MINUTE", 6000),
                   api=ApiLimits.from_env(env),
                   api_workers=_positive_int(env, "REDENGINE_API_WORKERS", 8, most=MAX_API_WORKERS),
                   api_timeout=_seconds(env, "REDENGINE_API_TIMEOUT_SECONDS", 30.0,
                                        least=0.1, most=MAX_API_TIMEOUT),
                   appointment_window_days=_window_days(env))


def _seconds(env: dict[str, str], name: str, default: float, least: float = 0.0,
             most: float = float("inf")) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not (0 < value < float("inf") and least <= value <= most):  # NaN fails every comparison
        bounds = f"between {least:g} and {most:g}" if most < float("inf") else "above 0"
        raise ConfigError(f"{name} must be a number of seconds {bounds}, not {raw!r}")
    return value


#: the longest window an appointment round may have (ten years): a check is about one recent round
MAX_APPOINTMENT_WINDOW_DAYS = 3660


def _window_days(env: dict[str, str]) -> int:
    days = _positive_int(env, "REDENGINE_APPOINTMENT_WINDOW_DAYS", 180)
    if days > MAX_APPOINTMENT_WINDOW_DAYS:
        raise ConfigError(f"REDENGINE_APPOINTMENT_WINDOW_DAYS={days} must be at most {MAX_APPOINTMENT_WINDOW_DAYS} "
                          "(ten years)")
    return days


def _positive_int(env: dict[str, str], name: str, default: int, most: int | None = None) -> int:
    from redengine.errors import ConfigError

    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0 or (most is not None and value > most):
        bounds = "above 0" if most is None else f"from 1 to {most}"
        raise ConfigError(f"{name}={raw!r} must be a whole number {bounds}")
    return value
