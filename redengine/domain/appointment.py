"""Rule: what blocks a cadre's appointment on day D (任前书面征求意见, 任前公示).

The villages to ask are those the cadre liaises with on D (a LIAISES_WITH link holding on D to a
village or community that exists on D). An opinion counts if dated on or before D, and the latest
one decides; a notice counts if its posting began on or before D. Blockers: no liaison village at
all, a village without an opinion, a village without a notice. An opinion against is a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from redengine.schema.model import Conclusion


class Blocker(str, Enum):
    NO_LIAISON = "NO_LIAISON"
    OPINION_MISSING = "OPINION_MISSING"
    NOTICE_MISSING = "NOTICE_MISSING"


class Warning_(str, Enum):
    OPINION_AGAINST = "OPINION_AGAINST"
    OUTSIDE_SCOPE = "OUTSIDE_SCOPE"


def opinion_counts(var: str, at: str = "$as_of") -> str:
    """Cypher: opinion `var` counts on `at`."""
    return f"{var}.date <= date({at})"


def notice_counts(var: str, at: str = "$as_of") -> str:
    """Cypher: notice `var` counts on `at`."""
    return f"{var}.from <= date({at})"


def opinion_counted(opinion: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `opinion_counts`."""
    return opinion.get("date") is not None and opinion["date"] <= day


def notice_counted(notice: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `notice_counts`."""
    return notice.get("from") is not None and notice["from"] <= day


def deciding(records: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    """The record that decides: the latest by `key` (then id)."""
    return max(records, key=lambda r: (r[key], r["id"])) if records else None


def village_findings(opinion: Mapping[str, Any] | None, notice: Mapping[str, Any] | None) -> tuple[list[Blocker], list[Warning_]]:
    """Blockers and warnings for one village, from its deciding opinion and latest notice."""
    blockers, warnings = [], []
    if opinion is None:
        blockers.append(Blocker.OPINION_MISSING)
    elif opinion["conclusion"] == Conclusion.AGAINST.value:
        warnings.append(Warning_.OPINION_AGAINST)
    if notice is None:
        blockers.append(Blocker.NOTICE_MISSING)
    return blockers, warnings


def verdict(blockers: Sequence[object]) -> str:
    return "BLOCKED" if blockers else "READY"
