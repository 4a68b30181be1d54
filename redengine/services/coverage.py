"""Coverage on a date: the counts and every gap (`redengine.domain.gaps`) for the district or a township."""

from __future__ import annotations

import datetime as dt

from redengine.domain.gaps import GAP_ORDER, Gap, composite_gaps, leader_gaps, township_gaps, village_gaps
from redengine.errors import BadInput
from redengine.schema.model import UnitKind
from redengine.services import queries as Q
from redengine.services.read import first_of, grouped, shape
from redengine.types import Runner


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


