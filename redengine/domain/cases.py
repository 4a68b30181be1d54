"""Rule: a weak-organisation case (软弱涣散) is open on day D.

A case is open from the day it was flagged until it is lifted (已摘帽):
- with a `lifted_on` date, it is lifted from that day on, whatever its status says (a case still
  marked rectifying but given a lifting date is lifted then);
- without one, a case whose status is lifted was lifted when flagged (it is never open), and any
  other case is still open.
A missing `flagged_on` means not open. The status a reader sees on D is `lifted` when the case is
flagged by D and not open, else `rectifying`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from redengine.domain.cypher import lit
from redengine.schema.model import WeakStatus

_LIFTED = lit(WeakStatus.LIFTED)


def case_open(var: str, at: str = "$as_of") -> str:
    """Cypher: case `var` is open on the date parameter `at`."""
    return (f"({var}.flagged_on <= date({at}) AND "
            f"NOT coalesce({var}.lifted_on <= date({at}), {var}.status = {_LIFTED}, false))")


def case_end(case: Mapping[str, Any]) -> dt.date | None:
    """The first day a case is no longer open (None: never lifted)."""
    if case.get("lifted_on") is not None:
        return case["lifted_on"]  # type: ignore[no-any-return]
    if case.get("status") == WeakStatus.LIFTED.value:
        return case.get("flagged_on")
    return None


def is_open(case: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `case_open`."""
    flagged = case.get("flagged_on")
    if flagged is None or flagged > day:
        return False
    end = case_end(case)
    return end is None or day < end


def case_never_lifted(var: str) -> str:
    """Cypher: case `var` is open with no end in sight: flagged, and no lifting recorded at all."""
    return f"({var}.flagged_on IS NOT NULL AND {var}.lifted_on IS NULL AND coalesce({var}.status <> {_LIFTED}, true))"


def never_lifted(case: Mapping[str, Any]) -> bool:
    """Python twin of `case_never_lifted`."""
    return case.get("flagged_on") is not None and case_end(case) is None


def lifted_text(case: Mapping[str, Any]) -> str:
    """How a lifted case reads in a message: 'lifted on D', or, with no date, lifted when flagged."""
    if case.get("lifted_on") is not None:
        return f"lifted on {case['lifted_on']}"
    return f"lifted (no lifting date recorded; lifted as of its flagging on {case.get('flagged_on')})"


def case_status(var: str, at: str = "$as_of") -> str:
    """Cypher: the status of case `var` (flagged by `at`) as of `at`: 'lifted' or 'rectifying'."""
    return f"CASE WHEN {case_open(var, at)} THEN {lit(WeakStatus.RECTIFYING)} ELSE {_LIFTED} END"


def status_on(case: Mapping[str, Any], day: dt.date) -> str:
    """Python twin of `case_status`."""
    return WeakStatus.RECTIFYING.value if is_open(case, day) else WeakStatus.LIFTED.value


def open_on(cases: Iterable[Mapping[str, Any]], day: dt.date) -> list[Any]:
    """The cases open on `day`, in the order given."""
    return [c for c in cases if is_open(c, day)]


def flagged_by(var: str, at: str = "$as_of") -> str:
    """Cypher: case `var` had been flagged by `at` (it exists in the record as of that day)."""
    return f"{var}.flagged_on <= date({at})"


def is_flagged(case: Mapping[str, Any], day: dt.date) -> bool:
    """Python twin of `flagged_by`."""
    return case.get("flagged_on") is not None and case["flagged_on"] <= day
