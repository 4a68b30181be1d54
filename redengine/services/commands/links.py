"""Commands on dated links: start and end a liaison, leader, commissioner, secretary or membership."""

from __future__ import annotations

import datetime as dt

from redengine.domain import conventions
from redengine.domain.dated import holds
from redengine.errors import Reason
from redengine.graph import gate as load_gate
from redengine.graph.statements import Statement, read
from redengine.schema.model import LEADER_MAX_TOWNSHIPS, ROLES, Role
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

def _link_facts_statement(rel: str) -> Statement:
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


LINK_FACTS: dict[str, Statement] = {spec.rel: _link_facts_statement(spec.rel) for spec in ROLES.values()}


# -- dated links ------------------------------------------------------------------------------------

def _link_facts(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str, on: dt.date,
                verb: str) -> tuple[str, str, dict, list[CommandProblem]]:
    """What starting or ending a link needs first: admins only (refused at once), then the facts as of
    `on` and a NOT_FOUND error for a missing person or unit. Returns action, target, facts, errors."""
    action, target = f"link.{verb}.{role.value}", f"{person_id}->{unit_id}"
    _admin_only(principal, action, target, f"{verb} a {role.value} link")
    errors: list[CommandProblem] = []
    f = _one(runner, LINK_FACTS[ROLES[role].rel], {"person_id": person_id, "unit_id": unit_id, "on": on})
    if f.get("person") is None:
        errors.append(CommandProblem(Reason.UNKNOWN_REF, "personId", f"no person with id {person_id!r}"))
    if f.get("unit") is None:
        errors.append(CommandProblem(Reason.UNKNOWN_REF, "unitId", f"no unit with id {unit_id!r}"))
    return action, target, f, errors


def plan_start_link(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str,
                    start: dt.date) -> CommandPlan:
    spec = ROLES[role]
    action, target, f, errors = _link_facts(runner, principal, role, person_id, unit_id, start, "start")
    if f.get("unit") is not None:
        kind = _unit_kind(f.get("kind"))
        if kind not in spec.unit_kinds:
            allowed = ", ".join(sorted(k.value for k in spec.unit_kinds))
            errors.append(CommandProblem(Reason.WRONG_KIND, "unitId",
                                    f"a {role.value} link needs a unit of kind {allowed}; {unit_id} is {f.get('kind')}"))
        if f.get("unit_to") is not None and start >= f["unit_to"]:
            errors.append(CommandProblem(Reason.BAD_ORDER, "from",
                                    f"unit {unit_id} ended on {f['unit_to']}; a link cannot start on {start}"))
    for link in f.get("links") or []:
        if link["to"] is None:
            errors.append(CommandProblem(Reason.DUPLICATE_OPEN_LINK, None,
                                    f"{person_id} already holds an open {role.value} link to {unit_id} (from {link['from']})"))
        elif link["to"] > start:
            errors.append(CommandProblem(Reason.OVERLAPPING_LINK, "from",
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
    return CommandPlan(action, target, [], result, detail, _link_warnings(role, person_id, unit_id, start, f),
                atomic=(stmt, load_gate.guard_params() | params))


def _link_warnings(role: Role, person_id: str, unit_id: str, start: dt.date, facts: dict) -> list[CommandProblem]:
    """Conventions the loaders warn about too: they do not block the write."""
    warnings = []
    townships = sorted(set(facts.get("person_units") or []) | {unit_id})
    if role is Role.LEADER and not conventions.leader_townships_ok(len(townships)):
        warnings.append(CommandProblem(Reason.LEADER_TOWNSHIP_COUNT, "unitId",
                                  f"{person_id} now contacts {len(townships)} townships on {start} "
                                  f"({', '.join(townships)}); a leader contacts 1 to {LEADER_MAX_TOWNSHIPS}"))
    holders = sorted(set(facts.get("unit_holders") or []))
    if holders and conventions.too_many_holders(role, len(holders) + 1):
        warnings.append(CommandProblem(Reason.ROLE_ALREADY_HELD, "unitId",
                                  f"{unit_id} already has a {role.value} on {start}: {', '.join(holders)}; "
                                  "end that link if this one replaces it"))
    return warnings


def plan_end_link(runner: Runner, principal: Principal, role: Role, person_id: str, unit_id: str,
                  end: dt.date) -> CommandPlan:
    spec = ROLES[role]
    action, target, f, errors = _link_facts(runner, principal, role, person_id, unit_id, end, "end")
    if errors:
        raise Refused(action, target, errors)
    open_links = [link for link in f.get("links") or [] if link["to"] is None]
    if not open_links:
        errors.append(CommandProblem(Reason.NO_OPEN_LINK, None, f"{person_id} holds no open {role.value} link to {unit_id}"))
    else:
        start = max(link["from"] for link in open_links)
        if end < start:
            errors.append(CommandProblem(Reason.BAD_ORDER, "to",
                                    f"the {role.value} link started on {start}; it cannot end on {end}"))
    if errors:
        raise Refused(action, target, errors)
    params = {"src": person_id, "dst": unit_id, "to": end, "source": _source(principal)}
    result = {"role": role, "person_id": person_id, "unit_id": unit_id, "from": start, "to": end}
    return CommandPlan(action, target, [], result, {"to": end.isoformat()},
                atomic=(atomic.END_LINK[spec.rel], load_gate.guard_params() | params))
