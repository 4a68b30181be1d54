"""Per-request DataLoaders, one per (question, as-of date): every resolver of one level shares a round trip.

`loader(ctx, "children", as_of).load(unit_id)` → that unit's children rows. Loaders live in
`ctx.loaders`, so they (and their caches) end with the request. `visible(ctx, as_of)` is the set of
units a township principal may see (None: everything), fetched once per request and date
(plain functions: they run before any batching is needed, and cost no coroutine per field).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from strawberry.dataloader import DataLoader

from redengine.api.context import Context
from redengine.services import audit, read
from redengine.services import queries as Q
from redengine.types import Runner

Batch = Callable[[Runner, list[str], dt.date], list[Any]]


def _grouped(statement, **params) -> Batch:
    return lambda runner, ids, as_of: read.grouped(runner, statement, ids, as_of, **params)


def _single(statement, key: str = "unit") -> Batch:
    return lambda runner, ids, as_of: read.first_of(read.grouped(runner, statement, ids, as_of), key)


def _personal(runner: Runner, ids: list[str], as_of: dt.date) -> list[dict | None]:
    return [g[0] if g else None for g in read.grouped(runner, Q.PERSONAL_DATA, ids, as_of)]


BATCHES: dict[str, Batch] = {
    "unit": _single(Q.UNITS),
    "parent": _single(Q.PARENTS),
    "composite": _single(Q.COMPOSITES),
    "children": _grouped(Q.CHILDREN),
    "coordinated": _grouped(Q.COORDINATED),
    "roles": _grouped(Q.UNIT_ROLES, rels=Q.ROLE_RELS),
    "leaders": _grouped(Q.UNIT_LEADERS),
    "person": read.people,
    "person_links": _grouped(Q.PERSON_LINKS_OF, rels=Q.ALL_PERSON_RELS),
    "personal": _personal,
    "weak_cases": _grouped(Q.WEAK_CASES_OF),
    "events": _grouped(Q.EVENTS_OF),
    "strong_peers": _grouped(Q.STRONG_PEERS),
}


def loader(ctx: Context, name: str, as_of: dt.date) -> DataLoader:
    key = (name, as_of)
    found = ctx.loaders.get(key)
    if found is None:
        batch = BATCHES[name]
        runner = ctx.runner

        async def load(ids: list[str]) -> list[Any]:
            return batch(runner, list(ids), as_of)

        found = ctx.loaders[key] = DataLoader(load_fn=load)
    return found


def visible(ctx: Context, as_of: dt.date) -> frozenset[str] | None:
    """What the principal may see as of the date: None for the whole graph, else the township's subtree."""
    scope = ctx.principal.scope
    if scope is None:
        return None
    key = ("visible", as_of)
    if key not in ctx.loaders:
        ctx.loaders[key] = read.subtree(ctx.runner, scope, as_of)
    return ctx.loaders[key]


def may_see(ctx: Context, unit_id: str | None, as_of: dt.date) -> bool:
    if unit_id is None:
        return False
    seen = visible(ctx, as_of)
    return seen is None or unit_id in seen


async def person_visible(ctx: Context, person_id: str | None, as_of: dt.date) -> bool:
    """A township principal sees a person linked (any link in force) to a unit of its subtree."""
    if person_id is None:
        return False
    seen = visible(ctx, as_of)
    if seen is None:
        return True
    rows = await loader(ctx, "person_links", as_of).load(person_id)
    return any(r["unit"]["id"] in seen for r in rows)


#: what a unit's or person's question answers when the principal may not see the unit or person
_ONE = frozenset({"unit", "parent", "composite", "person", "personal"})


def _nothing(name: str) -> Any:
    return None if name in _ONE else []


async def of_unit(ctx: Context, name: str, unit_id: str, as_of: dt.date) -> Any:
    """What `name` holds for one unit, or nothing when the principal may not see that unit itself.

    Every Organisation field reads through here, so an Organisation reached by any path (a gap,
    an event, a link) yields nothing outside the principal's subtree.
    """
    if not may_see(ctx, unit_id, as_of):
        return _nothing(name)
    return await loader(ctx, name, as_of).load(unit_id)


async def of_person(ctx: Context, name: str, person_id: str, as_of: dt.date) -> Any:
    """What `name` holds for one person, or nothing when the principal may not see that person."""
    if not await person_visible(ctx, person_id, as_of):
        return _nothing(name)
    return await loader(ctx, name, as_of).load(person_id)


def keep_visible(ctx: Context, rows: list[dict], as_of: dt.date, key: str = "unit") -> list[dict]:
    seen = visible(ctx, as_of)
    return rows if seen is None else [r for r in rows if r[key]["id"] in seen]


def _query(info: Any) -> dict[str, Any]:
    """The operation a request runs, for an audit entry: its name and the sha256 of the query text."""
    import hashlib

    op = getattr(info, "operation", None)
    loc = getattr(op, "loc", None)
    text = loc.source.body if loc is not None else ""
    return {"operation": op.name.value if op is not None and op.name else None,
            "query_sha256": hashlib.sha256(text.encode()).hexdigest()}


def audit_loader(ctx: Context, info: Any = None) -> DataLoader:
    """Sensitive reads of one request, written to the audit log together: key (person_id, detail).

    Each batch is first counted against the token's rate limit (ctx.sensitive_reads, when the app set
    one; refused whole with RATE_LIMITED), then audited: per person for a few, one entry for many."""
    found = ctx.loaders.get("audit")
    if found is None:
        query = _query(info)

        async def write(keys: list[tuple[str, str]]) -> list[bool]:
            limit = ctx.sensitive_reads
            if limit is not None:
                limit.take(ctx.principal.token_id, len(keys))
            audit.write(ctx.runner, audit.sensitive_read_steps(ctx.principal, list(keys), query))
            return [True] * len(keys)

        found = ctx.loaders["audit"] = DataLoader(load_fn=write)
    return found
