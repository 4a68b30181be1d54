"""The per-request context every resolver reaches as `info.context` (typed: `Info[Context, None]`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from redengine.config import ApiLimits
from redengine.services.access import Principal, RoleName
from redengine.types import Runner

__all__ = ["Context", "Principal", "RoleName"]


@dataclass
class Context:
    runner: Runner
    principal: Principal
    request: Any = None
    #: DataLoaders and other per-request caches, made lazily by the resolvers that need them
    loaders: dict[Any, Any] = field(default_factory=dict)
    #: the per-token limit on sensitive reads (api/ratelimit.py); None: unlimited (in-process callers)
    sensitive_reads: Any = None
    #: what one request may ask for (api/cost.py, api/object_cap.py, api/input_limits.py); the defaults in-process
    limits: ApiLimits = field(default_factory=ApiLimits)
    #: days an appointment round's window reaches back (Settings.appointment_window_days)
    appointment_window_days: int = 180


def limits_of(context: Any) -> ApiLimits:
    """The request limits of a context; the defaults for a context that carries none."""
    return getattr(context, "limits", None) or ApiLimits()
