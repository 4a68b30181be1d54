"""The mutations' writes as single statements: lock, re-check, write, and audit in one go.

A command plans from a read (redengine/services/commands/) and then writes with one of these. Each statement
first writes to the node its check is about (`SET n._lock = true SET n._lock = null`: on Neo4j that takes
the node's write lock until commit, so two transactions checking the same node run one after the
other and the second sees the first's write; on FalkorDB a query is atomic anyway), then checks the
condition again, and only if it still holds writes the change and its `:AuditEntry` together (the
lock write leaves no property behind; `REMOVE` after a MERGE did on FalkorDB 4.16, measured). A
statement whose condition failed returns no row (or 0) and has changed nothing.

Every statement starts with the load gate's GUARD (graph/gate.py): it refuses while a load runs.
Single-row parameters: `$gate_now`, `$src`/`$dst`/dates/`$source`, plus the `audit_*` fields (audit.fields()).
"""

from __future__ import annotations

import re

from redengine.domain.cases import case_never_lifted, case_open
from redengine.graph import records
from redengine.graph.gate import GUARD
from redengine.graph.statements import Statement, write
from redengine.schema.model import ROLES, WeakStatus
from redengine.services.audit import CREATE_CLAUSE as AUDIT

_LOCK = "SET {v}._lock = true SET {v}._lock = null"


def _unclashed(rel: str, clash: str) -> str:
    """The head of a link statement: the gate, the person locked, and a row only while no link of `rel`
    from $src to $dst matches `clash` (the caller may add `AND …` to the closing WHERE)."""
    return f"""
        {GUARD}
        MATCH (a:Person {{id: $src}})
        MATCH (b:Unit {{id: $dst}})
        {_LOCK.format(v='a')}
        WITH a, b
        OPTIONAL MATCH (a)-[x:{rel}]->(b) WHERE {clash}
        WITH a, b, count(x) AS clash
        WHERE clash = 0"""


def _audit_if_written(var: str, name: str) -> str:
    """The tail of a statement that wrote `var` rows: its audit entry, only when it wrote any."""
    return f"WITH count({var}) AS {name}\nWHERE {name} > 0\n{AUDIT}\nRETURN {name}"


def _start(rel: str) -> Statement:
    # A clash: an open link, one ending after $from, or one with the same start (OPEN's own guard).
    return write(
        f"atomic.start_link.{rel}",
        f"""{_unclashed(rel, "x.to IS NULL OR x.to > date($from) OR x.from = date($from)")}
        AND (b.to IS NULL OR date($from) < b.to)
        CREATE (a)-[l:{rel} {{from: date($from), source: $source, recorded_at: localdatetime()}}]->(b)
        {AUDIT}
        RETURN count(l) AS opened
        """,
    )


def _reopen(rel: str) -> Statement:
    # A link ended on the day it began is reopened (its end kept in previous_to), if nothing clashes.
    return write(
        f"atomic.reopen_link.{rel}",
        f"""{_unclashed(rel, "x.to IS NULL OR x.to > date($from)")}
        MATCH (a)-[l:{rel}]->(b)
        WHERE l.from = date($from) AND l.to = date($from)
        SET l.previous_to = l.to, l.to = null, l.corrected_by = $source, l.corrected_at = localdatetime()
        {_audit_if_written("l", "reopened")}
        """,
    )


def _end(rel: str) -> Statement:
    return write(
        f"atomic.end_link.{rel}",
        f"""
        {GUARD}
        MATCH (a:Person {{id: $src}})
        {_LOCK.format(v='a')}
        WITH a
        MATCH (a)-[l:{rel}]->(b:Unit {{id: $dst}})
        WHERE l.to IS NULL AND l.from <= date($to)
        SET l.to = date($to), l.ended_by = $source, l.ended_at = localdatetime()
        {_audit_if_written("l", "ended")}
        """,
    )


START_LINK: dict[str, Statement] = {spec.rel: _start(spec.rel) for spec in ROLES.values()}
REOPEN_LINK: dict[str, Statement] = {spec.rel: _reopen(spec.rel) for spec in ROLES.values()}
END_LINK: dict[str, Statement] = {spec.rel: _end(spec.rel) for spec in ROLES.values()}

#: {id, unit_id, flagged_on, reasons, source}: a new open case, unless the unit has a case never lifted,
#: one open on that day, or one flagged on it (the domain's rule, as plan_open_weak_case checks it).
OPEN_WEAK_CASE = write(
    "atomic.open_weak_case",
    f"""
    {GUARD}
    MATCH (u:Unit {{id: $unit_id}})
    {_LOCK.format(v='u')}
    WITH u
    OPTIONAL MATCH (c:WeakCase)-[:CONCERNS]->(u)
    WHERE c.flagged_on = date($flagged_on) OR {case_never_lifted('c')} OR {case_open('c', '$flagged_on')}
    WITH u, count(c) AS clash
    WHERE clash = 0
    MERGE (w:WeakCase {{id: $id}})
    ON CREATE SET w.recorded_at = localdatetime(), w.source = $source
    SET w.flagged_on = date($flagged_on), w.reasons = $reasons, w.status = '{WeakStatus.RECTIFYING.value}',
        w.lifted_on = null, w.updated_by = $source, w.updated_at = localdatetime()
    MERGE (w)-[:CONCERNS]->(u)
    {AUDIT}
    RETURN count(w) AS cases
    """,
)

#: {id, lifted_on, source}: lift a case never lifted yet, flagged on or before that day (its unit locked,
#: as an open is); a case with a lifting date keeps it.
LIFT_WEAK_CASE = write(
    "atomic.lift_weak_case",
    f"""
    {GUARD}
    MATCH (w:WeakCase {{id: $id}})-[:CONCERNS]->(u:Unit)
    {_LOCK.format(v='u')}
    WITH w
    WHERE {case_never_lifted('w')} AND w.flagged_on <= date($lifted_on)
    SET w.status = '{WeakStatus.LIFTED.value}', w.lifted_on = date($lifted_on), w.updated_by = $source,
        w.updated_at = localdatetime()
    {AUDIT}
    RETURN count(w) AS cases
    """,
)

#: {id, reasons, source}: only the reasons change, so an update racing a lift cannot undo it.
UPDATE_WEAK_CASE = write(
    "atomic.update_weak_case",
    f"""
    {GUARD}
    MATCH (w:WeakCase {{id: $id}})
    SET w.reasons = $reasons, w.updated_by = $source, w.updated_at = localdatetime()
    {AUDIT}
    RETURN count(w) AS cases
    """,
)

_COUNT_RETURN = re.compile(r"RETURN count\((\w+)\) AS (\w+)\s*$")


def _audited(stmt: Statement) -> Statement:
    """`stmt` (an upsert ending in `RETURN count(x) AS n`) that also writes one audit entry if n > 0."""
    m = _COUNT_RETURN.search(stmt.cypher)
    if m is None:
        raise ValueError(f"{stmt.name} does not end in RETURN count(x) AS n")
    var, name = m.groups()
    body = stmt.cypher[: m.start()]
    return write(f"atomic.{stmt.name}", f"{GUARD}\n{body}{_audit_if_written(var, name)}")


UPSERT_OPINION = _audited(records.UPSERT_OPINIONS)
UPSERT_NOTICE = _audited(records.UPSERT_NOTICES)
