"""Read services: the organisation department's questions answered as plain dicts (no GraphQL here).

Each function takes the runner and plain arguments and runs as few statements as it can; the
GraphQL types only shape what these return. Rows carry units as {id, name, kind, kind_label,
from, to} and people as {id, name}.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from redengine.api import queries as Q
from redengine.api.inputs import BadInput
from redengine.api.pagination import Page
from redengine.domain import appointment as rule
from redengine.domain.appointment import Blocker, Warning_
from redengine.domain.cases import status_on
from redengine.domain.dated import in_force
from redengine.domain.gaps import GAP_ORDER, Gap, composite_gaps, leader_gaps, township_gaps, village_gaps
from redengine.graph.statements import Statement
from redengine.schema.model import UnitKind
from redengine.types import Runner

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


# -- coverage -----------------------------------------------------------------------------------------
def coverage(runner: Runner, scope_unit: dict | None, as_of: dt.date) -> dict:
    """Counts and gaps for the whole graph (scope_unit None), a district or a township.

    Four statements for a small scope, six for a large one (see SET_BASED_TOWNSHIPS); never one per unit.
    """
    kind = scope_unit["kind"] if scope_unit else None
    if scope_unit is not None and kind not in (UnitKind.DISTRICT.value, UnitKind.TOWNSHIP.value):
        raise BadInput("scope", f"coverage is asked for the district or a township, not a {kind} ({scope_unit['id']})")
    scope = scope_unit["id"] if scope_unit else None
    if scope is None:
        rows = runner.read(Q.COVERAGE_TOWNSHIPS, {"as_of": as_of})
    else:
        rows = runner.read(Q.COVERAGE_TOWNSHIPS_SCOPED, {"scope": scope, "as_of": as_of})
    townships = {r["u_id"]: {"unit": shape(r)["unit"], "leaders": r["leaders"]} for r in rows}
    if kind == UnitKind.TOWNSHIP.value:
        leaders = runner.read(Q.COVERAGE_TOWNSHIP_LEADERS, {"scope": scope, "as_of": as_of})
    else:
        leaders = runner.read(Q.COVERAGE_LEADERS, {"district": scope, "as_of": as_of})
    leaders = [shape(r) for r in leaders]
    composites: dict[str, dict] = {}
    for r in runner.read(Q.COVERAGE_COMPOSITES, {"townships": sorted(townships), "as_of": as_of}):
        r = shape(r)
        c = composites.setdefault(r["u_id"], {"unit": r["unit"], "secretaries": []})
        if r["person"] is not None:
            c["secretaries"].append((r["person"], r["memberships"] > 0))

    gaps: list[dict] = []
    for t in townships.values():
        gaps += [_gap(kind, t["unit"]) for kind in township_gaps(int(t["leaders"]))]
    for c in composites.values():
        people = {p["id"]: p for p, _ in c["secretaries"]}
        gaps += [_gap(kind, c["unit"], people.get(pid) if pid else None)
                 for kind, pid in composite_gaps((p["id"], on) for p, on in c["secretaries"])]
    for ld in leaders:
        gaps += [_gap(kind, ld["unit"], ld["person"], int(ld["townships"])) for kind in leader_gaps(int(ld["townships"]))]

    v = _village_facts(runner, sorted(townships), as_of)
    for lack in v["lacking"]:
        gaps += [_gap(kind, lack["unit"]) for kind in village_gaps(lack["composites"], lack["liaisons"], lack["commissioners"])]
    gaps.sort(key=lambda g: (GAP_ORDER[g["kind"]], g["unit"]["id"] if g["unit"] else "", g["person"]["id"] if g["person"] else ""))
    return {
        "scope": scope_unit,
        "as_of": as_of,
        "townships": len(townships),
        "townships_with_leader": sum(1 for t in townships.values() if int(t["leaders"]) > 0),
        "leaders": len({ld["person"]["id"] for ld in leaders}),
        "villages": v["villages"],
        "villages_with_composite": v["with_composite"],
        "villages_with_liaison": v["with_liaison"],
        "villages_with_commissioner": v["with_commissioner"],
        "composites": len(composites),
        "composites_with_secretary": sum(1 for c in composites.values() if c["secretaries"]),
        "gaps": gaps,
    }


#: above this many townships, village facts are taken as whole sets by link type (a few scans of the
#: graph) instead of village by village (whose cost grows with the villages in the scope)
SET_BASED_TOWNSHIPS = 40


def _village_facts(runner: Runner, townships: list[str], as_of: dt.date) -> dict:
    """Village counts and the villages lacking something: {villages, with_*, lacking: [{unit, composites, …}]}."""
    if len(townships) <= SET_BASED_TOWNSHIPS:
        rows = runner.read(Q.COVERAGE_VILLAGES, {"townships": townships, "as_of": as_of})
        r = rows[0] if rows else {}
        lacking = [{**x, **{k: int(x[k]) for k in ("composites", "liaisons", "commissioners")}} for x in r.get("lacking") or []]
        return {"villages": int(r.get("villages") or 0), "with_composite": int(r.get("with_composite") or 0),
                "with_liaison": int(r.get("with_liaison") or 0), "with_commissioner": int(r.get("with_commissioner") or 0),
                "lacking": lacking}
    rows = runner.read(Q.COVERAGE_VILLAGE_IDS, {"townships": townships, "as_of": as_of})
    villages = set(rows[0]["ids"]) if rows else set()
    facts = {r["fact"]: set(r["ids"]) & villages for r in runner.read(Q.COVERAGE_VILLAGE_FACTS, {"as_of": as_of})}
    have = {k: facts.get(k, set()) for k in ("composite", "liaison", "commissioner")}
    short = sorted(v for v in villages if not all(v in ids for ids in have.values()))
    units = dict(zip(short, first_of(grouped(runner, Q.UNITS, short, as_of)), strict=False)) if short else {}
    lacking = [{"unit": units[v], "composites": int(v in have["composite"]), "liaisons": int(v in have["liaison"]),
                "commissioners": int(v in have["commissioner"])} for v in short]
    return {"villages": len(villages), "with_composite": len(have["composite"]), "with_liaison": len(have["liaison"]),
            "with_commissioner": len(have["commissioner"]), "lacking": lacking}


def _gap(kind: Gap, unit: dict | None, person: dict | None = None, count: int | None = None) -> dict:
    return {"kind": kind, "unit": unit, "person": person, "count": count}


# -- appointment check ------------------------------------------------------------------------------
def appointment_check(runner: Runner, person_id: str, as_of: dt.date,
                      visible: Iterable[str] | None = None) -> dict | None:
    """The pre-appointment check for one cadre, in one statement; None if the person is unknown.

    Villages: those the cadre liaises with on the date. An opinion counts if dated on or before the
    date; the latest one decides. A notice counts if its posting began on or before the date. With
    `visible` (a township principal) only those villages are checked, `scoped` says so, and an
    OUTSIDE_SCOPE warning (with how many) says the cadre also liaises with villages not checked.
    """
    rows = runner.read(Q.APPOINTMENT_CHECK, {"person": person_id, "as_of": as_of})
    if not rows:
        return None
    allowed = None if visible is None else set(visible)
    villages, blockers, warnings = [], [], []
    outside = 0
    for r in rows:
        unit = r["unit"]
        if unit is None:
            continue
        if allowed is not None and unit["id"] not in allowed:
            outside += 1
            continue
        opinions = sorted(r["opinions"] or [], key=lambda o: (o["date"], o["id"]))
        notices = sorted(r["notices"] or [], key=lambda n: (n["from"], n["id"]))
        opinion, notice = rule.deciding(opinions, "date"), rule.deciding(notices, "from")
        villages.append({"unit": unit, "from": r["from"], "to": r["to"], "opinion": opinion, "opinions": opinions,
                         "notice": notice, "notices": notices})
        found_blockers, found_warnings = rule.village_findings(opinion, notice)
        blockers += [{"kind": b, "unit": unit} for b in found_blockers]
        warnings += [{"kind": w, "unit": unit, "opinion": opinion} for w in found_warnings]
    if not villages:
        blockers.insert(0, {"kind": Blocker.NO_LIAISON, "unit": None})
    if outside:  # a verdict over part of the cadre's villages: say so, without naming the others
        warnings.append({"kind": Warning_.OUTSIDE_SCOPE, "unit": None, "opinion": None, "count": outside})
    return {
        "person": rows[0]["person"],
        "as_of": as_of,
        "villages": villages,
        "blockers": blockers,
        "warnings": warnings,
        "verdict": rule.verdict(blockers),
        "scoped": allowed is not None,
    }
