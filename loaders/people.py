"""Plan a people roster (人员): add and rename people, move their workplace, keep personal data apart.

Sensitive values (ID-card number, phone) are compared inside the engine, never read back, and
never put in a message.
A person missing from a whole-district roster is ended; with --scope only their workplace link
in the scope is ended (they may have moved elsewhere in the district).
"""

from __future__ import annotations

from collections import defaultdict

from redengine.domain import statements as dated_reads
from redengine.domain.dated import in_force
from redengine.graph import links
from redengine.loaders import queries
from redengine.loaders.plan import Change, Ctx, Plan
from redengine.loaders.problems import Reason
from redengine.loaders.rows import PersonRow
from redengine.loaders.state import Units
from redengine.loaders.void import add_opens
from redengine.schema.model import ROLE_BY_REL


def plan_people(ctx: Ctx, rows: list[PersonRow]) -> Plan:
    p, day, src = ctx.problems, ctx.as_of, ctx.source
    units = Units(ctx)
    by_id: dict[str, PersonRow] = {}
    for r in rows:
        if r.id in by_id:
            p.error(Reason.DUPLICATE_ROW, f"person {r.id} is also on row {by_id[r.id].row}", r.row, "人员编码")
            continue
        by_id[r.id] = r
        if r.unit_id is not None and units.current(r.unit_id) is None:
            p.error(Reason.UNKNOWN_REF, f"unit {r.unit_id} does not exist on {day} (neither in the graph nor in a units roster of this load)",
                    r.row, "工作单位编码")
        elif units.in_scope is not None and (r.unit_id is None or not units.scoped(r.unit_id)):
            p.error(Reason.OUT_OF_SCOPE, f"a roster scoped to {ctx.scope} lists only people working there; "
                    f"{r.unit_id or 'no unit'} is outside it", r.row, "工作单位编码")
    people = ctx.shared.people()
    ctx.shared.unparsed_people |= ctx.unparsed
    if p.errors:
        for r in by_id.values():  # later files of the call may refer to them: no knock-on errors there
            if r.id not in people:
                ctx.shared.set_person(r.id, r.name, day, None)
        return Plan()

    people = dict(people)  # the graph as it is; the shared view is updated at the end
    works: dict[str, list[dict]] = defaultdict(list)
    for w in ctx.runner.read(dated_reads.AS_OF["WORKS_AT"], {"as_of": day}):
        if (w["src"], "WORKS_AT", w["dst"]) not in ctx.shared.ended_links:  # its unit ends in this call
            works[w["src"]].append(w)

    plan = Plan()
    upserts, reopen, personal, opens, ends, titles = [], [], [], [], [], []
    for r in by_id.values():
        g = people.get(r.id)
        if g is None:
            upserts.append({"id": r.id, "name": r.name, "from": day, "source": src})
            plan.note("people added", example=f"{r.id} {r.name}", change=Change.ADDED)
        else:
            if g["to"] is not None and g["to"] <= day:
                reopen.append({"id": r.id, "source": src})
                p.warn(Reason.CONFLICT, f"person {r.id} was ended on {g['to']}; listed again, so reopened", r.row)
            if g["name"] != r.name:
                upserts.append({"id": r.id, "name": r.name, "from": g["from"], "source": src})
                plan.note("people renamed", example=f"{r.id} {g['name']} → {r.name}", change=Change.CHANGED)
        if r.id_number or r.phone:  # empty cells mean "not given": SET_PERSONAL_DATA keeps what is stored
            personal.append({"id": r.id, "id_number": r.id_number, "phone": r.phone})
        target = (r.unit_id, r.title) if r.unit_id else None
        current, fixed = works.get(r.id, []), False
        for w in current:
            if (w["dst"], w["title"]) == target:
                continue
            if target and not fixed and w["dst"] == r.unit_id and w["from"] == day and w["to"] is None:
                titles.append({"src": r.id, "dst": w["dst"], "from": day, "title": r.title})  # same-day fix
                fixed = True
            else:
                ends.append({"src": r.id, "dst": w["dst"], "to": day, "source": src})
        if target and current and r.unit_id not in {w["dst"] for w in current}:
            plan.moved(f"{r.id} {r.name}: {'、'.join(sorted({w['dst'] for w in current}))} → {r.unit_id}")
        if target and not fixed and target not in {(w["dst"], w["title"]) for w in current}:
            opens.append({"src": r.id, "dst": r.unit_id, "from": day, "to": None, "title": r.title, "source": src})

    domain = [pid for pid, g in people.items() if in_force(g["from"], g["to"], day)]
    if units.in_scope is not None:
        domain = [pid for pid in domain if any(units.scoped(w["dst"]) for w in works.get(pid, []))]
    gone = [pid for pid in domain if pid not in by_id and pid not in ctx.unparsed]
    plan.covered, plan.left_out = len(domain), len(gone)
    for pid in gone:
        ends += [{"src": pid, "dst": w["dst"], "to": day, "source": src}
                 for w in works.get(pid, []) if units.scoped(w["dst"])]
    ended_people = [] if units.in_scope is not None else gone
    if ended_people:
        _warn_still_linked(ctx, set(ended_people))

    plan.add(links.UPSERT_PEOPLE, upserts)
    plan.add(queries.REOPEN["Person"], reopen, "people reopened", Change.CHANGED)
    known = [r for r in personal if r["id"] in people]  # new people have nothing stored to compare with
    if known:
        differs = {d["id"] for d in ctx.runner.read(queries.PERSONAL_DATA_DIFFERS, {"rows": known})}
        personal = [r for r in personal if r["id"] not in people or r["id"] in differs]
    plan.add(links.SET_PERSONAL_DATA, personal, "personal data set", Change.CHANGED)
    plan.add(links.END["WORKS_AT"], ends, "workplace links ended", Change.ENDED)
    again = add_opens(ctx, plan, "WORKS_AT", opens, "workplace links opened")
    plan.add(queries.SET_WORK_TITLE, [{k: r[k] for k in ("src", "dst", "from", "title")} for r in again])
    plan.add(queries.SET_WORK_TITLE, titles, "job titles corrected", Change.CHANGED)
    plan.add(links.END_PEOPLE, [{"id": pid, "to": day, "source": src} for pid in sorted(ended_people)], "people ended", Change.ENDED)
    for r in by_id.values():  # what later files of this call see
        g = people.get(r.id)
        ctx.shared.set_person(r.id, r.name, day if g is None else g["from"], None)
    for pid in ended_people:
        ctx.shared.set_person(pid, people[pid]["name"], people[pid]["from"], day)
    return plan


def _warn_still_linked(ctx: Ctx, gone: set[str]) -> None:
    held: dict[str, int] = defaultdict(int)
    for r in ctx.shared.person_links(ROLE_BY_REL):
        if r["person"] in gone and in_force(r["from"], r["to"], ctx.as_of):
            held[r["person"]] += 1
    for pid, n in sorted(held.items()):
        ctx.problems.warn(Reason.CONVENTION, f"person {pid} leaves the roster but still holds {n} link(s) "
                          "(liaison, secretary, ...); end them with a links roster")
