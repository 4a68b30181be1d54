"""Plan a links roster (联系与任职): liaison, leader, commissioner, secretary and committee links.

Each (person, role, unit) may have several dated rows (history). A row matches the graph's link
with the same start, else one whose interval overlaps it; a link the roster no longer lists is
ended on the snapshot date. Conventions (a leader contacts at most two townships, one
commissioner per village, ...) are warnings, not errors.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from redengine.domain import conventions
from redengine.domain.dated import in_force as _holds
from redengine.domain.dated import overlaps as _overlap
from redengine.domain.leaders import Seat, has_district_seat
from redengine.graph import links
from redengine.loaders.plan import Change, Ctx, Plan
from redengine.loaders.problems import Reason
from redengine.loaders.rows import LinkRow
from redengine.loaders.state import Units
from redengine.loaders.void import add_opens
from redengine.schema.model import LEADER_MAX_TOWNSHIPS, ROLE_BY_REL, ROLES, Role

Key = tuple[str, str, str]  # person, rel, unit


def plan_roles(ctx: Ctx, rows: list[LinkRow]) -> Plan:
    p, day = ctx.problems, ctx.as_of
    units = Units(ctx)
    people = ctx.shared.people()
    by_key: dict[Key, list[LinkRow]] = defaultdict(list)
    for r in rows:
        spec = ROLES[r.role]
        u = units.all.get(r.unit_id)
        if r.person_id not in people and r.person_id not in ctx.shared.unparsed_people:
            p.error(Reason.UNKNOWN_REF, f"person {r.person_id} is not in the graph; load the people roster first", r.row, "人员编码")
        if u is None:
            if r.unit_id not in ctx.shared.unparsed_units:
                p.error(Reason.UNKNOWN_REF, f"unit {r.unit_id} is neither in the graph nor in a units roster of this load",
                        r.row, "单位编码")
            continue
        if u.kind not in spec.unit_kinds:
            p.error(Reason.WRONG_KIND, f"{spec.label_zh} links a person to a {'/'.join(sorted(k.value for k in spec.unit_kinds))}; "
                    f"{r.unit_id} is a {u.kind.value}", r.row, "单位编码")
        elif _holds(r.start, r.end, day) and not u.holds(day):
            p.error(Reason.UNKNOWN_REF, f"unit {r.unit_id} does not exist on {day}", r.row, "单位编码")
        elif not units.scoped(r.unit_id):
            p.error(Reason.OUT_OF_SCOPE, f"unit {r.unit_id} is not under the scope {ctx.scope}", r.row, "单位编码")
        key = (r.person_id, spec.rel, r.unit_id)
        for other in by_key[key]:
            if _overlap(r.start, r.end, other.start, other.end):
                p.error(Reason.DUPLICATE_ROW, f"overlaps row {other.row} (same person, 关系 and unit)", r.row, "开始日期")
                break
        else:
            by_key[key].append(r)
    if p.errors:
        return Plan()

    graph: dict[Key, list[dict]] = defaultdict(list)
    for link in ctx.shared.person_links(ROLE_BY_REL):
        if link["to"] is None or link["from"] < link["to"]:  # a zero-length link never held (add_opens reopens it)
            graph[(link["person"], link["rel"], link["unit"])].append(link)

    opens: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ends: dict[str, list[dict[str, Any]]] = defaultdict(list)
    corrects: dict[str, list[dict[str, Any]]] = defaultdict(list)
    src, covered, left_out = ctx.source, 0, 0
    for key in set(by_key) | {k for k in graph if units.scoped(k[2])}:
        person, rel, unit = key
        matched: list[dict[str, Any]] = []
        for r in sorted(by_key.get(key, []), key=lambda r: r.start):
            g: dict[str, Any] | None = next((g for g in graph[key] if g["from"] == r.start), None) or next(
                (g for g in graph[key] if g not in matched and _overlap(r.start, r.end, g["from"], g["to"])), None)
            if g is None:
                opens[rel].append({"src": person, "dst": unit, "from": r.start, "to": r.end, "source": src})
                continue
            matched.append(g)
            if g["from"] != r.start and g["to"] is None:
                p.error(Reason.CONFLICT, f"overlaps the open {ROLES[r.role].label_zh} link of {person} and {unit} that began on "
                        f"{g['from']} in the graph; give that start date, or end that link first", r.row, "开始日期")
                continue
            if g["from"] != r.start:
                p.warn(Reason.CONFLICT, f"this link began on {g['from']} in the graph; kept that, not {r.start}", r.row, "开始日期")
            if g["to"] == r.end:
                continue
            if g["to"] is None:
                ends[rel].append({"src": person, "dst": unit, "to": r.end, "source": src})
            else:
                corrects[rel].append({"src": person, "dst": unit, "from": g["from"], "to": r.end, "source": src})
                p.warn(Reason.CONFLICT, f"the graph ended this link on {g['to']}; now " +
                       (f"on {r.end}" if r.end else "it holds again"), r.row, "结束日期")
        for g in graph[key]:
            if not _holds(g["from"], g["to"], day):
                continue
            covered += 1
            if g in matched:
                continue
            left_out += 1
            if g["to"] is None:
                ends[rel].append({"src": person, "dst": unit, "to": day, "source": src})
            else:  # an end planned after the snapshot date: the roster says it has ended already
                corrects[rel].append({"src": person, "dst": unit, "from": g["from"], "to": day, "source": src})

    if p.errors:
        return Plan()
    _conventions(ctx, by_key, graph, units)
    plan = Plan(covered=covered, left_out=left_out)
    for rel in sorted(ROLE_BY_REL):
        plan.add(links.END[rel], ends[rel], "links ended", Change.ENDED)
        plan.add(links.CORRECT_END[rel], corrects[rel], "link ends corrected", Change.CHANGED)
        add_opens(ctx, plan, rel, opens[rel], "links opened")
    return plan


def _conventions(ctx: Ctx, by_key, graph, units: Units) -> None:
    """Warn where the links holding on the snapshot date break the programme's conventions."""
    day = ctx.as_of
    held: dict[Key, int | None] = {k: r.row for k, rs in by_key.items() for r in rs if _holds(r.start, r.end, day)}
    for k, gs in graph.items():
        if not units.scoped(k[2]) and any(_holds(g["from"], g["to"], day) for g in gs):
            held.setdefault(k, None)
    by_person: dict[tuple[str, Role], list[str]] = defaultdict(list)
    by_unit: dict[tuple[str, Role], list[str]] = defaultdict(list)
    for (person, rel, unit) in held:
        by_person[(person, ROLE_BY_REL[rel])].append(unit)
        by_unit[(unit, ROLE_BY_REL[rel])].append(person)
    rows = {(k[0], ROLE_BY_REL[k[1]]): n for k, n in held.items() if n}
    warn = ctx.problems.warn
    for (person, role), unit_ids in sorted(by_person.items()):
        row = rows.get((person, role))
        if role is Role.LEADER and not conventions.leader_townships_ok(len(unit_ids)):
            warn(Reason.CONVENTION, f"{person} contacts {len(unit_ids)} townships; a leader contacts 1–{LEADER_MAX_TOWNSHIPS}", row)
        if conventions.too_many_units(role, len(unit_ids)):
            warn(Reason.CONVENTION, f"{person} is commissioner of {len(unit_ids)} villages; one each is the rule", row)
        if role is Role.LEADER:
            seats = [Seat(day, None, units.all[u].kind.value, units.all[u].start, units.all[u].end)
                     for u in by_person.get((person, Role.MEMBER), [])]  # memberships holding on the day
            if not has_district_seat(seats, day):
                warn(Reason.CONVENTION, f"{person} contacts townships but is not a member (班子成员) of the district committee", row)
    for (unit, role), persons in sorted(by_unit.items()):
        if conventions.too_many_holders(role, len(persons)):
            warn(Reason.CONVENTION, f"{unit} has {len(persons)} {ROLES[role].label_zh} at once: {'、'.join(sorted(persons))}")
