"""The audit log: who did or read what, and when, as (:AuditEntry) nodes — one write per entry.

Every mutation (accepted or refused) and every read of a sensitive field is recorded. A failed audit
write is never swallowed: it raises, so the request fails loudly rather than going unrecorded.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any, Protocol

from redengine.graph import statements
from redengine.graph.statements import Statement, read

if TYPE_CHECKING:
    from redengine.services.access import Principal
    from redengine.types import Runner


class Asking(Protocol):
    """Whatever carries the engine and who is asking (the API's request context)."""

    runner: Runner
    principal: Principal

log = logging.getLogger("redengine.audit")

RECORD = statements.write(
    "audit.record",
    """
    CREATE (a:AuditEntry {id: $id, at: localdatetime(), who: $who, role: $role, token_id: $token_id,
                          action: $action, target: $target, detail: $detail})
    RETURN a.id AS id
    """,
)

#: The newest entries first (ids sort by time of writing).
RECENT = read(
    "audit.recent",
    """
    MATCH (a:AuditEntry)
    RETURN a.id AS id, a.at AS at, a.who AS who, a.role AS role, a.token_id AS token_id,
           a.action AS action, a.target AS target, a.detail AS detail
    ORDER BY a.id DESC
    LIMIT $limit
    """,
)


def _entry_id() -> str:
    # Sortable by time of writing, unique without a round trip.
    return f"audit:{time.time_ns():020d}:{secrets.token_hex(4)}"


def _detail(detail: Any) -> str | None:
    if detail is None or isinstance(detail, str):
        return detail
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def step(principal: Principal, action: str, target: str | None, detail: Any = None) -> tuple[Statement, dict]:
    """The write step that records one entry: append it to a mutation's batch (one transaction on Neo4j)."""
    return RECORD, {
        "id": _entry_id(),
        "who": principal.who,
        "role": principal.role.value,
        "token_id": principal.token_id,
        "action": action,
        "target": target,
        "detail": _detail(detail),
    }


#: The clause that writes one entry inside another write statement, so the entry and what it records
#: commit together (FalkorDB has no multi-statement transactions). Its values come from `fields()`.
CREATE_CLAUSE = """CREATE (ae:AuditEntry {id: $audit_id, at: localdatetime(), who: $audit_who, role: $audit_role,
                          token_id: $audit_token_id, action: $audit_action, target: $audit_target,
                          detail: $audit_detail})"""


def fields(principal: Principal, action: str, target: str | None, detail: Any = None) -> dict[str, Any]:
    """The parameters of `CREATE_CLAUSE` for one entry."""
    return {f"audit_{k}": v for k, v in step(principal, action, target, detail)[1].items()}


def write(runner: Runner, steps: list[tuple[Statement, dict[str, Any]]]) -> None:
    """Run `steps` (writes and/or audit entries) as one batch. If it fails, every audit entry in it
    goes to the server log at ERROR before the error propagates: an entry is never lost silently."""
    try:
        runner.write_batch(steps)
    except Exception:
        for stmt, params in steps:
            if stmt is RECORD:
                log.error("audit entry NOT written to the graph: %s", json.dumps(params, ensure_ascii=False, default=str))
        raise


def record(ctx: Asking, action: str, target: str | None, detail: Any = None) -> str:
    """Write one audit entry now (e.g. action "read_sensitive", target the person id); return its id."""
    entry = step(ctx.principal, action, target, detail)
    write(ctx.runner, [entry])
    return entry[1]["id"]


def recent(runner, limit: int = 100) -> list[dict]:
    return runner.read(RECENT, {"limit": limit})


#: up to this many people in one batch of sensitive reads, one entry per person and field; above it,
#: one entry for the batch (one analyst request once wrote 1,425 entries in a second)
EACH_UP_TO = 10


def sensitive_read_steps(principal: Principal, keys: list[tuple[str, str]],
                         query: dict[str, Any]) -> list[tuple[Statement, dict]]:
    """Audit steps for one batch of sensitive reads, `keys` (person id, field detail): per person for a
    few people; else one `read_sensitive.bulk` entry naming the count, the fields and the query
    (operation name and sha256 of its text, in `query`)."""
    people = sorted({pid for pid, _ in keys})
    if len(people) <= EACH_UP_TO:
        return [step(principal, "read_sensitive", pid, detail) for pid, detail in keys]
    detail = {"count": len(people), "values": len(keys), "fields": sorted({d for _, d in keys}), **query}
    return [step(principal, "read_sensitive.bulk", f"{len(people)} people", detail)]
