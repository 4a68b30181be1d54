"""The `Mutation` root: thin resolvers that call a command (redengine/services/commands/) and map its outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry import Info

from redengine.api.context import Context
from redengine.api.mutation_types import (
    EndLinkInput,
    LiftWeakCaseInput,
    LinkPayload,
    LinkRecord,
    NoticePayload,
    NoticeRecord,
    OpenWeakCaseInput,
    OpinionPayload,
    OpinionRecord,
    RecordNoticeInput,
    RecordOpinionInput,
    StartLinkInput,
    UpdateWeakCaseInput,
    UserError,
    WeakCasePayload,
    WeakCaseRecord,
)
from redengine.api.types.common import Conclusion, Role, WeakStatus
from redengine.schema import model
from redengine.services import commands as cmd

Ctx = Info[Context, None]


def _run(info: Ctx, planner: Callable[..., cmd.CommandPlan], *args: Any) -> cmd.Outcome:
    c = info.context
    return cmd.execute(c.runner, c.principal, lambda: planner(c.runner, c.principal, *args))


def _user_errors(errors: list[cmd.CommandProblem]) -> list[UserError]:
    return [UserError(code=e.code, field=e.field, message=e.message) for e in errors]


def _errors(outcome: cmd.Outcome) -> list[UserError]:
    return _user_errors(outcome.errors)


def _link_payload(outcome: cmd.Outcome) -> LinkPayload:
    r = outcome.result
    link = None if r is None else LinkRecord(role=Role(r["role"].value), person_id=r["person_id"],
                                             unit_id=r["unit_id"], start=r["from"], end=r["to"])
    return LinkPayload(ok=r is not None, errors=_errors(outcome), link=link, warnings=_user_errors(outcome.warnings))


def _weak_payload(outcome: cmd.Outcome) -> WeakCasePayload:
    r = outcome.result
    case = None if r is None else WeakCaseRecord(id=r["id"], unit_id=r["unit_id"], flagged_on=r["flagged_on"],
                                                 reasons=r["reasons"], status=WeakStatus(r["status"].value),
                                                 lifted_on=r["lifted_on"])
    return WeakCasePayload(ok=r is not None, errors=_errors(outcome), weak_case=case)


@strawberry.type(description="Writes. Each is validated, audited with who and when, and writes nothing when refused.")
class Mutation:
    @strawberry.mutation(description="Start a dated link (liaison, leader, commissioner, secretary, member).")
    def start_link(self, info: Ctx, input: StartLinkInput) -> LinkPayload:
        return _link_payload(_run(info, cmd.plan_start_link, model.Role(input.role.value), input.person_id, input.unit_id,
                                  input.start))

    @strawberry.mutation(description="End a person's open link of a role to a unit (the link is kept, with its `to`).")
    def end_link(self, info: Ctx, input: EndLinkInput) -> LinkPayload:
        return _link_payload(_run(info, cmd.plan_end_link, model.Role(input.role.value), input.person_id, input.unit_id,
                                  input.end))

    @strawberry.mutation(description="A cadre starts liaising with a village or community (联系村).")
    def start_liaison(self, info: Ctx, person_id: strawberry.ID, unit_id: strawberry.ID,
                      start: Annotated[dt.date, strawberry.argument(name="from")]) -> LinkPayload:
        return _link_payload(_run(info, cmd.plan_start_link, model.Role.LIAISON, person_id, unit_id, start))

    @strawberry.mutation(description="A cadre stops liaising with a village or community.")
    def end_liaison(self, info: Ctx, person_id: strawberry.ID, unit_id: strawberry.ID,
                    end: Annotated[dt.date, strawberry.argument(name="to")]) -> LinkPayload:
        return _link_payload(_run(info, cmd.plan_end_link, model.Role.LIAISON, person_id, unit_id, end))

    @strawberry.mutation(description="Record (or correct) a village's written opinion on a cadre.")
    def record_opinion(self, info: Ctx, input: RecordOpinionInput) -> OpinionPayload:
        out = _run(info, cmd.plan_record_opinion, input.person_id, input.unit_id, input.date,
                   model.Conclusion(input.conclusion.value), input.doc_no)
        r = out.result
        op = None if r is None else OpinionRecord(id=r["id"], person_id=r["person_id"], unit_id=r["unit_id"],
                                                  date=r["date"], conclusion=Conclusion(r["conclusion"].value),
                                                  doc_no=r["doc_no"])
        return OpinionPayload(ok=r is not None, errors=_errors(out), opinion=op)

    @strawberry.mutation(description="Record (or correct) a pre-appointment notice posted in a village.")
    def record_notice(self, info: Ctx, input: RecordNoticeInput) -> NoticePayload:
        out = _run(info, cmd.plan_record_notice, input.person_id, input.unit_id, input.start, input.end, input.doc_no)
        r = out.result
        notice = None if r is None else NoticeRecord(id=r["id"], person_id=r["person_id"], unit_id=r["unit_id"],
                                                     start=r["from"], end=r["to"], doc_no=r["doc_no"])
        return NoticePayload(ok=r is not None, errors=_errors(out), notice=notice)

    @strawberry.mutation(description="Flag a unit as weak and lax (软弱涣散): opens a rectifying case.")
    def open_weak_case(self, info: Ctx, input: OpenWeakCaseInput) -> WeakCasePayload:
        return _weak_payload(_run(info, cmd.plan_open_weak_case, input.unit_id, input.flagged_on, list(input.reasons)))

    @strawberry.mutation(description="Replace the reasons of a weak-organisation case.")
    def update_weak_case(self, info: Ctx, input: UpdateWeakCaseInput) -> WeakCasePayload:
        return _weak_payload(_run(info, cmd.plan_update_weak_case, input.id, list(input.reasons)))

    @strawberry.mutation(description="Lift a weak-organisation case (摘帽).")
    def lift_weak_case(self, info: Ctx, input: LiftWeakCaseInput) -> WeakCasePayload:
        return _weak_payload(_run(info, cmd.plan_lift_weak_case, input.id, input.lifted_on))
