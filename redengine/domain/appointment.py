"""Rule: what blocks a cadre's appointment on day D (任前书面征求意见, 任前公示).

The villages to ask are those the cadre liaises with on D (a LIAISES_WITH link holding on D to a
village or community that exists on D).

A pre-appointment check belongs to one round of consideration: its window runs from D minus the
window's days (default 180, `REDENGINE_APPOINTMENT_WINDOW_DAYS`) to D, both days included, so a
record 180 days before D is in and one 181 days before is out.

- An opinion counts if dated on or before D; it is recent if dated in the window. The latest recent
  opinion decides. None at all: OPINION_MISSING; only older ones: OPINION_STALE.
- A notice counts if its posting began on or before D; it is recent if it began in the window. A
  recent notice stands when its posting has ended on or before D (its last day, inclusive, is D at
  the latest) and lasted at least 5 working days, first and last day included (`workdays`). A
  notice with no last day has not been seen to end: it is running. None at all: NOTICE_MISSING;
  only older ones: NOTICE_STALE; a recent one still running (and none standing): NOTICE_RUNNING;
  recent ones all ended too short: NOTICE_TOO_SHORT.
- A village with no liaison at all: NO_LIAISON. A deciding opinion against is a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from redengine.domain.workdays import working_days
from redengine.schema.model import Conclusion

#: the default window of a round, in days before the check date
WINDOW_DAYS = 180
#: a notice stands once posted this many working days (first and last day included)
NOTICE_MIN_WORKING_DAYS = 5


class Blocker(str, Enum):
    NO_LIAISON = "NO_LIAISON"
    OPINION_MISSING = "OPINION_MISSING"
    NOTICE_MISSING = "NOTICE_MISSING"
    OPINION_STALE = "OPINION_STALE"
    NOTICE_STALE = "NOTICE_STALE"
    NOTICE_RUNNING = "NOTICE_RUNNING"
    NOTICE_TOO_SHORT = "NOTICE_TOO_SHORT"


class Warning_(str, Enum):
    OPINION_AGAINST = "OPINION_AGAINST"
    OUTSIDE_SCOPE = "OUTSIDE_SCOPE"


def window_from(day: dt.date, days: int = WINDOW_DAYS) -> dt.date:
    """The first day of the round's window ending on `day` (both ends inclusive)."""
    return day - dt.timedelta(days=days)


def opinion_counts(var: str, at: str = "$as_of") -> str:
    """Cypher: opinion `var` counts on `at`."""
    return f"{var}.date <= date({at})"


def notice_counts(var: str, at: str = "$as_of") -> str:
    """Cypher: notice `var` counts on `at`."""
    return f"{var}.from <= date({at})"


def opinion_recent(var: str, since: str = "$window_from") -> str:
    """Cypher: opinion `var` is dated in the window that starts on `since`."""
    return f"{var}.date >= date({since})"


def notice_recent(var: str, since: str = "$window_from") -> str:
    """Cypher: notice `var` began in the window that starts on `since`."""
    return f"{var}.from >= date({since})"


def notice_ended(var: str, at: str = "$as_of") -> str:
    """Cypher: notice `var`'s posting has ended on or before `at` (a missing last day has not)."""
    return f"({var}.to IS NOT NULL AND {var}.to <= date({at}))"


def opinion_counted(opinion: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `opinion_counts`."""
    return opinion.get("date") is not None and opinion["date"] <= day


def notice_counted(notice: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `notice_counts`."""
    return notice.get("from") is not None and notice["from"] <= day


def opinion_is_recent(opinion: Mapping[str, Any], since: dt.date) -> bool:
    """Python twin of `opinion_recent`."""
    return opinion.get("date") is not None and opinion["date"] >= since


def notice_is_recent(notice: Mapping[str, Any], since: dt.date) -> bool:
    """Python twin of `notice_recent`."""
    return notice.get("from") is not None and notice["from"] >= since


def notice_has_ended(notice: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `notice_ended`."""
    return notice.get("to") is not None and notice["to"] <= day


def notice_long_enough(notice: Mapping[str, Any]) -> bool:
    """The posting lasted at least NOTICE_MIN_WORKING_DAYS working days, first and last day included."""
    if notice.get("from") is None or notice.get("to") is None:
        return False
    return working_days(notice["from"], notice["to"]) >= NOTICE_MIN_WORKING_DAYS


def deciding(records: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    """The record that decides: the latest by `key` (then id)."""
    return max(records, key=lambda r: (r[key], r["id"])) if records else None


@dataclass
class Findings:
    """One village's outcome: the opinion and notice that decide, blockers, warnings."""

    opinion: Mapping[str, Any] | None = None
    notice: Mapping[str, Any] | None = None
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)


def village_findings(opinions: Sequence[Mapping[str, Any]], notices: Sequence[Mapping[str, Any]]) -> Findings:
    """Blockers and warnings for one village.

    `opinions` and `notices` are those that count on the check date, each with the flags the
    Cypher fragments give: `recent` (both) and `ended` (notices)."""
    out = Findings()
    recent = [o for o in opinions if o["recent"]]
    out.opinion = deciding(recent, "date")
    if not opinions:
        out.blockers.append(Blocker.OPINION_MISSING)
    elif out.opinion is None:
        out.blockers.append(Blocker.OPINION_STALE)
    elif out.opinion["conclusion"] == Conclusion.AGAINST.value:
        out.warnings.append(Warning_.OPINION_AGAINST)
    fresh = [n for n in notices if n["recent"]]
    standing = [n for n in fresh if n["ended"] and notice_long_enough(n)]
    out.notice = deciding(standing or fresh, "from")
    if not notices:
        out.blockers.append(Blocker.NOTICE_MISSING)
    elif not fresh:
        out.blockers.append(Blocker.NOTICE_STALE)
    elif not standing:
        running = any(not n["ended"] for n in fresh)
        out.blockers.append(Blocker.NOTICE_RUNNING if running else Blocker.NOTICE_TOO_SHORT)
    return out


def verdict(blockers: Sequence[object]) -> str:
    return "BLOCKED" if blockers else "READY"
