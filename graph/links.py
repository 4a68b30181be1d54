"""Dated links and the units/people they join: the write primitives every feature shares.

Statements are generated once per link type from the model's allow-list (labels and types cannot
be parameters); values always travel as $parameters. Every write here is convergent: running it
again after a crash, or twice, leaves the same graph.
"""

from __future__ import annotations

from redengine.graph.statements import Statement, write
from redengine.schema.model import DATED_LINKS, PERSON_LINKS, UNIT_LINKS


def _src_label(rel: str) -> str:
    return "Unit" if rel in UNIT_LINKS else "Person"


def _open(rel: str) -> Statement:
    # The guard is OPTIONAL MATCH + count: FalkorDB 4.16 sometimes ignores a pattern-comprehension
    # guard (size([...]) = 0) before CREATE (measured; tests/test_store.py catches a regression).
    src = _src_label(rel)
    extra = ", title: r.title" if rel == "WORKS_AT" else ""
    return write(
        f"links.open.{rel}",
        f"""
        UNWIND $rows AS r
        MATCH (a:{src} {{id: r.src}})
        MATCH (b:Unit {{id: r.dst}})
        OPTIONAL MATCH (a)-[x:{rel}]->(b) WHERE x.from = date(r.from)
        WITH a, b, r, count(x) AS same
        WHERE same = 0
        CREATE (a)-[l:{rel} {{from: date(r.from), source: r.source, recorded_at: localdatetime(){extra}}}]->(b)
        SET l.to = date(r.to)
        RETURN count(l) AS opened
        """,
    )


def _end(rel: str) -> Statement:
    src = _src_label(rel)
    return write(
        f"links.end.{rel}",
        f"""
        UNWIND $rows AS r
        MATCH (a:{src} {{id: r.src}})-[l:{rel}]->(b:Unit {{id: r.dst}})
        WHERE l.to IS NULL AND l.from <= date(r.to)
        SET l.to = date(r.to), l.ended_by = r.source, l.ended_at = localdatetime()
        RETURN count(l) AS ended
        """,
    )


def _correct_end(rel: str) -> Statement:
    src = _src_label(rel)
    return write(
        f"links.correct_end.{rel}",
        f"""
        UNWIND $rows AS r
        MATCH (a:{src} {{id: r.src}})-[l:{rel}]->(b:Unit {{id: r.dst}})
        WHERE l.from = date(r.from) AND l.to IS NOT NULL
        SET l.previous_to = l.to, l.to = date(r.to), l.corrected_by = r.source, l.corrected_at = localdatetime()
        RETURN count(l) AS corrected
        """,
    )


#: rel → statement; rows {src, dst, from, to, source}: set the end of an ENDED link (to may be null: reopen).
#: The end it had is kept in `previous_to`.
CORRECT_END: dict[str, Statement] = {rel: _correct_end(rel) for rel in DATED_LINKS}


#: rel type → statement. Rows for OPEN: {src, dst, from, to?, source, title?}; for END: {src, dst, to, source}.
OPEN: dict[str, Statement] = {rel: _open(rel) for rel in DATED_LINKS}
END: dict[str, Statement] = {rel: _end(rel) for rel in DATED_LINKS}

UPSERT_UNITS = write(
    "links.upsert_units",
    """
    UNWIND $rows AS r
    MERGE (u:Unit {id: r.id})
    ON CREATE SET u.from = date(r.from), u.source = r.source, u.recorded_at = localdatetime()
    SET u.name = r.name, u.kind = r.kind, u.kind_label = r.kind_label
    RETURN count(u) AS units
    """,
)

def _end_nodes(label: str, name: str) -> Statement:
    """Rows {id, to, source}: end the open node (a unit that ceased, a person who left)."""
    return write(
        name,
        f"""
        UNWIND $rows AS r
        MATCH (n:{label} {{id: r.id}})
        WHERE n.to IS NULL
        SET n.to = date(r.to), n.ended_by = r.source
        RETURN count(n) AS ended
        """,
    )


END_UNITS = _end_nodes("Unit", "links.end_units")
END_PEOPLE = _end_nodes("Person", "links.end_people")

UPSERT_PEOPLE = write(
    "links.upsert_people",
    """
    UNWIND $rows AS r
    MERGE (p:Person {id: r.id})
    ON CREATE SET p.from = date(r.from), p.source = r.source, p.recorded_at = localdatetime()
    SET p.name = r.name
    RETURN count(p) AS people
    """,
)

#: rows {id, id_number, phone}; a null value keeps what is stored (an empty roster cell means "not given")
SET_PERSONAL_DATA = write(
    "links.set_personal_data",
    """
    UNWIND $rows AS r
    MATCH (p:Person {id: r.id})
    MERGE (p)-[:HAS_PERSONAL_DATA]->(d:PersonalData {id: r.id})
    SET d.id_number = coalesce(r.id_number, d.id_number), d.phone = coalesce(r.phone, d.phone)
    RETURN count(d) AS personal
    """,
)

__all__ = ["OPEN", "END", "CORRECT_END", "UPSERT_UNITS", "END_UNITS", "END_PEOPLE", "UPSERT_PEOPLE", "SET_PERSONAL_DATA", "PERSON_LINKS"]
