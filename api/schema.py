"""The GraphQL schema: the read side's `Query` (here) composed with the write side's `Mutation`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from redengine.api import inputs, pagination
from redengine.api.context import Context
from redengine.api.dataloaders import loader, may_see, person_visible, visible
from redengine.api.document_cache import DocumentCache
from redengine.api.limits import extensions
from redengine.api.mutations import Mutation
from redengine.api.object_cap import CountingExecutionContext
from redengine.api.pagination import After, Connection, First
from redengine.api.types.appointment import AppointmentCheck
from redengine.api.types.common import Role, UnitKind, WeakStatus, kinds, rel_of
from redengine.api.types.coverage import Coverage
from redengine.api.types.organisation import Organisation
from redengine.api.types.person import Person
from redengine.api.types.weak import WeakCase
from redengine.config import ApiLimits
from redengine.services import appointment, coverage, read

AS_OF = ("The date the answer holds on (YYYY-MM-DD); today when not given. From 1970-01-01 to 2037-12-31 (the dates the graph compares right); "
         "a date outside is refused (BAD_USER_INPUT naming `asOf`).")
SCOPE = ("A unit whose subtree (itself and the units under it) to search; the whole district when not given. "
         "A township token only ever sees its own township.")

AsOf = Annotated[dt.date | None, strawberry.argument(description=AS_OF)]
Scope = Annotated[strawberry.ID | None, strawberry.argument(description=SCOPE)]


async def _scope(ctx: Context, requested: str | None, as_of: dt.date) -> str | None:
    seen = visible(ctx, as_of)
    return read.effective_scope(ctx.runner, ctx.principal.scope, seen, requested, as_of)


async def _visible_gaps(ctx: Context, gaps: list[dict], as_of: dt.date) -> list[dict]:
    """Gaps with the units and people the principal may not see nulled out (a leader gap's district)."""
    out = []
    for g in gaps:
        unit, person = g["unit"], g["person"]
        out.append({**g, "unit": unit if unit and may_see(ctx, unit["id"], as_of) else None,
                    "person": person if person and await person_visible(ctx, person["id"], as_of) else None})
    return out


@strawberry.type(description=(
    "The organisation department's questions: hierarchy, people, coverage, weak organisations, appointment checks. "
    "Before a request runs, its cost is estimated: the most objects its answer may hold, each list counted at its "
    "`first` (50 when not given) and multiplied through the nesting. Every answer reports it as "
    "`extensions.cost {requested limit}`; a request over the limit is refused with the code QUERY_TOO_COSTLY, and "
    "one whose answer grows past the object cap while it runs with TOO_MANY_OBJECTS."))
class Query:
    @strawberry.field(description="One unit by its code; null if unknown or outside your scope.")
    async def organisation(self, info: Info[Context, None], id: strawberry.ID,
                           as_of: AsOf = None) -> Organisation | None:
        d = inputs.as_of(as_of)
        if not may_see(info.context, str(id), d):  # scope first: nothing is read about a unit outside it
            return None
        row = await loader(info.context, "unit", d).load(str(id))
        if row is None:
            return None
        return Organisation.from_row(row, d)

    @strawberry.field(description="Units existing on the date, by code; filter by kind, scope and a substring of the name.")
    async def organisations(
        self, info: Info[Context, None],
        kind: Annotated[list[UnitKind] | None, strawberry.argument(description="Only these kinds (e.g. [VILLAGE, COMMUNITY]).")] = None,
        scope: Scope = None,
        name_contains: Annotated[str | None, strawberry.argument(description="A substring of the name (Chinese), e.g. 张河.")] = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Organisation]:
        p, d = pagination.page(first, after), inputs.as_of(as_of)
        s = await _scope(info.context, scope, d)
        rows, total = read.list_units(info.context.runner, scope=s, kinds=kinds(kind), name=name_contains, as_of=d, page=p)
        return pagination.connection(rows, p, total, lambda r: Organisation.from_row(r, d))

    @strawberry.field(description="One person by id; null if unknown or not linked to your township.")
    async def person(self, info: Info[Context, None], id: strawberry.ID,
                     as_of: AsOf = None) -> Person | None:
        d = inputs.as_of(as_of)
        if not await person_visible(info.context, str(id), d):  # scope first, as for organisation
            return None
        row = await loader(info.context, "person", d).load(str(id))
        if row is None:
            return None
        return Person.from_row(row, d)

    @strawberry.field(description="People holding a role on the date (any link when no role), in units of the scope, by id.")
    async def people(
        self, info: Info[Context, None],
        role: Annotated[Role | None, strawberry.argument(description="Only people holding this role.")] = None,
        scope: Scope = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Person]:
        p, d = pagination.page(first, after), inputs.as_of(as_of)
        s = await _scope(info.context, scope, d)
        rel = rel_of(role) if role else None
        rows, total = read.list_people(info.context.runner, scope=s, rel=rel, as_of=d, page=p)
        return pagination.connection(rows, p, total, lambda r: Person.from_row(r, d))

    @strawberry.field(description=(
        "Full-coverage counts and gaps for the district (or the whole graph when no scope) or one township. "
        "Null if the scope is unknown or outside yours."))
    async def coverage(self, info: Info[Context, None],
                       scope: Annotated[strawberry.ID | None, strawberry.argument(description="The district or a township.")] = None,
                       as_of: AsOf = None) -> Coverage | None:
        d = inputs.as_of(as_of)
        s = await _scope(info.context, scope, d)
        if s == read.NOTHING:
            return None
        unit = None
        if s is not None:
            unit = await loader(info.context, "unit", d).load(s)
            if unit is None:
                return None
        result = coverage.coverage(info.context.runner, unit, d)
        result["gaps"] = await _visible_gaps(info.context, result["gaps"], d)
        return Coverage.from_result(result)

    @strawberry.field(description="Weak-organisation cases (软弱涣散) flagged on or before the date, newest first, with their context.")
    async def weak_organisations(
        self, info: Info[Context, None],
        scope: Scope = None,
        status: Annotated[WeakStatus | None, strawberry.argument(description="Only cases with this status on the date.")] = None,
        as_of: AsOf = None,
        first: First = None,
        after: After = None,
    ) -> Connection[WeakCase]:
        p, d = pagination.page(first, after), inputs.as_of(as_of)
        s = await _scope(info.context, scope, d)
        rows, total = read.list_weak_cases(info.context.runner, scope=s, status=str(status.value) if status else None,
                                           as_of=d, page=p)
        return pagination.connection(rows, p, total, lambda r: WeakCase.from_row(r["case"], r["status"], r["unit"], d))

    @strawberry.field(description=(
        "The pre-appointment check for a cadre: opinions and notices in every village they liaise with "
        "(those of the round's window count: `windowFrom` to `windowTo`), blockers, warnings and the verdict. "
        "Null if the person is unknown or not linked to your township."))
    async def appointment_check(self, info: Info[Context, None], person_id: strawberry.ID,
                                as_of: AsOf = None) -> AppointmentCheck | None:
        d = inputs.as_of(as_of)
        seen = visible(info.context, d)
        if seen is not None and not await person_visible(info.context, str(person_id), d):
            return None
        result = appointment.appointment_check(info.context.runner, str(person_id), d, seen,
                                               window_days=info.context.appointment_window_days)
        return AppointmentCheck.from_result(result) if result else None


def build_schema(limits: ApiLimits | None = None) -> strawberry.Schema:
    """The whole API: Query, the write side's Mutation, limits (the object cap counts in the executor)
    and error masking. `limits` sizes the document cache; the other limits come with each request's context."""
    cache = DocumentCache((limits or ApiLimits()).document_cache_bytes)
    built = strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions(cache),
                              execution_context_class=CountingExecutionContext)
    built.document_cache = cache  # type: ignore[attr-defined]  # its size, for tests and operators
    return built


schema = build_schema()
