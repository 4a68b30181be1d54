"""Person and RoleLink: a cadre, leader, commissioner or secretary, and their dated links to units.

Sensitive fields (ID-card number, phone) are shown in full to admins only; other roles get them
masked — the ID number keeps its first 4 and last 4 characters (`4201**********1234`), the phone
its first 3 and last 4 (`138****5678`). Every read of either, full or masked, is written to the
audit log (action `read_sensitive`, target the person id, detail the field and `masked` if it was).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from redengine.api.context import Context
from redengine.api.dataloaders import audit_loader, keep_visible, may_see, of_person
from redengine.api.pagination import After, Connection, First, paginate
from redengine.api.types.common import Role, RoleFilter, rel_of, role_label, role_of

if TYPE_CHECKING:
    from redengine.api.types.organisation import Organisation

OrganisationRef = Annotated["Organisation", strawberry.lazy("redengine.api.types.organisation")]


def mask(value: str | None, keep_start: int, keep_end: int) -> str | None:
    """Hide the middle of a value: `mask("13812345678", 3, 4)` → `138****5678`."""
    if value is None:
        return None
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end:]


@strawberry.type(description=(
    "A dated link between a person and a unit in one role: liaison, leader, commissioner, secretary or "
    "committee member. `from` is the first day it holds, `to` the first day it no longer does (null: still holds)."))
class RoleLink:
    role: Role = strawberry.field(description="The role.")
    role_label: str = strawberry.field(description="The role as rosters name it (联系村, 联系街乡, 党建专员, 书记, 班子成员).")
    person: Person = strawberry.field(description="Who holds the role.")
    unit: OrganisationRef = strawberry.field(description="In which unit.")
    valid_from: dt.date = strawberry.field(name="from", description="First day the link holds.")
    valid_to: dt.date | None = strawberry.field(name="to", description="First day it no longer holds; null while it does.")

    @classmethod
    def from_row(cls, row: dict, person: dict | Person, unit: dict | Organisation, as_of: dt.date) -> RoleLink:
        from redengine.api.types.organisation import Organisation

        return cls(
            role=role_of(row["rel"]), role_label=role_label(row["rel"]),
            person=person if isinstance(person, Person) else Person.from_row(person, as_of),
            unit=unit if isinstance(unit, Organisation) else Organisation.from_row(unit, as_of),
            valid_from=row["from"], valid_to=row["to"])


@strawberry.type(description="A person in the graph: a cadre, leader, commissioner, secretary. Fields are as of `asOf`.")
class Person:
    id: strawberry.ID = strawberry.field(description="The person id (人员编码), stable.")
    name: str = strawberry.field(description="The name as given (Chinese).")
    as_of: dt.date = strawberry.field(description="The date every field of this person is answered for.")

    @classmethod
    def from_row(cls, row: dict, as_of: dt.date) -> Person:
        return cls(id=strawberry.ID(row["id"]), name=row["name"], as_of=as_of)

    async def _work(self, info: Info[Context, None]) -> dict | None:
        row = await of_person(info.context, "person", self.id, self.as_of)
        work = sorted((row or {}).get("work") or [], key=lambda w: w["from"], reverse=True)
        return work[0] if work else None

    @strawberry.field(description="Job title (职务) at the unit where the person works.")
    async def title(self, info: Info[Context, None]) -> str | None:
        work = await self._work(info)
        return work["title"] if work else None

    @strawberry.field(description="The unit where the person works (usually a department).")
    async def work_unit(self, info: Info[Context, None]) -> OrganisationRef | None:
        from redengine.api.types.organisation import Organisation

        work = await self._work(info)
        if work is None or not may_see(info.context, work["unit"]["id"], self.as_of):
            return None
        return Organisation.from_row(work["unit"], self.as_of)

    async def _links(self, info: Info[Context, None], role: Role | None) -> list[dict]:
        rows = await of_person(info.context, "person_links", self.id, self.as_of)
        rows = [r for r in rows if r["rel"] != "WORKS_AT" and (role is None or r["rel"] == rel_of(role))]
        return keep_visible(info.context, rows, self.as_of)

    async def _link_page(self, info: Info[Context, None], role: Role | None, first: int | None,
                         after: str | None) -> Connection[RoleLink]:
        rows = await self._links(info, role)
        return paginate(rows, first, after, lambda r: RoleLink.from_row(r, self, r["unit"], self.as_of))

    @strawberry.field(description="The person's roles in units, in force on the date, oldest first; filter by role.")
    async def links(self, info: Info[Context, None], role: RoleFilter = None, first: First = None,
                    after: After = None) -> Connection[RoleLink]:
        return await self._link_page(info, role, first, after)

    @strawberry.field(description="The villages and communities this cadre liaises with (联系村) on the date.")
    async def liaison_villages(self, info: Info[Context, None], first: First = None,
                               after: After = None) -> Connection[RoleLink]:
        return await self._link_page(info, Role.LIAISON, first, after)

    async def _sensitive(self, info: Info[Context, None], key: str, field: str, keep: tuple[int, int]) -> str | None:
        row = await of_person(info.context, "personal", self.id, self.as_of)
        value = (row or {}).get(key)
        if value is None:
            return None
        full = info.context.principal.sees_sensitive
        await audit_loader(info.context, info).load((str(self.id), field if full else f"{field} (masked)"))
        return value if full else mask(value, *keep)

    @strawberry.field(description="ID-card number (身份证号). Sensitive: masked unless you are an admin; every read is audited.")
    async def id_number(self, info: Info[Context, None]) -> str | None:
        return await self._sensitive(info, "id_number", "idNumber", (4, 4))

    @strawberry.field(description="Mobile phone (手机). Sensitive: masked unless you are an admin; every read is audited.")
    async def phone(self, info: Info[Context, None]) -> str | None:
        return await self._sensitive(info, "phone", "phone", (3, 4))
