"""Write services behind the mutations: check who may, validate against the graph, then write once.

Each command is planned first (`plan_*`: reads the facts, collects every problem as a `UserError`,
or returns the write steps and the result) and then run by `execute`, which writes the steps and
the audit entry in one batch. A refused command writes nothing but its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from redengine import dates
from redengine.api import atomic, audit
from redengine.api.context import Principal, RoleName
from redengine.graph import records
from redengine.graph.links import holds
from redengine.graph.statements import Statement, read
from redengine.graph import gate as load_gate
from redengine.schema.model import LEADER_MAX_TOWNSHIPS, ROLES, VILLAGE_KINDS, Conclusion, Role, UnitKind, WeakStatus
from redengine.types import Runner


class ErrorCode(str, Enum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    DATE_ORDER = "DATE_ORDER"
    WRONG_UNIT_KIND = "WRONG_UNIT_KIND"
    DUPLICATE_OPEN_LINK = "DUPLICATE_OPEN_LINK"
    OVERLAPPING_LINK = "OVERLAPPING_LINK"
    NO_OPEN_LINK = "NO_OPEN_LINK"
    LEADER_TOWNSHIP_COUNT = "LEADER_TOWNSHIP_COUNT"  # a warning: a leader contacts more than 2 townships
    ROLE_ALREADY_HELD = "ROLE_ALREADY_HELD"          # a warning: the unit already has a secretary/commissioner
    DUPLICATE_OPEN_CASE = "DUPLICATE_OPEN_CASE"
    OVERLAPPING_CASE = "OVERLAPPING_CASE"
    ALREADY_LIFTED = "ALREADY_LIFTED"
    NOT_WRITTEN = "NOT_WRITTEN"  # the write changed nothing it was planned to (the graph moved under it)
    LOAD_IN_PROGRESS = "LOAD_IN_PROGRESS"  # a roster load holds the graph's write gate (graph/gate.py)
    TIMEOUT = "TIMEOUT"  # the request ran past REDENGINE_API_TIMEOUT_SECONDS (as extensions.code; api/serving.py)


@dataclass(frozen=True)
class UserError:
    code: ErrorCode
    field: str | None
    message: str


@dataclass
class Plan:
    """What a valid command will write, and what it reports back."""

    action: str
    target: str
    steps: list[tuple[Statement, dict]]
    result: dict[str, Any]
    detail: dict[str, Any] = field(default_factory=dict)
    warnings: list[UserError] = field(default_factory=list)
    #: per step, how many things it must report written (its first column, summed); None: not checked
    expect: list[int | None] | None = None
    #: the one statement (api/atomic.py) that re-checks, writes and audits together; replaces `steps`
    atomic: tuple[Statement, dict] | None = None

    def shortfall(self, results: list[list[dict]]) -> list[str]:
        """Steps that wrote fewer (or more) than planned, as readable notes; empty when all is as planned."""
        out = []
        for (stmt, _), want, rows in zip(self.steps, self.expect or [], results):
            got = sum(next(iter(r.values()), 0) or 0 for r in rows)
            if want is not None and got != want:
                out.append(f"{stmt.name} wrote {got}, expected {want}")
        return out


class Refused(Exception):
    """The command is invalid or not allowed; nothing was written."""

    def __init__(self, action: str, target: str, errors: list[UserError]):
        super().__init__("; ".join(e.message for e in errors))
        self.action, self.target, self.errors = action, target, list(errors)


@dataclass
class Outcome:
    result: dict[str, Any] | None
    errors: list[UserError]
    warnings: list[UserError] = field(default_factory=list)


def execute(runner: Runner, principal: Principal, planner: Callable[[], Plan]) -> Outcome:
    """Plan, then write the steps and the audit entry together; a refusal is audited and written nowhere else."""
    try:
        plan = planner()
    except Refused as r:
        return _refused(runner, principal, r)
    detail = {"outcome": "ok", **plan.detail}
    if plan.warnings:
        detail["warnings"] = [w.code.value for w in plan.warnings]
    if plan.atomic is not None:
        return _write_atomic(runner, principal, planner, plan, detail)
    if plan.expect is None:
        audit.write(runner, plan.steps + [audit.step(principal, plan.action, plan.target, detail)])
        return Outcome(plan.result, [], plan.warnings)
    # A checked write: its counts decide what the audit entry says, so the entry follows the write.
    try:
        results = runner.write_batch(plan.steps)
    except Exception:
        audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "error"})])
        raise
    missed = plan.shortfall(results)
    if missed:
        error = UserError(ErrorCode.NOT_WRITTEN, None, f"nothing was changed as planned ({'; '.join(missed)}); "
                                                       "read the current state and try again")
        audit.write(runner, [audit.step(principal, plan.action, plan.target,
                                        {**detail, "outcome": "not_written", "missed": missed})])
        return Outcome(None, [error])
    audit.write(runner, [audit.step(principal, plan.action, plan.target, detail)])
    return Outcome(plan.result, [], plan.warnings)


def _refused(runner: Runner, principal: Principal, r: Refused, raced: bool = False) -> Outcome:
    detail = {"outcome": "refused", "errors": [{"code": e.code.value, "field": e.field} for e in r.errors]}
    if raced:
        detail["raced"] = True
    audit.write(runner, [audit.step(principal, r.action, r.target, detail)])
    return Outcome(None, r.errors)


def _write_atomic(runner: Runner, principal: Principal, planner: Callable[[], Plan], plan: Plan,
                  detail: dict[str, Any]) -> Outcome:
    """Write the plan's single statement (check, write and audit entry commit together or not at all).
    If its condition no longer held, the graph moved since the plan's read: plan again, so the refusal
    names the same reason a later request would get."""
    stmt, params = plan.atomic
    try:
        rows = runner.write(stmt, {**params, **audit.fields(principal, plan.action, plan.target, detail)})
    except Exception:
        audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "error"})])
        raise
    if rows and (next(iter(rows[0].values()), 0) or 0) > 0:
        return Outcome(plan.result, [], plan.warnings)
    held = load_gate.held_by(runner)
    if held is not None:
        error = UserError(ErrorCode.LOAD_IN_PROGRESS, None, f"a roster load ({held}) is writing to the graph; "
                                                            "try again when it has finished")
        audit.write(runner, [audit.step(principal, plan.action, plan.target,
                                        {**detail, "outcome": "refused", "errors": [{"code": error.code.value}]})])
        return Outcome(None, [error])
    try:
        planner()
    except Refused as r:
        return _refused(runner, principal, r, raced=True)
    error = UserError(ErrorCode.NOT_WRITTEN, None, "nothing was changed as planned (the graph changed under the "
                                                   "write); read the current state and try again")
    audit.write(runner, [audit.step(principal, plan.action, plan.target, {**detail, "outcome": "not_written"})])
    return Outcome(None, [error])


def _source(principal: Principal) -> str:
    return f"api {principal.who}"


def _admin_only(principal: Principal, action: str, target: str, what: str) -> None:
    """Refuse at once (before reading anything) unless the principal is an admin."""
    if principal.role is not RoleName.ADMIN:
        raise Refused(action, target, [UserError(ErrorCode.FORBIDDEN, None, f"a {principal.role.value} token may not {what}")])


# -- facts ------------------------------------------------------------------------------------------

def _link_facts(rel: str) -> Statement:
    # Each comprehension has its own variable names (a FalkorDB 4.16 quirk, docs/DEVELOPING.md).
    return read(
        f"commands.link_facts.{rel}",
        f"""
        OPTIONAL MATCH (p:Person {{id: $person_id}})
        OPTIONAL MATCH (u:Unit {{id: $unit_id}})
        RETURN p.id AS person, u.id AS unit, u.kind AS kind, u.to AS unit_to,
               [(p)-[l:{rel}]->(u) | {{from: l.from, to: l.to}}] AS links,
               [(p)-[o:{rel}]->(x:Unit) WHERE {holds('o', '$on')} AND x.id <> $unit_id | x.id] AS person_units,
               [(q:Person)-[h:{rel}]->(u) WHERE {holds('h', '$on')} AND q.id <> $person_id | q.id] AS unit_holders
        """,
    )


LINK_FACTS: dict[str, Statement] = {spec.rel: _link_facts(spec.rel) for spec in ROLES.values()}

#: Person and village facts for an appointment record: the village's township(s) on the record date
#: (or still open), and separately on the server's $today (each comprehension its own names).
RECORD_FACTS = read(
    "commands.record_facts",
    f"""
    OPTIONAL MATCH (p:Person {{id: $person_id}})
    OPTIONAL MATCH (u:Unit {{id: $unit_id}})
    RETURN p.id AS person, u.id AS unit, u.kind AS kind,
           [(u)-[pl:PART_OF]->(t:Unit) WHERE {holds('pl', '$on')} OR pl.to IS NULL | t.id] AS townships,
           [(u)-[nl:PART_OF]->(n:Unit) WHERE {holds('nl', '$today')} | n.id] AS townships_today
    """,
)

#: the optional fields stored on an opinion or notice, which a record that leaves them out keeps
STORED_RECORD = read(
    "commands.stored_record",
    """
    OPTIONAL MATCH (o:Opinion {id: $id})
    OPTIONAL MATCH (n:Notice {id: $id})
    RETURN coalesce(o.doc_no, n.doc_no) AS doc_no, n.to AS to
    """,
)


def _stored(runner: Runner, record_id: str) -> dict:
    return _one(runner, STORED_RECORD, {"id": record_id})


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


def _one(runner: Runner, stmt: Statement, params: dict) -> dict:
    rows = runner.read(stmt, params)
    return rows[0] if rows else {}


def _unit_kind(kind: str | None) -> UnitKind | None:
    try:
        return UnitKind(kind) if kind else None
    except ValueError:
        return None


# -- dated links ------------------------------------------------------------------------------------

def _link_facts(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str, on: dt.date,
                verb: str) -> tuple[str, str, dict, list[UserError]]:
    """What starting or ending a link needs first: admins only (refused at once), then the facts as of
    `on` and a NOT_FOUND error for a missing person or unit. Returns action, target, facts, errors."""
    action, target = f"link.{verb}.{role.value}", f"{person_id}->{unit_id}"
    _admin_only(principal, action, target, f"{verb} a {role.value} link")
    errors: list[UserError] = []
    f = _one(runner, LINK_FACTS[ROLES[role].rel], {"person_id": person_id, "unit_id": unit_id, "on": on})
    if f.get("person") is None:
        errors.append(UserError(ErrorCode.NOT_FOUND, "personId", f"no person with id {person_id!r}"))
    if f.get("unit") is None:
        errors.append(UserError(ErrorCode.NOT_FOUND, "unitId", f"no unit with id {unit_id!r}"))
    return action, target, f, errors


def plan_start_link(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str,
                    start: dt.date) -> Plan:
    spec = ROLES[role]
    action, target, f, errors = _link_facts(runner, principal, role, person_id, unit_id, start, "start")
    if f.get("unit") is not None:
        kind = _unit_kind(f.get("kind"))
        if kind not in spec.unit_kinds:
            allowed = ", ".join(sorted(k.value for k in spec.unit_kinds))
            errors.append(UserError(ErrorCode.WRONG_UNIT_KIND, "unitId",
                                    f"a {role.value} link needs a unit of kind {allowed}; {unit_id} is {f.get('kind')}"))
        if f.get("unit_to") is not None and start >= f["unit_to"]:
            errors.append(UserError(ErrorCode.DATE_ORDER, "from",
                                    f"unit {unit_id} ended on {f['unit_to']}; a link cannot start on {start}"))
    for link in f.get("links") or []:
        if link["to"] is None:
            errors.append(UserError(ErrorCode.DUPLICATE_OPEN_LINK, None,
                                    f"{person_id} already holds an open {role.value} link to {unit_id} (from {link['from']})"))
        elif link["to"] > start:
            errors.append(UserError(ErrorCode.OVERLAPPING_LINK, "from",
                                    f"{person_id} held a {role.value} link to {unit_id} from {link['from']} to "
                                    f"{link['to']}; a new one must start on or after {link['to']}"))
    if errors:
        raise Refused(action, target, errors)
    row = {"src": person_id, "dst": unit_id, "from": start, "to": None, "source": _source(principal)}
    result = {"role": role, "person_id": person_id, "unit_id": unit_id, "from": start, "to": None}
    # A link ended on the day it began (a same-day end) is reopened: OPEN skips a link with the same start.
    void = any(link["from"] == start and link["to"] == start for link in f.get("links") or [])
    stmt = (atomic.REOPEN_LINK if void else atomic.START_LINK)[spec.rel]
    params = {"src": person_id, "dst": unit_id, "from": start, "source": row["source"]}
    detail = {"from": start.isoformat(), **({"reopened": True} if void else {})}
    return Plan(action, target, [], result, detail, _link_warnings(role, person_id, unit_id, start, f),
                atomic=(stmt, load_gate.guard_params() | params))


def _link_warnings(role: Role, person_id: str, unit_id: str, start: dt.date, facts: dict) -> list[UserError]:
    """Conventions the loaders warn about too: they do not block the write."""
    warnings = []
    townships = sorted(set(facts.get("person_units") or []) | {unit_id})
    if role is Role.LEADER and len(townships) > LEADER_MAX_TOWNSHIPS:
        warnings.append(UserError(ErrorCode.LEADER_TOWNSHIP_COUNT, "unitId",
                                  f"{person_id} now contacts {len(townships)} townships on {start} "
                                  f"({', '.join(townships)}); a leader contacts 1 to {LEADER_MAX_TOWNSHIPS}"))
    holders = sorted(set(facts.get("unit_holders") or []))
    if role in (Role.SECRETARY, Role.COMMISSIONER) and holders:
        warnings.append(UserError(ErrorCode.ROLE_ALREADY_HELD, "unitId",
                                  f"{unit_id} already has a {role.value} on {start}: {', '.join(holders)}; "
                                  "end that link if this one replaces it"))
    return warnings


def plan_end_link(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str,
                  end: dt.date) -> Plan:
    spec = ROLES[role]
    action, target, f, errors = _link_facts(runner, principal, role, person_id, unit_id, end, "end")
    if errors:
        raise Refused(action, target, errors)
    open_links = [link for link in f.get("links") or [] if link["to"] is None]
    if not open_links:
        errors.append(UserError(ErrorCode.NO_OPEN_LINK, None, f"{person_id} holds no open {role.value} link to {unit_id}"))
    else:
        start = max(link["from"] for link in open_links)
        if end < start:
            errors.append(UserError(ErrorCode.DATE_ORDER, "to",
                                    f"the {role.value} link started on {start}; it cannot end on {end}"))
    if errors:
        raise Refused(action, target, errors)
    params = {"src": person_id, "dst": unit_id, "to": end, "source": _source(principal)}
    result = {"role": role, "person_id": person_id, "unit_id": unit_id, "from": start, "to": end}
    return Plan(action, target, [], result, {"to": end.isoformat()},
                atomic=(atomic.END_LINK[spec.rel], load_gate.guard_params() | params))


# -- appointment records ----------------------------------------------------------------------------

def _township_scope_errors(runner: Runner, principal: Principal, person_id: str, unit_id: str,
                           on: dt.date) -> list[UserError]:
    """A township token's targets must lie in its scope, checked before anything about them is read.

    Only the township's own subtree and the links into it are read, so an id outside the scope gets
    the same answer whether it exists or not (no "no person with id …", no "D01 is district").
    A unit is in scope if it is in the subtree today; a person if linked into the subtree today or
    on the record's date (the people the township can read).
    """
    from redengine.api import read as reads
    from redengine.api.queries import ALL_PERSON_RELS, PERSON_LINKS_OF

    township, today = principal.township_id or reads.NOTHING, dates.today()
    subtrees = {day: reads.subtree(runner, township, day) for day in (today, on)}
    errors: list[UserError] = []
    if unit_id not in subtrees[today]:
        errors.append(UserError(ErrorCode.FORBIDDEN, "unitId", f"unitId: not a unit of township {township}"))
    person_in = False
    for day, seen in subtrees.items():
        [rows] = reads.grouped(runner, PERSON_LINKS_OF, [person_id], day, rels=ALL_PERSON_RELS)
        person_in = person_in or any(r["unit"] is not None and r["unit"]["id"] in seen for r in rows)
    if not person_in:
        errors.append(UserError(ErrorCode.FORBIDDEN, "personId",
                                f"personId: not a person linked to township {township}"))
    return errors


def _check_record_target(runner: Runner, principal: Principal, person_id: str, unit_id: str, on: dt.date,
                         errors: list[UserError]) -> None:
    if principal.role is RoleName.ANALYST:
        errors.append(UserError(ErrorCode.FORBIDDEN, None, "an analyst token is read-only"))
        return
    if principal.role is RoleName.TOWNSHIP:
        outside = _township_scope_errors(runner, principal, person_id, unit_id, on)
        if outside:
            errors.extend(outside)
            return
    f = _one(runner, RECORD_FACTS, {"person_id": person_id, "unit_id": unit_id, "on": on, "today": dates.today()})
    if f.get("person") is None:
        errors.append(UserError(ErrorCode.NOT_FOUND, "personId", f"no person with id {person_id!r}"))
    if f.get("unit") is None:
        errors.append(UserError(ErrorCode.NOT_FOUND, "unitId", f"no unit with id {unit_id!r}"))
        return
    if _unit_kind(f.get("kind")) not in VILLAGE_KINDS:
        errors.append(UserError(ErrorCode.WRONG_UNIT_KIND, "unitId",
                                f"opinions and notices come from a village or community; {unit_id} is {f.get('kind')}"))
    # A township records for the villages it governs today, whatever date the record bears (no backdating
    # into a village it has lost), and that were its villages on the record's date (or still are).
    if principal.role is RoleName.TOWNSHIP and not (principal.township_id in (f.get("townships") or [])
                                                    and principal.township_id in (f.get("townships_today") or [])):
        errors.append(UserError(ErrorCode.FORBIDDEN, "unitId",
                                f"{unit_id} is not a village of township {principal.township_id} today"))


def plan_record_opinion(runner: Runner, principal: Principal, person_id: str, unit_id: str, date: dt.date,
                        conclusion: Conclusion, doc_no: str | None) -> Plan:
    oid = records.opinion_id(person_id, unit_id, date.isoformat())
    action = "opinion.record"
    errors: list[UserError] = []
    _check_record_target(runner, principal, person_id, unit_id, date, errors)
    if errors:
        raise Refused(action, oid, errors)
    row = {"id": oid, "person_id": person_id, "unit_id": unit_id, "date": date, "conclusion": conclusion.value,
           "doc_no": doc_no, "source": _source(principal)}
    if doc_no is None:  # not given: the stored one stays (records.UPSERT_OPINIONS), so report that
        doc_no = _stored(runner, oid).get("doc_no")
    result = {"id": oid, "person_id": person_id, "unit_id": unit_id, "date": date, "conclusion": conclusion,
              "doc_no": doc_no}
    detail = {"conclusion": conclusion.value, "doc_no": doc_no}
    return Plan(action, oid, [], result, detail, atomic=(atomic.UPSERT_OPINION, load_gate.guard_params() | {"rows": [row]}))


def plan_record_notice(runner: Runner, principal: Principal, person_id: str, unit_id: str, start: dt.date,
                       end: dt.date | None, doc_no: str | None) -> Plan:
    nid = records.notice_id(person_id, unit_id, start.isoformat())
    action = "notice.record"
    errors: list[UserError] = []
    _check_record_target(runner, principal, person_id, unit_id, start, errors)
    if end is not None and end < start and not any(e.code is ErrorCode.FORBIDDEN for e in errors):
        errors.append(UserError(ErrorCode.DATE_ORDER, "to", f"the notice's last day {end} is before its first day {start}"))
    if errors:
        raise Refused(action, nid, errors)
    row = {"id": nid, "person_id": person_id, "unit_id": unit_id, "from": start, "to": end, "doc_no": doc_no,
           "source": _source(principal)}
    if end is None or doc_no is None:  # not given: the stored values stay (records.UPSERT_NOTICES)
        stored = _stored(runner, nid)
        end = end if end is not None else stored.get("to")
        doc_no = doc_no if doc_no is not None else stored.get("doc_no")
    result = {"id": nid, "person_id": person_id, "unit_id": unit_id, "from": start, "to": end, "doc_no": doc_no}
    detail = {"to": end.isoformat() if end else None, "doc_no": doc_no}
    return Plan(action, nid, [], result, detail, atomic=(atomic.UPSERT_NOTICE, load_gate.guard_params() | {"rows": [row]}))


# -- weak-organisation cases ------------------------------------------------------------------------

def _clean_reasons(reasons: list[str], errors: list[UserError]) -> list[str]:
    out = [r.strip() for r in reasons if r and r.strip()]
    if len(out) != len(reasons):
        errors.append(UserError(ErrorCode.INVALID, "reasons", "a reason must not be empty"))
    return out


def _case_row(case: dict, principal: Principal) -> dict:
    return {"id": case["id"], "unit_id": case["unit_id"], "flagged_on": case["flagged_on"], "reasons": case["reasons"],
            "status": case["status"], "lifted_on": case["lifted_on"], "source": _source(principal)}


def _case_result(row: dict) -> dict:
    return {k: row[k] for k in ("id", "unit_id", "flagged_on", "reasons", "lifted_on")} | {"status": WeakStatus(row["status"])}


def plan_open_weak_case(runner: Runner, principal: Principal, unit_id: str, flagged_on: dt.date,
                        reasons: list[str]) -> Plan:
    cid = records.weak_case_id(unit_id, flagged_on.isoformat())
    action = "weak_case.open"
    _admin_only(principal, action, cid, "open a weak-organisation case")
    errors: list[UserError] = []
    reasons = _clean_reasons(reasons, errors)
    f = _one(runner, UNIT_CASES, {"unit_id": unit_id})
    if f.get("unit") is None:
        errors.append(UserError(ErrorCode.NOT_FOUND, "unitId", f"no unit with id {unit_id!r}"))
    elif _unit_kind(f.get("kind")) is UnitKind.DISTRICT:
        errors.append(UserError(ErrorCode.WRONG_UNIT_KIND, "unitId", "the district itself cannot be flagged as weak"))
    for case in f.get("cases") or []:
        if case["status"] == WeakStatus.RECTIFYING.value:
            errors.append(UserError(ErrorCode.DUPLICATE_OPEN_CASE, "unitId",
                                    f"{unit_id} already has an open case {case['id']} (flagged {case['flagged_on']})"))
        elif case["flagged_on"] <= flagged_on < (case["lifted_on"] or dt.date.max) or case["flagged_on"] == flagged_on:
            errors.append(UserError(ErrorCode.OVERLAPPING_CASE, "flaggedOn",
                                    f"case {case['id']} covered {unit_id} from {case['flagged_on']} to {case['lifted_on']}"))
    if errors:
        raise Refused(action, cid, errors)
    row = {"id": cid, "unit_id": unit_id, "flagged_on": flagged_on, "reasons": reasons,
           "status": WeakStatus.RECTIFYING.value, "lifted_on": None, "source": _source(principal)}
    params = {"id": cid, "unit_id": unit_id, "flagged_on": flagged_on, "reasons": reasons, "source": row["source"]}
    return Plan(action, cid, [], _case_result(row), {"reasons": reasons},
                atomic=(atomic.OPEN_WEAK_CASE, load_gate.guard_params() | params))


def _existing_case(runner: Runner, case_id: str, action: str) -> dict:
    case = _one(runner, CASE_BY_ID, {"id": case_id})
    if not case:
        raise Refused(action, case_id, [UserError(ErrorCode.NOT_FOUND, "id", f"no weak-organisation case {case_id!r}")])
    case["reasons"] = list(case.get("reasons") or [])
    return case


def plan_update_weak_case(runner: Runner, principal: Principal, case_id: str, reasons: list[str]) -> Plan:
    action = "weak_case.update"
    _admin_only(principal, action, case_id, "update a weak-organisation case")
    errors: list[UserError] = []
    reasons = _clean_reasons(reasons, errors)
    case = _existing_case(runner, case_id, action)
    if errors:
        raise Refused(action, case_id, errors)
    row = _case_row(case, principal) | {"reasons": reasons}
    detail = {"reasons": reasons, "previous_reasons": case["reasons"]}
    params = {"id": case_id, "reasons": reasons, "source": row["source"]}
    return Plan(action, case_id, [], _case_result(row), detail,
                atomic=(atomic.UPDATE_WEAK_CASE, load_gate.guard_params() | params))


def plan_lift_weak_case(runner: Runner, principal: Principal, case_id: str, lifted_on: dt.date) -> Plan:
    action = "weak_case.lift"
    _admin_only(principal, action, case_id, "lift a weak-organisation case")
    errors: list[UserError] = []
    case = _existing_case(runner, case_id, action)
    if case["status"] == WeakStatus.LIFTED.value:
        errors.append(UserError(ErrorCode.ALREADY_LIFTED, "id", f"case {case_id} was lifted on {case['lifted_on']}"))
    elif lifted_on < case["flagged_on"]:
        errors.append(UserError(ErrorCode.DATE_ORDER, "liftedOn",
                                f"case {case_id} was flagged on {case['flagged_on']}; it cannot be lifted on {lifted_on}"))
    if errors:
        raise Refused(action, case_id, errors)
    row = _case_row(case, principal) | {"status": WeakStatus.LIFTED.value, "lifted_on": lifted_on}
    params = {"id": case_id, "lifted_on": lifted_on, "source": row["source"]}
    return Plan(action, case_id, [], _case_result(row), {"lifted_on": lifted_on.isoformat()},
                atomic=(atomic.LIFT_WEAK_CASE, load_gate.guard_params() | params))
