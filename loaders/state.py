"""The units as the graph holds them on the snapshot date, and the scope a roster covers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from redengine.graph import links
from redengine.loaders import queries
from redengine.loaders.plan import Ctx
from redengine.loaders.problems import Reason
from redengine.schema.model import UnitKind


@dataclass(frozen=True)
class UnitNow:
    id: str
    name: str
    kind: UnitKind
    kind_label: str
    start: dt.date | None
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


class Units:
    """Every unit (ended ones too), the formal parent of each on the date, and the scope's subtree."""

    def __init__(self, ctx: Ctx, parents: bool = False):
        """`parents`: also read every unit's parent (always done when the roster is scoped)."""
        self.as_of = ctx.as_of
        self.all = {r["id"]: UnitNow(r["id"], r["name"], UnitKind(r["kind"]), r["kind_label"], r["from"], r["to"])
                    for r in ctx.runner.read(queries.ALL_UNITS)}
        self.parent: dict[str, str] = {}
        self.parent_from: dict[str, dt.date] = {}
        if parents or ctx.scope is not None:
            for r in ctx.runner.read(links.AS_OF["PART_OF"], {"as_of": ctx.as_of}):
                self.parent[r["src"]] = r["dst"]
                self.parent_from[r["src"]] = r["from"]
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
