"""Records that are not dated links: weak-organisation cases, appointment records, unit events.

Ids are derived from the record's natural key, so loading or recording the same thing twice
updates one node instead of making two:
  weak case  weak:{unit_id}:{flagged_on}
  opinion    opinion:{person_id}:{unit_id}:{date}
  notice     notice:{person_id}:{unit_id}:{from}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from redengine.graph.statements import Statement, read, write


def weak_case_id(unit_id: str, flagged_on: dt.date | str) -> str:
    return f"weak:{unit_id}:{flagged_on}"


def opinion_id(person_id: str, unit_id: str, date: dt.date | str) -> str:
    return f"opinion:{person_id}:{unit_id}:{date}"


def notice_id(person_id: str, unit_id: str, start: dt.date | str) -> str:
    return f"notice:{person_id}:{unit_id}:{start}"


#: rows: {id, unit_id, flagged_on, reasons: [str], status: rectifying|lifted, lifted_on, source}
UPSERT_WEAK_CASES = write(
    "records.upsert_weak_cases",
    """
    UNWIND $rows AS r
    MATCH (u:Unit {id: r.unit_id})
    MERGE (w:WeakCase {id: r.id})
    ON CREATE SET w.recorded_at = localdatetime(), w.source = r.source
    SET w.flagged_on = date(r.flagged_on), w.reasons = r.reasons, w.status = r.status,
        w.lifted_on = date(r.lifted_on), w.updated_by = r.source, w.updated_at = localdatetime()
    MERGE (w)-[:CONCERNS]->(u)
    RETURN count(w) AS cases
    """,
)

#: rows: {id, person_id, unit_id, date, conclusion: for|against|null, doc_no, source};
#: a null conclusion or doc_no means "not given" and keeps the stored value
UPSERT_OPINIONS = write(
    "records.upsert_opinions",
    """
    UNWIND $rows AS r
    MATCH (p:Person {id: r.person_id})
    MATCH (u:Unit {id: r.unit_id})
    MERGE (o:Opinion {id: r.id})
    ON CREATE SET o.recorded_at = localdatetime(), o.source = r.source
    SET o.date = date(r.date), o.conclusion = coalesce(r.conclusion, o.conclusion),
        o.doc_no = coalesce(r.doc_no, o.doc_no), o.updated_by = r.source
    MERGE (o)-[:ABOUT]->(p)
    MERGE (o)-[:GIVEN_BY]->(u)
    RETURN count(o) AS opinions
    """,
)

#: rows: {id, person_id, unit_id, from, to, doc_no, source}; `to` is the notice's last day (inclusive);
#: a null `to` or doc_no means "not given" and keeps the stored value
UPSERT_NOTICES = write(
    "records.upsert_notices",
    """
    UNWIND $rows AS r
    MATCH (p:Person {id: r.person_id})
    MATCH (u:Unit {id: r.unit_id})
    MERGE (n:Notice {id: r.id})
    ON CREATE SET n.recorded_at = localdatetime(), n.source = r.source
    SET n.from = date(r.from), n.to = coalesce(date(r.to), n.to), n.doc_no = coalesce(r.doc_no, n.doc_no),
        n.updated_by = r.source
    MERGE (n)-[:ABOUT]->(p)
    MERGE (n)-[:POSTED_IN]->(u)
    RETURN count(n) AS notices
    """,
)

#: rows: {id, kind: merge|split|rename|reparent, on, note, source}
RECORD_UNIT_EVENTS = write(
    "records.record_unit_events",
    """
    UNWIND $rows AS r
    MERGE (e:UnitEvent {id: r.id})
    ON CREATE SET e.recorded_at = localdatetime(), e.source = r.source
    SET e.kind = r.kind, e.on = date(r.on), e.note = r.note
    RETURN count(e) AS events
    """,
)
#: rows: {event, unit}: the units an event starts from, and the units it leads to
LINK_EVENT_FROM = write(
    "records.link_event_from",
    "UNWIND $rows AS r MATCH (e:UnitEvent {id: r.event}) MATCH (u:Unit {id: r.unit}) "
    "MERGE (e)-[:EVENT_FROM]->(u) RETURN count(u) AS linked",
)
LINK_EVENT_TO = write(
    "records.link_event_to",
    "UNWIND $rows AS r MATCH (e:UnitEvent {id: r.event}) MATCH (u:Unit {id: r.unit}) "
    "MERGE (e)-[:EVENT_TO]->(u) RETURN count(u) AS linked",
)


def unit_event_steps(events: list[dict[str, Any]]) -> list[tuple[Statement, dict[str, Any]]]:
    """The write steps that record `events` ({id, kind, on, note, from_ids, to_ids, source}) with their links."""
    return [
        (RECORD_UNIT_EVENTS, {"rows": [{k: e.get(k) for k in ("id", "kind", "on", "note", "source")} for e in events]}),
        (LINK_EVENT_FROM, {"rows": [{"event": e["id"], "unit": u} for e in events for u in e["from_ids"]]}),
        (LINK_EVENT_TO, {"rows": [{"event": e["id"], "unit": u} for e in events for u in e["to_ids"]]}),
    ]


UNIT_EVENTS = read(
    "records.unit_events",
    """
    MATCH (e:UnitEvent)
    RETURN e.id AS id, e.kind AS kind, e.on AS on, e.note AS note,
           [(e)-[:EVENT_FROM]->(a:Unit) | a.id] AS from_ids,
           [(e)-[:EVENT_TO]->(b:Unit) | b.id] AS to_ids
    ORDER BY e.on, e.id
    """,
)
