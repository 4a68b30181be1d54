"""WeakCase: a weak-and-lax organisation case (软弱涣散) with the context to act on it (以强带弱)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from redengine.api.context import Context
from redengine.api.dataloaders import keep_visible, of_unit
from redengine.api.pagination import After, Connection, First, paginate
from redengine.api.types.common import WeakStatus
from redengine.api.types.organisation import Organisation
from redengine.api.types.person import RoleLink

STATUS_LABELS = {WeakStatus.RECTIFYING: "整顿中", WeakStatus.LIFTED: "已摘帽"}


@strawberry.type(description=(
    "A case of a weak and lax Party organisation (软弱涣散), as of `asOf`: a case lifted after that date is "
    "still rectifying then. Carries its context: who liaises with the unit, its commissioner, its composite "
    "committee and the non-weak units of that committee that can lead it (以强带弱)."))
class WeakCase:
    id: strawberry.ID = strawberry.field(description="Stable id of the case (weak:{unit}:{flaggedOn}).")
    unit: Organisation = strawberry.field(description="The organisation flagged.")
    reasons: list[str] = strawberry.field(description="The reasons (原因) as recorded.")
    flagged_on: dt.date = strawberry.field(description="The day it was flagged (认定日期).")
    lifted_on: dt.date | None = strawberry.field(description="The day it was lifted (摘帽日期), if on or before `asOf`.")
    status: WeakStatus = strawberry.field(description="Rectifying or lifted, as of `asOf`.")
    status_label: str = strawberry.field(description="The status in Chinese (整顿中 / 已摘帽).")
    as_of: dt.date = strawberry.field(description="The date the case is answered for.")

    @classmethod
    def from_row(cls, case: dict, status: str, unit: dict | Organisation, as_of: dt.date) -> WeakCase:
        st = WeakStatus(status)
        return cls(
            id=strawberry.ID(case["id"]),
            unit=unit if isinstance(unit, Organisation) else Organisation.from_row(unit, as_of),
            reasons=list(case.get("reasons") or []), flagged_on=case["flagged_on"],
            lifted_on=case.get("lifted_on") if st is WeakStatus.LIFTED else None,
            status=st, status_label=STATUS_LABELS[st], as_of=as_of)

    @strawberry.field(description="The cadres who liaise with the unit (联系村).")
    async def liaison_cadres(self, info: Info[Context, None], first: First = None,
                             after: After = None) -> Connection[RoleLink]:
        return await self.unit._role_list(info, "LIAISES_WITH", first, after)

    @strawberry.field(description="The unit's college-graduate commissioner (党建专员).")
    async def commissioner(self, info: Info[Context, None]) -> RoleLink | None:
        return await self.unit._one_role(info, "COMMISSIONER_OF")

    @strawberry.field(description="The composite committee coordinating the unit.")
    async def composite_committee(self, info: Info[Context, None]) -> Organisation | None:
        return await self.unit._unit(info, "composite")

    @strawberry.field(description="Other units of the same composite committee with no case open on the date: who can lead it.")
    async def strong_peers(self, info: Info[Context, None], first: First = None,
                           after: After = None) -> Connection[Organisation]:
        rows = await of_unit(info.context, "strong_peers", self.unit.id, self.as_of)
        rows = keep_visible(info.context, rows, self.as_of)
        return paginate(rows, first, after, lambda r: Organisation.from_row(r["unit"], self.as_of))
