"""Plan a units roster (组织): add, change and end units and their parent and composite-committee links."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from redengine.domain import statements as dated_reads
from redengine.graph import links, records
from redengine.loaders import queries
from redengine.loaders.plan import Change, Ctx, Plan
from redengine.loaders.problems import Reason
from redengine.loaders.rows import UnitRow
from redengine.loaders.state import UnitNow, Units
from redengine.loaders.void import add_opens
from redengine.schema.model import COORDINATED_KINDS, PARENT_KINDS, PERSON_LINKS, EventKind, UnitKind


def plan_units(ctx: Ctx, rows: list[UnitRow]) -> Plan:
    p, day = ctx.problems, ctx.as_of
    units = Units(ctx, parents=True)
    by_id: dict[str, UnitRow] = {}
    for r in rows:
        if r.id in by_id:
            p.error(Reason.DUPLICATE_ROW, f"unit {r.id} is also on row {by_id[r.id].row}", r.row, "编码")
        else:
            by_id[r.id] = r
    covered = {uid for uid, u in units.all.items() if u.holds(day) and units.scoped(uid)} - {ctx.scope}
    ending = covered - set(by_id) - ctx.unparsed

    def kind_of(uid: str) -> UnitKind | None:
        """The kind of a unit the roster may refer to (in it, or in the graph and not ended by it); None: none."""
        if uid in by_id:
            return by_id[uid].kind
        u = units.current(uid)
        return u.kind if u is not None and uid not in ending else None

    for r in by_id.values():
        _check_refs(ctx, r, by_id, kind_of, units)
        if r.valid_from and r.valid_from > day:
            p.error(Reason.BAD_ORDER, f"生效日期 {r.valid_from} is after the snapshot date {day}", r.row, "生效日期")
        for pred in r.predecessor_ids:
            if pred not in units.all and pred not in by_id and pred not in ctx.unparsed:
                p.error(Reason.UNKNOWN_REF, f"predecessor {pred} is no known unit", r.row, "前身编码")
    _check_cycles(ctx, by_id, units)
    if units.in_scope is not None:
        _check_scope(ctx, by_id, units)
    ctx.shared.unparsed_units |= ctx.unparsed
    if p.errors:
        for r in by_id.values():  # later files of the call may refer to them: no knock-on errors there
            if r.id not in units.all:
                ctx.shared.set_unit(UnitNow(r.id, r.name, r.kind, r.kind_label, r.valid_from or day, None), r.parent_id, r.valid_from)
        return Plan()
    plan = _diff(ctx, by_id, units, ending)
    plan.covered, plan.left_out = len(covered), len(ending)
    return plan


def _check_refs(ctx: Ctx, r: UnitRow, by_id, kind_of, units: Units) -> None:
    p = ctx.problems
    allowed = PARENT_KINDS[r.kind]
    if r.parent_id is None:
        if allowed:
            p.error(Reason.REQUIRED, f"上级编码 is required for a {r.kind_label}", r.row, "上级编码")
    elif not allowed:
        p.error(Reason.WRONG_KIND, f"a {r.kind_label} has no parent unit, but {r.parent_id} is given", r.row, "上级编码")
    elif r.parent_id not in ctx.unparsed:
        pk = kind_of(r.parent_id)
        if r.parent_id == r.id:
            p.error(Reason.CYCLE, "a unit cannot be its own parent", r.row, "上级编码")
        elif pk is None:
            p.error(Reason.UNKNOWN_REF, _unknown(r.parent_id, units, ctx), r.row, "上级编码")
        elif pk not in allowed:
            p.error(Reason.WRONG_KIND, f"parent {r.parent_id} is a {pk.value}; a {r.kind_label} belongs to "
                    f"{' or '.join(k.value for k in sorted(allowed))}", r.row, "上级编码")
    if r.composite_id is not None and r.composite_id not in ctx.unparsed:
        ck = kind_of(r.composite_id)
        if r.kind not in COORDINATED_KINDS:
            p.error(Reason.WRONG_KIND, f"a {r.kind_label} is not coordinated by a composite committee", r.row, "综合党委编码")
        elif ck is None:
            p.error(Reason.UNKNOWN_REF, _unknown(r.composite_id, units, ctx), r.row, "综合党委编码")
        elif ck is not UnitKind.COMPOSITE:
            p.error(Reason.WRONG_KIND, f"{r.composite_id} is a {ck.value}, not a composite committee", r.row, "综合党委编码")
        else:
            own = by_id[r.composite_id].parent_id if r.composite_id in by_id else units.parent.get(r.composite_id)
            if own and r.parent_id and own != r.parent_id:
                p.warn(Reason.CONVENTION, f"composite committee {r.composite_id} belongs to {own}, "
                       f"but this unit belongs to {r.parent_id}", r.row, "综合党委编码")


def _unknown(uid: str, units: Units, ctx: Ctx) -> str:
    u = units.all.get(uid)
    if u is None:
        return f"{uid} is neither in this roster nor in the graph"
    if u.holds(ctx.as_of):
        return f"{uid} is in the scope but missing from this roster, which would end it"
    return f"{uid} does not exist on {ctx.as_of} (ended {u.end})" if u.end else f"{uid} starts only on {u.start}"


def _check_cycles(ctx: Ctx, by_id: dict[str, UnitRow], units: Units) -> None:
    """A chain of parents (this roster's, else the graph's) that comes back to where it started."""
    def parent(uid: str) -> str | None:
        return by_id[uid].parent_id if uid in by_id else units.parent.get(uid)

    reported: set[str] = set()
    for r in by_id.values():
        chain, uid = [r.id], parent(r.id)
        while uid is not None and uid not in chain and len(chain) <= len(by_id) + 1:
            chain.append(uid)
            uid = parent(uid)
        if uid == r.id and len(chain) > 1 and not reported & set(chain):
            reported.update(chain)
            ctx.problems.error(Reason.CYCLE, f"the parents loop: {' → '.join(chain + [r.id])}", r.row, "上级编码")


def _check_scope(ctx: Ctx, by_id: dict[str, UnitRow], units: Units) -> None:
    """With --scope, every row's chain of parents (through this roster, then the graph) must reach the scope unit."""
    memo: dict[str, bool] = {}

    def inside(uid: str, seen: frozenset[str]) -> bool:
        if uid == ctx.scope or uid in ctx.unparsed:
            return True
        if uid in memo:
            return memo[uid]
        row = by_id.get(uid)
        if row is None:
            ok = units.scoped(uid)
        else:
            ok = row.parent_id is not None and row.parent_id not in seen and inside(row.parent_id, seen | {uid})
        memo[uid] = ok
        return ok

    for r in by_id.values():
        if r.id != ctx.scope and not inside(r.id, frozenset()):
            ctx.problems.error(Reason.OUT_OF_SCOPE, f"unit {r.id} is not under the scope {ctx.scope}", r.row, "编码")


def _unit_params(r: UnitRow, ctx: Ctx, start) -> dict:
    return {"id": r.id, "name": r.name, "kind": r.kind.value, "kind_label": r.kind_label, "from": start, "source": ctx.source}


def _diff(ctx: Ctx, by_id: dict[str, UnitRow], units: Units, ending: set[str]) -> Plan:
    p, day, src = ctx.problems, ctx.as_of, ctx.source
    plan = Plan()
    coordinator = {r["src"]: (r["dst"], r["from"]) for r in ctx.runner.read(dated_reads.AS_OF["COORDINATED_BY"], {"as_of": day})}
    upserts, reopen, renames = [], [], []
    opens: dict[str, list] = defaultdict(list)
    ends: dict[str, list] = defaultdict(list)

    def move(rel: str, r: UnitRow, current: tuple[str, object] | None, target: str | None, when, label: str,
             since=None):
        """Change the link to `target` on `when`; returns the date the change takes, None when there is none.

        A 生效日期 dates a change only when it is after the current link's start (or, with no current link,
        after the unit's own start `since`): one on or before it is a date copied forward from an earlier
        roster, so the change takes the snapshot date, with a warning; one on the snapshot date is a
        same-day correction. One before the current link's start contradicts the graph.
        """
        if (current[0] if current else None) == target:
            return None
        start = current[1] if current is not None else since
        if start is not None and when != day and when <= start:
            if current is not None and when < start:
                p.error(Reason.CONFLICT, f"the change of {label} from {current[0]} cannot take effect on {when}: "
                        f"that link began on {start}", r.row, "生效日期")
                return None
            began = f"the {label} link to {current[0]} began" if current is not None else f"unit {r.id} began"
            p.warn(Reason.CONFLICT, f"生效日期 {when} is not after {start}, when {began} (a date copied from an "
                   f"earlier roster?): the change of {label} to {target or 'none'} takes effect on {day}, "
                   f"the snapshot date", r.row, "生效日期")
            when = day
        if rel == "PART_OF" and current is not None and target is not None:
            plan.moved(f"{r.id} {r.name}: {current[0]} → {target} ({when})")
        if current is not None:
            ends[rel].append({"src": r.id, "dst": current[0], "to": when, "source": src})
        if target is not None:
            opens[rel].append({"src": r.id, "dst": target, "from": when, "to": None, "source": src})
        return when

    after: list[tuple[UnitNow, str | None, dt.date | None]] = []  # the call's view of each listed unit once applied
    for r in by_id.values():
        g = units.all.get(r.id)
        when = r.valid_from or day
        since = None  # an existing unit's start: a link it gains is dated as a change of one it had
        if g is None:
            upserts.append(_unit_params(r, ctx, when))
            plan.note("units added", example=f"{r.id} {r.name}", change=Change.ADDED)
            now = UnitNow(r.id, r.name, r.kind, r.kind_label, when, None)
        else:
            end, since = g.end, g.start
            if g.end is not None and g.end <= day:
                reopen.append({"id": r.id, "source": src})
                p.warn(Reason.CONFLICT, f"unit {r.id} was ended on {g.end}; this roster lists it again, so it is reopened", r.row)
                when, end = day, None
            now = UnitNow(r.id, r.name, r.kind, r.kind_label, g.start, end)
            if (g.name, g.kind, g.kind_label) != (r.name, r.kind, r.kind_label):
                upserts.append(_unit_params(r, ctx, g.start))
                plan.note("units changed", example=f"{r.id} {g.name} → {r.name}" if g.name != r.name else f"{r.id} {r.name}",
                          change=Change.CHANGED)
                if g.name != r.name:
                    renames.append({"id": f"rename:{r.id}:{when}", "kind": EventKind.RENAME.value, "on": when,
                                    "note": f"{g.name} → {r.name}", "from_ids": [r.id], "to_ids": [r.id], "source": src})
        current_parent = (units.parent[r.id], units.parent_from[r.id]) if r.id in units.parent else None
        moved = move("PART_OF", r, current_parent, r.parent_id, when, "parent", since)
        move("COORDINATED_BY", r, coordinator.get(r.id), r.composite_id, when, "composite committee", since)
        after.append((now, r.parent_id, moved or when))

    for uid in sorted(ending):
        ends["PART_OF"] += [{"src": uid, "dst": units.parent[uid], "to": day, "source": src}] if uid in units.parent else []
        if uid in coordinator:
            ends["COORDINATED_BY"].append({"src": uid, "dst": coordinator[uid][0], "to": day, "source": src})
    ends["COORDINATED_BY"] += [{"src": s, "dst": d, "to": day, "source": src}
                               for s, (d, _) in coordinator.items() if d in ending and s not in ending]
    person_ends = _person_links_to(ctx, ending) if ending else {}

    # a rename is recorded before the new name is written: a re-run after a crash in between still sees the change
    if renames:
        plan.steps += records.unit_event_steps(renames)
        plan.note("unit events", len(renames), change=Change.ADDED)
    events = _successions(ctx, by_id, units)
    plan.add(links.UPSERT_UNITS, upserts)
    plan.add(queries.REOPEN["Unit"], reopen, "units reopened", Change.CHANGED)
    for rel, what in (("PART_OF", "parent links"), ("COORDINATED_BY", "composite links")):
        plan.add(links.END[rel], ends[rel], f"{what} ended", Change.ENDED)
        add_opens(ctx, plan, rel, opens[rel], f"{what} opened")
    # a unit's person links end before the unit: once it is ended, a re-run after a crash no longer sees it in the snapshot
    for rel, rows in person_ends.items():
        plan.add(links.END[rel], rows, "person links ended with their unit", Change.ENDED)
    plan.add(links.END_UNITS, [{"id": uid, "to": day, "source": src} for uid in sorted(ending)], "units ended", Change.ENDED)
    if events:
        plan.steps += records.unit_event_steps(events)
        plan.note("unit events", len(events), change=Change.ADDED)
        for e in events:
            plan.examples["unit events"].append(f"{e['kind']}: {e['note']}")
    for unit, parent, since in after:  # what later files of this call see
        ctx.shared.set_unit(unit, parent, since)
    for uid in ending:
        ctx.shared.end_unit(uid)
    for rel, rows in person_ends.items():
        for r in rows:
            ctx.shared.ended_links[(r["src"], rel, r["dst"])] = day
    return plan


def _person_links_to(ctx: Ctx, ending: set[str]) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in ctx.shared.person_links(PERSON_LINKS):
        if r["unit"] in ending and r["to"] is None and r["from"] <= ctx.as_of:
            out[r["rel"]].append({"src": r["person"], "dst": r["unit"], "to": ctx.as_of, "source": ctx.source})
    return out


def _successions(ctx: Ctx, by_id: dict[str, UnitRow], units: Units) -> list[dict]:
    """Merge/split/recode events from 前身编码: predecessors and successors that share any unit form one event."""
    group: dict[str, str] = {}

    def find(x: str) -> str:
        while group.setdefault(x, x) != x:
            x = group[x]
        return x

    for r in by_id.values():
        for pred in r.predecessor_ids:
            group[find(pred)] = find(r.id)
    comps: dict[str, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for r in by_id.values():
        if r.predecessor_ids:
            froms, tos = comps[find(r.id)]
            froms.update(r.predecessor_ids)
            tos.add(r.id)
    # an event counts as recorded only with all its links (a crash may have left it half written)
    known = {e["id"]: (set(e["from_ids"] or ()), set(e["to_ids"] or ())) for e in ctx.runner.read(records.UNIT_EVENTS)} if comps else {}
    events = []
    for froms, tos in comps.values():
        on = min(by_id[t].valid_from or ctx.as_of for t in tos)
        only = units.all.get(next(iter(tos)))
        if len(tos) > 1:
            kind = EventKind.SPLIT
        elif len(froms) > 1 or (only is not None and only.start is not None and only.start < on):
            kind = EventKind.MERGE  # several into one, or one absorbed by a unit that existed before
        else:
            kind = EventKind.RENAME  # one unit under a new code
        eid = f"{kind.value}:{'+'.join(sorted(froms))}>{'+'.join(sorted(tos))}"
        if known.get(eid) == (froms, tos):
            continue
        names = lambda ids: "、".join(by_id[i].name if i in by_id else units.all[i].name for i in sorted(ids))  # noqa: E731
        events.append({"id": eid, "kind": kind.value, "on": on, "note": f"{names(froms)} → {names(tos)}",
                       "from_ids": sorted(froms), "to_ids": sorted(tos), "source": ctx.source})
    return events
