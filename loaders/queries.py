"""Cypher the loaders own: reading the current state a roster is compared with, and the sync log.

The shared write primitives (units, people, dated links, records) live in redengine.graph.links
and redengine.graph.records; only what no other feature needs is here.
"""

from __future__ import annotations

from redengine.graph.statements import Statement, read, write
from redengine.schema.model import PERSON_LINKS

ALL_UNITS = read(
    "loaders.all_units",
    "MATCH (u:Unit) RETURN u.id AS id, u.name AS name, u.kind AS kind, u.kind_label AS kind_label, "
    "u.from AS from, u.to AS to",
)

ALL_PEOPLE = read("loaders.all_people", "MATCH (p:Person) RETURN p.id AS id, p.name AS name, p.from AS from, p.to AS to")

#: rows {id, id_number, phone} from a roster (null = not given) → the ids whose stored values differ.
#: The comparison runs in the engine, so the loader never reads sensitive values back.
PERSONAL_DATA_DIFFERS = read(
    "loaders.personal_data_differs",
    """
    UNWIND $rows AS r
    MATCH (p:Person {id: r.id})
    OPTIONAL MATCH (p)-[:HAS_PERSONAL_DATA]->(d:PersonalData)
    WITH r, d
    WHERE d IS NULL OR (r.id_number IS NOT NULL AND coalesce(d.id_number, '') <> r.id_number)
       OR (r.phone IS NOT NULL AND coalesce(d.phone, '') <> r.phone)
    RETURN r.id AS id
    """,
)

def _link_history(rel: str) -> Statement:
    return read(
        f"loaders.person_link_history.{rel}",
        f"MATCH (p:Person)-[l:{rel}]->(u:Unit) RETURN p.id AS person, u.id AS unit, l.from AS from, l.to AS to",
    )


#: rel → every person → unit link of that type, ended ones too: {person, unit, from, to}. One
#: statement per type: FalkorDB scans only that type's edges (a `type(l) IN $types` filter scans them all)
PERSON_LINK_HISTORY: dict[str, Statement] = {rel: _link_history(rel) for rel in PERSON_LINKS}

WEAK_CASES = read(
    "loaders.weak_cases",
    """
    MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit)
    RETURN w.id AS id, u.id AS unit_id, w.flagged_on AS flagged_on, w.reasons AS reasons, w.status AS status,
           w.lifted_on AS lifted_on
    """,
)

OPINIONS_BY_ID = read(
    "loaders.opinions_by_id",
    "MATCH (o:Opinion) WHERE o.id IN $ids RETURN o.id AS id, o.conclusion AS conclusion, o.doc_no AS doc_no",
)

NOTICES_BY_ID = read(
    "loaders.notices_by_id",
    "MATCH (n:Notice) WHERE n.id IN $ids RETURN n.id AS id, n.to AS to, n.doc_no AS doc_no",
)

def _reopen(label: str) -> Statement:
    return write(
        f"loaders.reopen.{label}",
        f"""
        UNWIND $rows AS r
        MATCH (n:{label} {{id: r.id}})
        WHERE n.to IS NOT NULL
        SET n.previous_to = n.to, n.to = null, n.reopened_by = r.source
        RETURN count(n) AS reopened
        """,
    )


#: label → statement; rows {id, source}: a unit or person that a roster lists again after an
#: earlier one ended it. The end it had is kept in `previous_to`.
REOPEN: dict[str, Statement] = {label: _reopen(label) for label in ("Unit", "Person")}



#: links ended on the day they began (a same-day correction): {src, rel, dst, from}
VOID_LINKS = read(
    "loaders.void_links",
    """
    MATCH (a)-[l]->(b:Unit)
    WHERE type(l) IN $types AND l.to = l.from
    RETURN a.id AS src, type(l) AS rel, b.id AS dst, l.from AS from
    """,
)

START_SYNC = write(
    "loaders.start_sync",
    """
    MERGE (s:Sync {id: $id})
    ON CREATE SET s.started_at = localdatetime()
    SET s.kind = $kind, s.file = $file, s.sha256 = $sha256, s.as_of = date($as_of), s.scope = $scope,
        s.by = $by, s.rows = $rows, s.stamp = $stamp, s.status = 'running',
        s.host = $host, s.pid = $pid, s.proc = $proc
    RETURN s.id AS id
    """,
)

FINISH_SYNC = write(
    "loaders.finish_sync",
    """
    MATCH (s:Sync {id: $id})
    SET s.status = 'done', s.finished_at = localdatetime(), s.counts = $counts, s.warnings = $warnings
    RETURN s.id AS id
    """,
)

#: an earlier load of the same file (kind, SHA-256, as-of date, scope) that never finished (its process
#: died): marked interrupted and pointed at the load that finished its job
MARK_INTERRUPTED = write(
    "loaders.mark_interrupted",
    """
    UNWIND $rows AS r
    MATCH (s:Sync {id: r.id})
    WHERE s.status IN ['running', 'failed']
    SET s.status = 'interrupted', s.resumed_by = r.by
    RETURN count(s) AS marked
    """,
)

SYNC_HISTORY = read(
    "loaders.sync_history",
    """
    MATCH (s:Sync)
    RETURN s.id AS id, s.kind AS kind, s.file AS file, s.sha256 AS sha256, s.as_of AS as_of, s.scope AS scope,
           s.by AS by, s.rows AS rows, s.status AS status, s.started_at AS started_at,
           s.finished_at AS finished_at, s.counts AS counts, s.warnings AS warnings, s.resumed_by AS resumed_by
    ORDER BY s.stamp DESC
    LIMIT $limit
    """,
)

#: rows {src, dst, from, title}: a same-day correction of a job title (a later change ends the link and opens a new one)
SET_WORK_TITLE = write(
    "loaders.set_work_title",
    """
    UNWIND $rows AS r
    MATCH (:Person {id: r.src})-[l:WORKS_AT]->(:Unit {id: r.dst})
    WHERE l.from = date(r.from) AND l.to IS NULL
    SET l.title = r.title
    RETURN count(l) AS corrected
    """,
)
