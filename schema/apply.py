"""Apply the model to an engine, idempotently, and record the schema version in the graph."""

from __future__ import annotations

from redengine.graph import falkor, neo4j
from redengine.graph.statements import read, schema, write
from redengine.schema.model import DATED_LINKS, INDEXES, SCHEMA_VERSION, UNIQUE_IDS
from redengine.types import Runner

# Built from the model's allow-list at import, so the lint test sees every engine's statements.
for _label, _prop in UNIQUE_IDS:
    neo4j.constraint_statement(_label, _prop)
for _label, _prop in UNIQUE_IDS + INDEXES:
    falkor.index_statement(_label, _prop)
for _label, _prop in INDEXES:
    neo4j.index_statement(_label, _prop)

#: The undated record links (see the model's docstring); with DATED_LINKS, every relationship type.
RECORD_LINKS = ("CONCERNS", "ABOUT", "GIVEN_BY", "POSTED_IN", "EVENT_FROM", "EVENT_TO", "HAS_PERSONAL_DATA")

# FalkorDB 4.16 caches each statement's plan; a plan made while a relationship type did not yet
# exist in the graph keeps answering as if no link of that type existed, even after links are
# created (measured on pattern comprehensions: tests/test_falkor_rel_types.py). So every type is
# made to exist when the schema is applied, by creating and deleting one link of it.
REL_TYPES = schema(
    "falkordb.relationship_types",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type",
    {"falkordb"},
)
PRIME_REL_TYPE = {
    rel: schema(f"falkordb.prime.{rel}", f"CREATE (a)-[r:{rel}]->(b) DELETE r, a, b", {"falkordb"})
    for rel in DATED_LINKS + RECORD_LINKS
}

RECORD_VERSION = write(
    "schema.record_version",
    """
    MERGE (m:SchemaMeta {id: 'schema'})
    ON CREATE SET m.created_at = localdatetime()
    SET m.version = $version, m.applied_at = localdatetime()
    RETURN m.version AS version
    """,
)
GET_VERSION = read("schema.get_version", "MATCH (m:SchemaMeta {id: 'schema'}) RETURN m.version AS version")


def apply_schema(runner: Runner) -> int:
    """Create every unique constraint and index the model declares; return the recorded version."""
    runner.apply_schema(UNIQUE_IDS, INDEXES)
    if runner.engine == "falkordb":
        have = {r["type"] for r in runner.read(REL_TYPES)}
        for rel, statement in PRIME_REL_TYPE.items():
            if rel not in have:
                runner.write(statement)
    return runner.write(RECORD_VERSION, {"version": SCHEMA_VERSION})[0]["version"]


def schema_version(runner: Runner) -> int | None:
    rows = runner.read(GET_VERSION)
    return rows[0]["version"] if rows else None
