"""Organisation: one unit of the hierarchy and what hangs on it, all as of one date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from redengine.api.context import Context
from redengine.api.dataloaders import keep_visible, may_see, of_unit
from redengine.api.pagination import After, Connection, First, paginate
from redengine.api.types.common import Kinds, StatusFilter, UnitKind, kinds
from redengine.api.types.person import RoleLink
from redengine.services.read import case_status

if TYPE_CHECKING:
    from redengine.api.types.weak import WeakCase

WeakCaseRef = Annotated["WeakCase", strawberry.lazy("redengine.api.types.weak")]


@strawberry.type(description="A merge, split, rename or reparenting: the units it started from and led to.")
class UnitEvent:
    id: strawberry.ID = strawberry.field(description="Stable id of the event.")
    kind: str = strawberry.field(description="merge, split, rename or reparent.")
    on: dt.date = strawberry.field(description="The day it took effect.")
    note: str | None = strawberry.field(description="Free text as recorded.")
    from_units: list[Organisation] = strawberry.field(description="The units before the event.")
    to_units: list[Organisation] = strawberry.field(description="The units after the event.")


@strawberry.type(description=(
    "A Party organisation (unit): the district, a township, a composite committee, a village or community, "
    "an enterprise, … Every field is as of `asOf`; lists only hold links in force on that date."))
class Organisation:
    id: strawberry.ID = strawberry.field(description="The unit code (编码), stable.")
    name: str = strawberry.field(description="The name as given (Chinese).")
    kind: UnitKind = strawberry.field(description="What kind of unit this is.")
    kind_label: str = strawberry.field(description="The kind as the roster named it (e.g. 街道, 乡, 社区).")
    valid_from: dt.date | None = strawberry.field(description="The day the unit came into being in the graph.")
    valid_to: dt.date | None = strawberry.field(description="The day it ceased (merged away, dissolved); null while it exists.")
    as_of: dt.date = strawberry.field(description="The date every field of this unit is answered for.")

    @classmethod
    def from_row(cls, row: dict, as_of: dt.date) -> Organisation:
        return cls(id=strawberry.ID(row["id"]), name=row["name"], kind=UnitKind(row["kind"]),
                   kind_label=row.get("kind_label") or row["kind"], valid_from=row.get("from"),
                   valid_to=row.get("to"), as_of=as_of)

    async def _unit(self, info: Info[Context, None], name: str) -> Organisation | None:
        row = await of_unit(info.context, name, self.id, self.as_of)
        if row is None or not may_see(info.context, row["id"], self.as_of):
            return None
        return Organisation.from_row(row, self.as_of)

    async def _units(self, info: Info[Context, None], name: str, kind: list[UnitKind] | None,
                     first: int | None, after: str | None) -> Connection[Organisation]:
        rows = await of_unit(info.context, name, self.id, self.as_of)
        rows = keep_visible(info.context, rows, self.as_of)
        wanted = kinds(kind)
        rows = [r for r in rows if wanted is None or r["unit"]["kind"] in wanted]
        return paginate(rows, first, after, lambda r: Organisation.from_row(r["unit"], self.as_of))

    async def _roles(self, info: Info[Context, None], rel: str) -> list[dict]:
        rows = await of_unit(info.context, "roles", self.id, self.as_of)
        return [r for r in rows if r["rel"] == rel]

    def _link(self, row: dict) -> RoleLink:
        return RoleLink.from_row(row, row["person"], self, self.as_of)

    async def _one_role(self, info: Info[Context, None], rel: str) -> RoleLink | None:
        rows = sorted(await self._roles(info, rel), key=lambda r: r["from"], reverse=True)
        return self._link(rows[0]) if rows else None

    async def _role_list(self, info: Info[Context, None], rel: str, first: int | None, after: str | None) -> Connection[RoleLink]:
        return paginate(await self._roles(info, rel), first, after, self._link)

    @strawberry.field(description="The formal parent (隶属): a village's township, a township's district.")
    async def parent(self, info: Info[Context, None]) -> Organisation | None:
        return await self._unit(info, "parent")

    @strawberry.field(description="Units formally under this one (PART_OF), ordered by id; filter by kind.")
    async def children(self, info: Info[Context, None], kind: Kinds = None, first: First = None,
                       after: After = None) -> Connection[Organisation]:
        return await self._units(info, "children", kind, first, after)

    @strawberry.field(description="The regional composite Party committee (区域综合党委) that coordinates this unit.")
    async def composite_committee(self, info: Info[Context, None]) -> Organisation | None:
        return await self._unit(info, "composite")

    @strawberry.field(description="For a composite committee: the units it coordinates (统筹), ordered by id.")
    async def coordinated_units(self, info: Info[Context, None], kind: Kinds = None,
                                first: First = None, after: After = None) -> Connection[Organisation]:
        return await self._units(info, "coordinated", kind, first, after)

    @strawberry.field(description="The Party secretary (书记); if the records hold several, the latest appointed.")
    async def secretary(self, info: Info[Context, None]) -> RoleLink | None:
        return await self._one_role(info, "SECRETARY_OF")

    @strawberry.field(description="For a village or community: the college-graduate commissioner (党建专员).")
    async def commissioner(self, info: Info[Context, None]) -> RoleLink | None:
        return await self._one_role(info, "COMMISSIONER_OF")

    @strawberry.field(description="For a village or community: the cadres who liaise with it (联系村).")
    async def liaison_cadres(self, info: Info[Context, None], first: First = None,
                             after: After = None) -> Connection[RoleLink]:
        return await self._role_list(info, "LIAISES_WITH", first, after)

    @strawberry.field(description="For a township: its leaders (联系街乡) on the date — people holding a contact link to it "
                                  "who sit on the district standing committee that day; a contact without a seat is no leader.")
    async def leaders(self, info: Info[Context, None], first: First = None,
                      after: After = None) -> Connection[RoleLink]:
        rows = await of_unit(info.context, "leaders", self.id, self.as_of)
        return paginate(rows, first, after, self._link)

    @strawberry.field(description="The committee's members (班子成员); for the district, the standing-committee leaders.")
    async def committee_members(self, info: Info[Context, None], first: First = None,
                                after: After = None) -> Connection[RoleLink]:
        return await self._role_list(info, "COMMITTEE_MEMBER_OF", first, after)

    @strawberry.field(description="Weak-organisation cases (软弱涣散) flagged on or before the date, newest first.")
    async def weak_cases(self, info: Info[Context, None], status: StatusFilter = None, first: First = None,
                         after: After = None) -> Connection[WeakCaseRef]:
        from redengine.api.types.weak import WeakCase

        rows = await of_unit(info.context, "weak_cases", self.id, self.as_of)
        cases = [(r["case"], case_status(r["case"], self.as_of)) for r in rows]
        cases = [c for c in cases if status is None or c[1] == status.value]
        return paginate(cases, first, after, lambda c: WeakCase.from_row(c[0], c[1], self, self.as_of))

    @strawberry.field(description="Merges, splits, renames and reparentings this unit took part in, up to the date.")
    async def events(self, info: Info[Context, None], first: First = None,
                     after: After = None) -> Connection[UnitEvent]:
        rows = await of_unit(info.context, "events", self.id, self.as_of)
        out = []
        for r in rows:
            units = [u for u in r["from_units"] + r["to_units"] if may_see(info.context, u["id"], self.as_of)]
            seen = {u["id"] for u in units}
            out.append(UnitEvent(
                id=strawberry.ID(r["event_id"]), kind=r["kind"], on=r["on"], note=r["note"],
                from_units=[Organisation.from_row(u, self.as_of) for u in r["from_units"] if u["id"] in seen],
                to_units=[Organisation.from_row(u, self.as_of) for u in r["to_units"] if u["id"] in seen]))
        return paginate(out, first, after)
