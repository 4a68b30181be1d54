"""Read services: the organisation department's questions answered as plain dicts (no GraphQL here).

Each function takes the runner and plain arguments and runs as few statements as it can; the
GraphQL types only shape what these return. Rows carry units as {id, name, kind, kind_label,
from, to} and people as {id, name}.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from redengine.domain.cases import status_on
from redengine.domain.dated import in_force
from redengine.graph.statements import Statement
from redengine.services import queries as Q
from redengine.types import Runner


class Page(Protocol):
    """One page of a list: where it starts and how many (the API's `pagination.Page`)."""

    @property
    def offset(self) -> int: ...

    @property
    def limit(self) -> int: ...


#: a scope that matches nothing (a township principal asking about another township)
NOTHING = "\x00nothing"


# -- rows -------------------------------------------------------------------------------------------
_UNIT_KEYS = tuple((k, f"u_{k}") for k in ("id", "name", "kind", "kind_label", "from", "to"))
_CASE_KEYS = tuple((k, f"w_{k}") for k in ("id", "flagged_on", "reasons", "status", "lifted_on"))


def shape(row: dict) -> dict:
    """Fold flat columns back into dicts: u_* → row["unit"], p_* → row["person"], w_* → row["case"]."""
    if "u_id" in row:
        row["unit"] = None if row["u_id"] is None else {k: row[c] for k, c in _UNIT_KEYS}
    if "p_id" in row:
        row["person"] = None if row["p_id"] is None else {"id": row["p_id"], "name": row["p_name"]}
    if "w_id" in row:
        row["case"] = {k: row[c] for k, c in _CASE_KEYS}
    return row


# -- batches ----------------------------------------------------------------------------------------
def grouped(runner: Runner, statement: Statement, ids: Sequence[str], as_of: dt.date, **params: Any) -> list[list[dict]]:
    """Run a batch statement for `ids`; return, per id in order, its rows (the statement's order kept)."""
    rows = runner.read(statement, {"ids": list(dict.fromkeys(ids)), "as_of": as_of, **params})
    by_id: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_id[r["id"]].append(shape(r))
    return [by_id.get(i, []) for i in ids]


def people(runner: Runner, ids: Sequence[str], as_of: dt.date) -> list[dict | None]:
    """Each person {id, name, work: [{title, from, unit}]} with the WORKS_AT links in force, or None."""
    out: list[dict[str, Any] | None] = []
    for g in grouped(runner, Q.PEOPLE, ids, as_of):
        if not g:
            out.append(None)
            continue
        work = [{"title": r["title"], "from": r["from"], "unit": r["unit"]} for r in g
                if r["unit"] is not None and in_force(r["from"], r["to"], as_of)
                and in_force(r["unit"]["from"], r["unit"]["to"], as_of)]
        out.append({"id": g[0]["id"], "name": g[0]["name"], "work": work})
    return out


def first_of(groups: list[list[dict]], key: str = "unit") -> list[dict | None]:
    return [g[0][key] if g else None for g in groups]


# -- scope ------------------------------------------------------------------------------------------
def subtree(runner: Runner, scope: str, as_of: dt.date) -> frozenset[str]:
    """The units under `scope` through the formal hierarchy (itself included), as of the date."""
    return frozenset(r["id"] for r in runner.read(Q.SUBTREE, {"scope": scope, "as_of": as_of}))


def effective_scope(runner: Runner, principal_scope: str | None, visible: frozenset[str] | None,
                    requested: str | None, as_of: dt.date) -> str | None:
    """The one unit whose subtree a list covers: the requested scope narrowed to what the principal sees.

    None means the whole graph; NOTHING means the principal may see none of it. A township principal
    asking for the district (an ancestor of its township) gets its township.
    """
    if principal_scope is None:
        return requested
    if requested is None or requested == principal_scope:
        return principal_scope
    assert visible is not None
    if requested in visible:
        return requested
    ancestors = {r["id"] for r in runner.read(Q.ANCESTORS, {"scope": principal_scope, "as_of": as_of})}
    return principal_scope if requested in ancestors else NOTHING


# -- lists --------------------------------------------------------------------------------------------
def _page(runner: Runner, unscoped: Statement, scoped: Statement, scope: str | None, page: Page,
          params: dict[str, Any]) -> tuple[list[dict], int]:
    if scope == NOTHING:
        return [], 0
    stmt = unscoped if scope is None else scoped
    rows = runner.read(stmt, {**params, "scope": scope, "skip": page.offset, "limit": page.limit})
    if not rows:
        return [], 0
    return rows[0]["page"], rows[0]["total"]


def list_units(runner: Runner, *, scope: str | None, kinds: list[str] | None, name: str | None,
               as_of: dt.date, page: Page) -> tuple[list[dict], int]:
    params = {"kinds": kinds, "name": name or None, "as_of": as_of}
    return _page(runner, Q.UNITS_PAGE, Q.UNITS_PAGE_SCOPED, scope, page, params)


def list_people(runner: Runner, *, scope: str | None, rel: str | None, as_of: dt.date,
                page: Page) -> tuple[list[dict], int]:
    """People by id: with a role link of type `rel` on the date, or (no rel) everyone; in a scope, linked into it."""
    if scope is not None:
        rels = [rel] if rel else Q.ALL_PERSON_RELS  # "linked to a unit in the scope" by any link
        return _page(runner, Q.PEOPLE_PAGE_SCOPED, Q.PEOPLE_PAGE_SCOPED, scope, page, {"rels": rels, "as_of": as_of})
    stmt = Q.PEOPLE_PAGE_WITH[rel] if rel else Q.PEOPLE_PAGE
    return _page(runner, stmt, stmt, None, page, {"as_of": as_of})


def list_weak_cases(runner: Runner, *, scope: str | None, status: str | None, as_of: dt.date,
                    page: Page) -> tuple[list[dict], int]:
    """Cases flagged on or before the date, newest first; status is as of the date (lifted later = open then)."""
    return _page(runner, Q.WEAK_PAGE, Q.WEAK_PAGE_SCOPED, scope, page, {"status": status, "as_of": as_of})


def case_status(case: dict, as_of: dt.date) -> str:
    return status_on(case, as_of)
