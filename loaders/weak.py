"""Plan a weak-organisations roster (软弱涣散): one case per unit and flagging date.

The roster lists the cases open on the snapshot date (and may list lifted ones). A case open in
the graph that the roster no longer lists is lifted on the snapshot date, with a warning.
"""

from __future__ import annotations

from redengine.domain.cases import is_open
from redengine.graph import records
from redengine.loaders import queries
from redengine.loaders.plan import Change, Ctx, Plan
from redengine.loaders.problems import Reason
from redengine.loaders.rows import WeakRow
from redengine.loaders.state import Units
from redengine.schema.model import WeakStatus


def plan_weak(ctx: Ctx, rows: list[WeakRow]) -> Plan:
    p, day, src = ctx.problems, ctx.as_of, ctx.source
    units = Units(ctx)
    by_id: dict[str, WeakRow] = {}
    for r in rows:
        cid = records.weak_case_id(r.unit_id, r.flagged_on.isoformat())
        if cid in by_id:
            p.error(Reason.DUPLICATE_ROW, f"the case of {r.unit_id} flagged on {r.flagged_on} is also on row {by_id[cid].row}",
                    r.row, "认定日期")
            continue
        by_id[cid] = r
        if r.unit_id not in units.all:
            if r.unit_id not in ctx.shared.unparsed_units:
                p.error(Reason.UNKNOWN_REF, f"unit {r.unit_id} is not in the graph", r.row, "单位编码")
        elif not units.scoped(r.unit_id):
            p.error(Reason.OUT_OF_SCOPE, f"unit {r.unit_id} is not under the scope {ctx.scope}", r.row, "单位编码")
        if r.flagged_on > day:
            p.error(Reason.BAD_ORDER, f"认定日期 {r.flagged_on} is after the snapshot date {day}", r.row, "认定日期")
    if p.errors:
        return Plan()

    graph = {g["id"]: g for g in ctx.runner.read(queries.WEAK_CASES)}
    plan, upserts = Plan(), []
    for cid, r in by_id.items():
        want = {"id": cid, "unit_id": r.unit_id, "flagged_on": r.flagged_on, "reasons": list(r.reasons),
                "status": r.status.value, "lifted_on": r.lifted_on, "source": src}
        g = graph.get(cid)
        if g is None:
            plan.note("weak cases added", change=Change.ADDED)
        elif (g["reasons"] or [], g["status"], g["lifted_on"]) != (want["reasons"], want["status"], r.lifted_on):
            plan.note("weak cases updated", change=Change.CHANGED)
        else:
            continue
        upserts.append(want)
    lifted = []
    for cid, g in sorted(graph.items()):
        if not (units.scoped(g["unit_id"]) and is_open(g, day)):
            continue
        plan.covered += 1
        if cid not in by_id:
            plan.left_out += 1
            lifted.append({"id": cid, "unit_id": g["unit_id"], "flagged_on": g["flagged_on"], "reasons": g["reasons"] or [],
                           "status": WeakStatus.LIFTED.value, "lifted_on": day, "source": src})
            p.warn(Reason.CONVENTION, f"the case of {g['unit_id']} flagged on {g['flagged_on']} is not in this roster; "
                   f"recorded as lifted (已摘帽) on {day}")
    open_by_unit: dict[str, list[WeakRow]] = {}
    for r in by_id.values():
        if r.status is WeakStatus.RECTIFYING:
            open_by_unit.setdefault(r.unit_id, []).append(r)
    for unit, rs in open_by_unit.items():
        if len(rs) > 1:
            p.warn(Reason.CONVENTION, f"{unit} has {len(rs)} open cases at once (rows {', '.join(str(r.row) for r in rs)})", rs[-1].row)
    plan.add(records.UPSERT_WEAK_CASES, upserts)
    plan.add(records.UPSERT_WEAK_CASES, lifted, "weak cases lifted (not listed)", Change.ENDED)
    return plan
