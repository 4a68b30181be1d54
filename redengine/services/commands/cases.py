"""Commands on weak-organisation cases (软弱涣散): open, update the reasons, lift."""

from __future__ import annotations

import datetime as dt

from redengine.domain.cases import case_end, is_open, lifted_text, never_lifted
from redengine.errors import Reason
from redengine.graph import gate as load_gate
from redengine.graph import records
from redengine.graph.statements import read
from redengine.schema.model import UnitKind, WeakStatus
from redengine.services import atomic
from redengine.services.access import Principal
from redengine.services.commands.core import (
    CommandPlan,
    CommandProblem,
    Refused,
    _admin_only,
    _one,
    _source,
    _unit_kind,
)
from redengine.types import Runner

# -- facts ------------------------------------------------------------------------------------------

UNIT_CASES = read(
    "commands.unit_cases",
    """
    OPTIONAL MATCH (u:Unit {id: $unit_id})
    RETURN u.id AS unit, u.kind AS kind,
           [(w:WeakCase)-[:CONCERNS]->(u) | {id: w.id, status: w.status, flagged_on: w.flagged_on,
                                             lifted_on: w.lifted_on}] AS cases
    """,
)

CASE_BY_ID = read(
    "commands.case_by_id",
    """
    MATCH (w:WeakCase {id: $id})-[:CONCERNS]->(u:Unit)
    RETURN w.id AS id, u.id AS unit_id, w.flagged_on AS flagged_on, w.reasons AS reasons,
           w.status AS status, w.lifted_on AS lifted_on
    """,
)


# -- weak-organisation cases ------------------------------------------------------------------------

def _clean_reasons(reasons: list[str], errors: list[CommandProblem]) -> list[str]:
    out = [r.strip() for r in reasons if r and r.strip()]
    if len(out) != len(reasons):
        errors.append(CommandProblem(Reason.BAD_VALUE, "reasons", "a reason must not be empty"))
    return out


def _case_row(case: dict, principal: Principal) -> dict:
    return {"id": case["id"], "unit_id": case["unit_id"], "flagged_on": case["flagged_on"], "reasons": case["reasons"],
            "status": case["status"], "lifted_on": case["lifted_on"], "source": _source(principal)}


def _case_result(row: dict) -> dict:
    return {k: row[k] for k in ("id", "unit_id", "flagged_on", "reasons", "lifted_on")} | {"status": WeakStatus(row["status"])}


def plan_open_weak_case(runner: Runner, principal: Principal, unit_id: str, flagged_on: dt.date,
                        reasons: list[str]) -> CommandPlan:
    cid = records.weak_case_id(unit_id, flagged_on.isoformat())
    action = "weak_case.open"
    _admin_only(principal, action, cid, "open a weak-organisation case")
    errors: list[CommandProblem] = []
    reasons = _clean_reasons(reasons, errors)
    f = _one(runner, UNIT_CASES, {"unit_id": unit_id})
    if f.get("unit") is None:
        errors.append(CommandProblem(Reason.UNKNOWN_REF, "unitId", f"no unit with id {unit_id!r}"))
    elif _unit_kind(f.get("kind")) is UnitKind.DISTRICT:
        errors.append(CommandProblem(Reason.WRONG_KIND, "unitId", "the district itself cannot be flagged as weak"))
    for case in f.get("cases") or []:
        if never_lifted(case):
            errors.append(CommandProblem(Reason.DUPLICATE_OPEN_CASE, "unitId",
                                    f"{unit_id} already has an open case {case['id']} (flagged {case['flagged_on']})"))
        elif is_open(case, flagged_on) or case["flagged_on"] == flagged_on:
            errors.append(CommandProblem(Reason.OVERLAPPING_CASE, "flaggedOn",
                                    f"case {case['id']} covered {unit_id} from {case['flagged_on']} to {case_end(case)}"))
    if errors:
        raise Refused(action, cid, errors)
    row = {"id": cid, "unit_id": unit_id, "flagged_on": flagged_on, "reasons": reasons,
           "status": WeakStatus.RECTIFYING.value, "lifted_on": None, "source": _source(principal)}
    params = {"id": cid, "unit_id": unit_id, "flagged_on": flagged_on, "reasons": reasons, "source": row["source"]}
    return CommandPlan(action, cid, [], _case_result(row), {"reasons": reasons},
                atomic=(atomic.OPEN_WEAK_CASE, load_gate.guard_params() | params))


def _existing_case(runner: Runner, case_id: str, action: str) -> dict:
    case = _one(runner, CASE_BY_ID, {"id": case_id})
    if not case:
        raise Refused(action, case_id, [CommandProblem(Reason.UNKNOWN_REF, "id", f"no weak-organisation case {case_id!r}")])
    case["reasons"] = list(case.get("reasons") or [])
    return case


def plan_update_weak_case(runner: Runner, principal: Principal, case_id: str, reasons: list[str]) -> CommandPlan:
    action = "weak_case.update"
    _admin_only(principal, action, case_id, "update a weak-organisation case")
    errors: list[CommandProblem] = []
    reasons = _clean_reasons(reasons, errors)
    case = _existing_case(runner, case_id, action)
    if errors:
        raise Refused(action, case_id, errors)
    row = _case_row(case, principal) | {"reasons": reasons}
    detail = {"reasons": reasons, "previous_reasons": case["reasons"]}
    params = {"id": case_id, "reasons": reasons, "source": row["source"]}
    return CommandPlan(action, case_id, [], _case_result(row), detail,
                atomic=(atomic.UPDATE_WEAK_CASE, load_gate.guard_params() | params))


def plan_lift_weak_case(runner: Runner, principal: Principal, case_id: str, lifted_on: dt.date) -> CommandPlan:
    action = "weak_case.lift"
    _admin_only(principal, action, case_id, "lift a weak-organisation case")
    errors: list[CommandProblem] = []
    case = _existing_case(runner, case_id, action)
    if not never_lifted(case):
        errors.append(CommandProblem(Reason.ALREADY_LIFTED, "id", f"case {case_id} was {lifted_text(case)}"))
    elif lifted_on < case["flagged_on"]:
        errors.append(CommandProblem(Reason.BAD_ORDER, "liftedOn",
                                f"case {case_id} was flagged on {case['flagged_on']}; it cannot be lifted on {lifted_on}"))
    if errors:
        raise Refused(action, case_id, errors)
    row = _case_row(case, principal) | {"status": WeakStatus.LIFTED.value, "lifted_on": lifted_on}
    params = {"id": case_id, "lifted_on": lifted_on, "source": row["source"]}
    return CommandPlan(action, case_id, [], _case_result(row), {"lifted_on": lifted_on.isoformat()},
                atomic=(atomic.LIFT_WEAK_CASE, load_gate.guard_params() | params))
