"""Coverage: is every township linked to a leader, every village under a composite committee, liaised
by a cadre and staffed by a commissioner, every composite committee led by a township committee member?"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from redengine.api.pagination import After, Connection, First, paginate
from redengine.api.types.organisation import Organisation
from redengine.api.types.person import Person
from redengine.domain.gaps import Gap as GapCode


@strawberry.enum(description="What a coverage gap is.")
class GapKind(Enum):
    TOWNSHIP_WITHOUT_LEADER = strawberry.enum_value(
        GapCode.TOWNSHIP_WITHOUT_LEADER.value, description="A township no standing-committee leader contacts: a contact counts only while they are "
                    "a committee member of the district on the date.")
    LEADER_TOWNSHIP_COUNT = strawberry.enum_value(
        GapCode.LEADER_TOWNSHIP_COUNT.value,
        description="A standing-committee leader (committee member of the district) with 0 or more than 2 townships; "
                    "`unit` is the district, `count` the townships.")
    VILLAGE_WITHOUT_COMPOSITE = strawberry.enum_value(
        GapCode.VILLAGE_WITHOUT_COMPOSITE.value, description="A village or community no composite committee coordinates.")
    VILLAGE_WITHOUT_LIAISON = strawberry.enum_value(
        GapCode.VILLAGE_WITHOUT_LIAISON.value, description="A village or community no cadre liaises with.")
    VILLAGE_WITHOUT_COMMISSIONER = strawberry.enum_value(
        GapCode.VILLAGE_WITHOUT_COMMISSIONER.value, description="A village or community without a graduate commissioner.")
    COMPOSITE_WITHOUT_SECRETARY = strawberry.enum_value(
        GapCode.COMPOSITE_WITHOUT_SECRETARY.value, description="A composite committee without a secretary.")
    COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE = strawberry.enum_value(
        GapCode.COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE.value,
        description="A composite committee whose secretary (`person`) is not a member of its township's committee.")


@strawberry.type(description="One coverage gap: what is missing, where, and who it concerns.")
class Gap:
    kind: GapKind = strawberry.field(description="What is missing.")
    unit: Organisation | None = strawberry.field(description="The unit with the gap (the district for leader gaps).")
    person: Person | None = strawberry.field(description="The person concerned, for leader and secretary gaps.")
    count: int | None = strawberry.field(description="For LEADER_TOWNSHIP_COUNT: how many townships the leader contacts.")


@strawberry.type(description=(
    "Full-coverage (全覆盖) counts and gaps for a scope (the whole graph, the district or a township), as of "
    "`asOf`. Villages include communities. Leader gaps are for the district's standing-committee leaders; "
    "in a township's coverage, for the leaders who contact that township."))
class Coverage:
    scope: Organisation | None = strawberry.field(description="The scope asked for; null for the whole graph.")
    as_of: dt.date = strawberry.field(description="The date the answer holds on.")
    townships: int = strawberry.field(description="Townships in the scope.")
    townships_with_leader: int = strawberry.field(description="Townships at least one leader (a district committee member on the date) contacts.")
    leaders: int = strawberry.field(description="Standing-committee leaders considered.")
    villages: int = strawberry.field(description="Villages and communities in the scope.")
    villages_with_composite: int = strawberry.field(description="Villages coordinated by a composite committee.")
    villages_with_liaison: int = strawberry.field(description="Villages at least one cadre liaises with.")
    villages_with_commissioner: int = strawberry.field(description="Villages with a graduate commissioner.")
    composites: int = strawberry.field(description="Composite committees in the scope.")
    composites_with_secretary: int = strawberry.field(description="Composite committees with a secretary.")
    _gaps: strawberry.Private[list[Gap]]

    @strawberry.field(description="Gaps, by kind then unit id; filter by kind.")
    def gaps(self, kind: Annotated[list[GapKind] | None, strawberry.argument(description="Only gaps of these kinds.")] = None, first: First = None,
             after: After = None) -> Connection[Gap]:
        items = [g for g in self._gaps if not kind or g.kind in kind]
        return paginate(items, first, after)

    @strawberry.field(description="True when the scope has no gap at all.")
    def complete(self) -> bool:
        return not self._gaps

    @classmethod
    def from_result(cls, r: dict) -> Coverage:
        as_of = r["as_of"]
        gaps = [Gap(kind=GapKind(g["kind"].value),
                    unit=Organisation.from_row(g["unit"], as_of) if g["unit"] else None,
                    person=Person.from_row(g["person"], as_of) if g["person"] else None,
                    count=g["count"]) for g in r["gaps"]]
        return cls(scope=Organisation.from_row(r["scope"], as_of) if r["scope"] else None, as_of=as_of,
                   townships=r["townships"], townships_with_leader=r["townships_with_leader"], leaders=r["leaders"],
                   villages=r["villages"], villages_with_composite=r["villages_with_composite"],
                   villages_with_liaison=r["villages_with_liaison"],
                   villages_with_commissioner=r["villages_with_commissioner"], composites=r["composites"],
                   composites_with_secretary=r["composites_with_secretary"], _gaps=gaps)
