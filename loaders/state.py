"""The graph as a load sees it: read once per call, overlaid with what the call's earlier files change.

Several files of one call are planned before anything is written, in dependency order; a later
file (links) must see the units and people an earlier file (units, people) adds or ends.
`Shared` holds that view; `Units` is one planner's look at the units in it, with the scope.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from redengine.domain import statements as dated_reads
from redengine.domain.dated import in_force
from redengine.loaders import queries
from redengine.loaders.problems import Reason
from redengine.schema.model import DATED_LINKS, UnitKind
from redengine.types import Runner

Key = tuple[str, str, str]  # person, rel, unit


@dataclass(frozen=True)
class UnitNow:
    id: str
    name: str
    kind: UnitKind
    kind_label: str
    start: dt.date | None
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return in_force(self.start, self.end, day)


class Shared:
    """Graph state for one call (one as-of date), read lazily once, plus the plans made so far."""

    def __init__(self, runner: Runner, as_of: dt.date):
        self.runner, self.as_of = runner, as_of
        self._units: dict[str, UnitNow] | None = None
        self._parent: tuple[dict[str, str], dict[str, dt.date]] | None = None
        self._people: dict[str, dict] | None = None
        self._history: dict[str, list[dict]] = {}
        self._void: set[tuple[str, str, str, dt.date]] | None = None
        #: person links an earlier file of the call ends (its unit ended): key → end date
        self.ended_links: dict[Key, dt.date] = {}
        #: ids of rows of earlier files that failed their own checks (no knock-on errors for them)
        self.unparsed_units: set[str] = set()
        self.unparsed_people: set[str] = set()

    def units(self) -> dict[str, UnitNow]:
        if self._units is None:
            self._units = {r["id"]: UnitNow(r["id"], r["name"], UnitKind(r["kind"]), r["kind_label"], r["from"], r["to"])
                           for r in self.runner.read(queries.ALL_UNITS)}
        return self._units

    def parents(self) -> tuple[dict[str, str], dict[str, dt.date]]:
        """Every unit's formal parent on the date, and since when."""
        if self._parent is None:
            parent, since = {}, {}
            for r in self.runner.read(dated_reads.AS_OF["PART_OF"], {"as_of": self.as_of}):
                parent[r["src"]], since[r["src"]] = r["dst"], r["from"]
            self._parent = parent, since
        return self._parent

    def people(self) -> dict[str, dict]:
        """Every person (ended ones too): id → {id, name, from, to}."""
        if self._people is None:
            self._people = {r["id"]: r for r in self.runner.read(queries.ALL_PEOPLE)}
        return self._people

    def person_links(self, types) -> list[dict]:
        """Every person → unit link of `types`, ended ones too, as {person, rel, unit, from, to}."""
        out = []
        for rel in types:
            if rel not in self._history:
                self._history[rel] = [{**g, "rel": rel} for g in self.runner.read(queries.PERSON_LINK_HISTORY[rel])]
            for g in self._history[rel]:
                end = self.ended_links.get((g["person"], rel, g["unit"])) if g["to"] is None else None
                out.append(g if end is None else {**g, "to": end})
        return out

    def void_links(self) -> set[tuple[str, str, str, dt.date]]:
        """Links of any type ended on the day they began (same-day corrections): {(src, rel, dst, from)}."""
        if self._void is None:
            self._void = {(v["src"], v["rel"], v["dst"], v["from"])
                          for v in self.runner.read(queries.VOID_LINKS, {"types": list(DATED_LINKS)})}
        return self._void

    # what an earlier file of the call changes

    def set_unit(self, unit: UnitNow, parent: str | None, since: dt.date | None) -> None:
        self.units()[unit.id] = unit
        parent_of, since_of = self.parents()
        if parent is None:
            parent_of.pop(unit.id, None)
            since_of.pop(unit.id, None)
        elif parent_of.get(unit.id) != parent:
            parent_of[unit.id], since_of[unit.id] = parent, since or self.as_of

    def end_unit(self, uid: str) -> None:
        u = self.units()[uid]
        self.units()[uid] = dataclasses.replace(u, end=self.as_of)
        for d in self.parents():
            d.pop(uid, None)

    def set_person(self, pid: str, name: str, start: dt.date | None, end: dt.date | None) -> None:
        self.people()[pid] = {"id": pid, "name": name, "from": start, "to": end}


class Units:
    """Every unit (ended ones too), the formal parent of each on the date, and the scope's subtree."""

    def __init__(self, ctx, parents: bool = False):
        """`parents`: also read every unit's parent (always done when the roster is scoped)."""
        self.as_of = ctx.as_of
        self.all = ctx.shared.units()
        self.parent: dict[str, str] = {}
        self.parent_from: dict[str, dt.date] = {}
        if parents or ctx.scope is not None:
            self.parent, self.parent_from = ctx.shared.parents()
        self.scope = ctx.scope
        self.in_scope: set[str] | None = None  # None: the whole district
        if ctx.scope is not None:
            root = self.all.get(ctx.scope)
            if root is None or not root.holds(ctx.as_of):
                ctx.problems.error(Reason.OUT_OF_SCOPE, f"--scope {ctx.scope}: no unit with this code exists on {ctx.as_of}")
                ctx.problems.raise_if_errors()  # every other check would only repeat this one
            else:
                self.in_scope = subtree(self.parent, ctx.scope)

    def current(self, uid: str) -> UnitNow | None:
        """The unit if it exists on the snapshot date."""
        u = self.all.get(uid)
        return u if u is not None and u.holds(self.as_of) else None

    def scoped(self, uid: str) -> bool:
        return self.in_scope is None or uid in self.in_scope


def subtree(parent: dict[str, str], root: str) -> set[str]:
    """`root` and every unit whose chain of formal parents reaches it."""
    children: dict[str, list[str]] = defaultdict(list)
    for child, p in parent.items():
        children[p].append(child)
    out, todo = {root}, [root]
    while todo:
        for c in children[todo.pop()]:
            if c not in out:
                out.add(c)
                todo.append(c)
    return out
