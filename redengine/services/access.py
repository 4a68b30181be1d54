"""Who is asking, and what their role lets them see and do (from an API token, or a local operator)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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
