"""Load appointment records (意见与公示): written opinions and notice postings, as events.

Not a snapshot: a row adds a record or corrects the one with the same person, unit, type and
date; a record missing from a later file stays, and so does a stored value whose cell is empty.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from redengine.domain import conventions
from redengine.graph import records
from redengine.loaders import queries
from redengine.loaders.plan import Change, Ctx, Plan
from redengine.loaders.problems import Reason
from redengine.loaders.rows import AppointmentRow
from redengine.loaders.state import Units
from redengine.schema.model import RecordType


def _record_id(r: AppointmentRow) -> str:
    day = r.date.isoformat()
    if r.type is RecordType.OPINION:
        return records.opinion_id(r.person_id, r.unit_id, day)
    return records.notice_id(r.person_id, r.unit_id, day)


_OPTIONAL = ("end", "conclusion", "doc_no")


def _values(r: AppointmentRow) -> tuple:
    return tuple(getattr(r, k) for k in _OPTIONAL)


def plan_appointments(ctx: Ctx, rows: list[AppointmentRow]) -> Plan:
    p, src = ctx.problems, ctx.source
    units = Units(ctx)
    people = ctx.shared.people()
    by_id: dict[str, AppointmentRow] = {}
    for r in rows:
        rid = _record_id(r)
        if rid in by_id:
            other = by_id[rid]
            # an empty cell is "not given": rows of one record conflict only where both give a value
            if any(a is not None and b is not None and a != b for a, b in zip(_values(other), _values(r), strict=False)):
                p.error(Reason.DUPLICATE_ROW, f"the same record as row {other.row} with different values", r.row, "日期")
            else:
                p.warn(Reason.DUPLICATE_ROW, f"repeats row {other.row}", r.row)
                by_id[rid] = dataclasses.replace(other, **{k: v for k, v in zip(_OPTIONAL, _values(r), strict=False)
                                                          if getattr(other, k) is None})
            continue
        by_id[rid] = r
        if r.person_id not in people and r.person_id not in ctx.shared.unparsed_people:
            p.error(Reason.UNKNOWN_REF, f"person {r.person_id} is not in the graph", r.row, "人员编码")
        u = units.all.get(r.unit_id)
        if u is None:
            if r.unit_id not in ctx.shared.unparsed_units:
                p.error(Reason.UNKNOWN_REF, f"unit {r.unit_id} is not in the graph", r.row, "单位编码")
        elif not conventions.gives_records(u.kind):
            p.error(Reason.WRONG_KIND, f"opinions and notices come from villages and communities; {r.unit_id} is a {u.kind.value}",
                    r.row, "单位编码")
        elif not units.scoped(r.unit_id):
            p.error(Reason.OUT_OF_SCOPE, f"unit {r.unit_id} is not under the scope {ctx.scope}", r.row, "单位编码")
    if p.errors:
        return Plan()

    ids = sorted(by_id)
    have = {g["id"]: g for g in ctx.runner.read(queries.OPINIONS_BY_ID, {"ids": ids})}
    have |= {g["id"]: g for g in ctx.runner.read(queries.NOTICES_BY_ID, {"ids": ids})}
    opinions: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    plan = Plan()
    for rid, r in by_id.items():
        conclusion = r.conclusion.value if r.conclusion else None
        if r.type is RecordType.OPINION:
            given: dict[str, Any] = {"conclusion": conclusion, "doc_no": r.doc_no}
            target, row = opinions, {"date": r.date, "conclusion": conclusion}
        else:
            given = {"to": r.end, "doc_no": r.doc_no}
            target, row = notices, {"from": r.date, "to": r.end}
        g = have.get(rid)
        # an empty cell is "not given": it keeps the stored value (the upsert coalesces) and is no correction
        if g is not None and all(v is None or g[k] == v for k, v in given.items()):
            continue
        plan.note(f"{r.type.value}s {'added' if g is None else 'corrected'}", example=f"{r.person_id} @ {r.unit_id} {r.date}",
                  change=Change.ADDED if g is None else Change.CHANGED)
        target.append({"id": rid, "person_id": r.person_id, "unit_id": r.unit_id, "doc_no": r.doc_no, "source": src, **row})
    plan.add(records.UPSERT_OPINIONS, opinions)
    plan.add(records.UPSERT_NOTICES, notices)
    return plan
