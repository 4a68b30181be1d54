"""Commands on appointment records: a village's written opinion and notice posting about a cadre."""

from __future__ import annotations

import datetime as dt

from redengine import dates
from redengine.domain import conventions
from redengine.domain.dated import holds
from redengine.errors import Reason
from redengine.graph import gate as load_gate
from redengine.graph import records
from redengine.graph.statements import read
from redengine.schema.model import Conclusion
from redengine.services import atomic
from redengine.services.access import Principal, RoleName
from redengine.services.commands.core import (
    CommandPlan,
    CommandProblem,
    Refused,
    _one,
    _source,
)
from redengine.types import Runner

# -- facts ------------------------------------------------------------------------------------------

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


# -- appointment records ----------------------------------------------------------------------------

def _township_scope_errors(runner: Runner, principal: Principal, person_id: str, unit_id: str,
                           on: dt.date) -> list[CommandProblem]:
    """A township token's targets must lie in its scope, checked before anything about them is read.

    Only the township's own subtree and the links into it are read, so an id outside the scope gets
    the same answer whether it exists or not (no "no person with id …", no "D01 is district").
    A unit is in scope if it is in the subtree today; a person if linked into the subtree today or
    on the record's date (the people the township can read).
    """
    from redengine.services import read as reads
    from redengine.services.queries import ALL_PERSON_RELS, PERSON_LINKS_OF

    township, today = principal.township_id or reads.NOTHING, dates.today()
    subtrees = {day: reads.subtree(runner, township, day) for day in (today, on)}
    errors: list[CommandProblem] = []
    if unit_id not in subtrees[today]:
        errors.append(CommandProblem(Reason.FORBIDDEN, "unitId", f"unitId: not a unit of township {township}"))
    person_in = False
    for day, seen in subtrees.items():
        [rows] = reads.grouped(runner, PERSON_LINKS_OF, [person_id], day, rels=ALL_PERSON_RELS)
        person_in = person_in or any(r["unit"] is not None and r["unit"]["id"] in seen for r in rows)
    if not person_in:
        errors.append(CommandProblem(Reason.FORBIDDEN, "personId",
                                f"personId: not a person linked to township {township}"))
    return errors


def _check_record_target(runner: Runner, principal: Principal, person_id: str, unit_id: str, on: dt.date,
                         errors: list[CommandProblem]) -> None:
    if principal.role is RoleName.ANALYST:
        errors.append(CommandProblem(Reason.FORBIDDEN, None, "an analyst token is read-only"))
        return
    if principal.role is RoleName.TOWNSHIP:
        outside = _township_scope_errors(runner, principal, person_id, unit_id, on)
        if outside:
            errors.extend(outside)
            return
    f = _one(runner, RECORD_FACTS, {"person_id": person_id, "unit_id": unit_id, "on": on, "today": dates.today()})
    if f.get("person") is None:
        errors.append(CommandProblem(Reason.UNKNOWN_REF, "personId", f"no person with id {person_id!r}"))
    if f.get("unit") is None:
        errors.append(CommandProblem(Reason.UNKNOWN_REF, "unitId", f"no unit with id {unit_id!r}"))
        return
    if not conventions.gives_records(f.get("kind")):
        errors.append(CommandProblem(Reason.WRONG_KIND, "unitId",
                                f"opinions and notices come from a village or community; {unit_id} is {f.get('kind')}"))
    # A township records for the villages it governs today, whatever date the record bears (no backdating
    # into a village it has lost), and that were its villages on the record's date (or still are).
    if principal.role is RoleName.TOWNSHIP and not (principal.township_id in (f.get("townships") or [])
                                                    and principal.township_id in (f.get("townships_today") or [])):
        errors.append(CommandProblem(Reason.FORBIDDEN, "unitId",
                                f"{unit_id} is not a village of township {principal.township_id} today"))


def plan_record_opinion(runner: Runner, principal: Principal, person_id: str, unit_id: str, date: dt.date,
                        conclusion: Conclusion, doc_no: str | None) -> CommandPlan:
    oid = records.opinion_id(person_id, unit_id, date.isoformat())
    action = "opinion.record"
    errors: list[CommandProblem] = []
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
    return CommandPlan(action, oid, [], result, detail, atomic=(atomic.UPSERT_OPINION, load_gate.guard_params() | {"rows": [row]}))


def plan_record_notice(runner: Runner, principal: Principal, person_id: str, unit_id: str, start: dt.date,
                       end: dt.date | None, doc_no: str | None) -> CommandPlan:
    nid = records.notice_id(person_id, unit_id, start.isoformat())
    action = "notice.record"
    errors: list[CommandProblem] = []
    _check_record_target(runner, principal, person_id, unit_id, start, errors)
    if end is not None and end < start and not any(e.reason is Reason.FORBIDDEN for e in errors):
        errors.append(CommandProblem(Reason.BAD_ORDER, "to", f"the notice's last day {end} is before its first day {start}"))
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
    return CommandPlan(action, nid, [], result, detail, atomic=(atomic.UPSERT_NOTICE, load_gate.guard_params() | {"rows": [row]}))
