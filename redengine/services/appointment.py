"""The pre-appointment check for one cadre (任前书面征求意见, 任前公示), by `redengine.domain.appointment`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from redengine.domain import appointment as rule
from redengine.domain.appointment import Blocker, Warning_
from redengine.services import queries as Q
from redengine.types import Runner

__all__ = ["Blocker", "Warning_", "appointment_check"]


def appointment_check(runner: Runner, person_id: str, as_of: dt.date,
                      visible: Iterable[str] | None = None, window_days: int = rule.WINDOW_DAYS) -> dict | None:
    """The pre-appointment check for one cadre, in one statement; None if the person is unknown.

    Villages: those the cadre liaises with on the date. The round's window is the `window_days`
    before the date up to the date; opinions and notices count as `redengine.domain.appointment`
    says (recent, a notice ended and at least 5 working days long). With
    `visible` (a township principal) only those villages are checked, `scoped` says so, and an
    OUTSIDE_SCOPE warning (with how many) says the cadre also liaises with villages not checked.
    """
    since = rule.window_from(as_of, window_days)
    rows = runner.read(Q.APPOINTMENT_CHECK, {"person": person_id, "as_of": as_of, "window_from": since})
    if not rows:
        return None
    allowed = None if visible is None else set(visible)
    villages, blockers, warnings = [], [], []
    outside = 0
    for r in rows:
        unit = r["unit"]
        if unit is None:
            continue
        if allowed is not None and unit["id"] not in allowed:
            outside += 1
            continue
        opinions = sorted(r["opinions"] or [], key=lambda o: (o["date"], o["id"]))
        notices = sorted(r["notices"] or [], key=lambda n: (n["from"], n["id"]))
        found = rule.village_findings(opinions, notices)
        villages.append({"unit": unit, "from": r["from"], "to": r["to"], "opinion": found.opinion, "opinions": opinions,
                         "notice": found.notice, "notices": notices})
        blockers += [{"kind": b, "unit": unit} for b in found.blockers]
        warnings += [{"kind": w, "unit": unit, "opinion": found.opinion} for w in found.warnings]
    if not villages:
        blockers.insert(0, {"kind": Blocker.NO_LIAISON, "unit": None})
    if outside:  # a verdict over part of the cadre's villages: say so, without naming the others
        warnings.append({"kind": Warning_.OUTSIDE_SCOPE, "unit": None, "opinion": None, "count": outside})
    return {
        "person": rows[0]["person"],
        "as_of": as_of,
        "window_from": since,
        "window_to": as_of,
        "villages": villages,
        "blockers": blockers,
        "warnings": warnings,
        "verdict": rule.verdict(blockers),
        "scoped": allowed is not None,
    }
