"""Apply the model to an engine, idempotently, and record the schema version in the graph."""

from __future__ import annotations

from redengine.graph import falkor, neo4j
from redengine.graph.runner import Runner
from redengine.graph.statements import read, write
from redengine.schema.model import INDEXES, REL_TYPES, SCHEMA_VERSION, UNIQUE_IDS

# Built from the model's allow-list at import, so the lint test sees every engine's statements.
for _label, _prop in UNIQUE_IDS:
    neo4j.constraint_statement(_label, _prop)
for _label, _prop in UNIQUE_IDS + INDEXES:
    falkor.index_statement(_label, _prop)
for _label, _prop in INDEXES:
    neo4j.index_statement(_label, _prop)
for _rel in REL_TYPES:
    falkor.prime_statement(_rel)

#: writes only when the version changes, so that a restart adds nothing to persistence
RECORD_VERSION = write(
    "schema.record_version",
    """
    MERGE (m:SchemaMeta {id: 'schema'})
    ON CREATE SET m.created_at = localdatetime()
    FOREACH (_ IN CASE WHEN m.version IS NULL OR m.version <> $version THEN [1] ELSE [] END |
        SET m.version = $version, m.applied_at = localdatetime())
    RETURN m.version AS version
    """,
)
GET_VERSION = read("schema.get_version", "MATCH (m:SchemaMeta {id: 'schema'}) RETURN m.version AS version")


def apply_schema(runner: Runner) -> int:
    """Create every unique constraint and index the model declares; return the recorded version."""
    runner.apply_schema(UNIQUE_IDS, INDEXES, REL_TYPES)
    return int(runner.write(RECORD_VERSION, {"version": SCHEMA_VERSION})[0]["version"])


def schema_version(runner: Runner) -> int | None:
    rows = runner.read(GET_VERSION)
    return rows[0]["version"] if rows else None
