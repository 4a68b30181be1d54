"""Reads that are nothing but the "holds on D" rule applied to each dated link type and to units."""

from __future__ import annotations

from redengine.domain.dated import holds
from redengine.graph.statements import Statement, read
from redengine.schema.model import DATED_LINKS, UNIT_LINKS


def _as_of(rel: str) -> Statement:
    src = "Unit" if rel in UNIT_LINKS else "Person"
    title = ", l.title AS title" if rel == "WORKS_AT" else ""
    return read(
        f"links.as_of.{rel}",
        f"""
        MATCH (a:{src})-[l:{rel}]->(b:Unit)
        WHERE {holds('l')}
        RETURN a.id AS src, b.id AS dst, l.from AS from, l.to AS to{title}
        """,
    )


#: rel type → every link of that type holding on $as_of, as {src, dst, from, to}.
AS_OF: dict[str, Statement] = {rel: _as_of(rel) for rel in DATED_LINKS}

UNITS_AS_OF = read(
    "links.units_as_of",
    f"""
    MATCH (u:Unit)
    WHERE {holds('u')}
    RETURN u.id AS id, u.name AS name, u.kind AS kind, u.kind_label AS kind_label
    """,
)
