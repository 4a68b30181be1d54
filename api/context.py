"""The per-request context every resolver reaches as `info.context` (typed: `Info[Context, None]`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from redengine.config import ApiLimits
from redengine.types import Runner


class RoleName(str, Enum):
    ADMIN = "admin"        # organisation department: everything
    TOWNSHIP = "township"  # one township's subtree; may record opinions/notices for its villages
    ANALYST = "analyst"    # read-only; sensitive fields masked


@dataclass(frozen=True)
class Principal:
    """Who is asking: from the bearer token."""

    token_id: str
    name: str
    role: RoleName
    township_id: str | None = None  # set for RoleName.TOWNSHIP

    @property
    def scope(self) -> str | None:
        """The unit whose subtree this principal may read; None means the whole district."""
        return self.township_id if self.role is RoleName.TOWNSHIP else None

    @property
    def sees_sensitive(self) -> bool:
        return self.role is RoleName.ADMIN

    @property
    def who(self) -> str:
        return f"{self.role.value}:{self.name}"


@dataclass
class Context:
    runner: Runner
    principal: Principal
    request: Any = None
    #: DataLoaders and other per-request caches, made lazily by the resolvers that need them
    loaders: dict[str, Any] = field(default_factory=dict)
    #: the per-token limit on sensitive reads (api/ratelimit.py); None: unlimited (in-process callers)
    sensitive_reads: Any = None
    #: what one request may ask for (api/cost.py, api/object_cap.py, api/input_limits.py); the defaults in-process
    limits: ApiLimits = field(default_factory=ApiLimits)


def limits_of(context: Any) -> ApiLimits:
    """The request limits of a context; the defaults for a context that carries none."""
    return getattr(context, "limits", None) or ApiLimits()
