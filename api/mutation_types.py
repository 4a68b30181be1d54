"""GraphQL inputs, payloads and the typed user error of the mutations."""

from __future__ import annotations

import datetime as dt

import strawberry

from redengine.api.types.common import Conclusion, Role, WeakStatus  # the read side's enums: one name each
from redengine.services.codes import ErrorCode

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode", description="Why a mutation was refused.")


@strawberry.type(description="A typed user error: nothing was written.")
class UserError:
    code: UserErrorCode  # type: ignore[valid-type]  # strawberry.enum(ErrorCode) made at runtime
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


# -- inputs -----------------------------------------------------------------------------------------

@strawberry.input(description="Start a dated link: the person holds the role in the unit from `from` on.")
class StartLinkInput:
    role: Role
    person_id: strawberry.ID
    unit_id: strawberry.ID
    start: dt.date = strawberry.field(name="from", description="First day the link holds.")


@strawberry.input(description="End the person's open link of this role to the unit.")
class EndLinkInput:
    role: Role
    person_id: strawberry.ID
    unit_id: strawberry.ID
    end: dt.date = strawberry.field(name="to", description="First day the link no longer holds.")


@strawberry.input(description="A village's written opinion (任前书面征求意见) on a cadre before appointment.")
class RecordOpinionInput:
    person_id: strawberry.ID = strawberry.field(description="The cadre being considered.")
    unit_id: strawberry.ID = strawberry.field(description="The village or community giving the opinion.")
    date: dt.date
    conclusion: Conclusion
    doc_no: str | None = strawberry.field(default=None, description="Document number (文号).")


@strawberry.input(description="A pre-appointment notice (任前公示) posted in a village.")
class RecordNoticeInput:
    person_id: strawberry.ID
    unit_id: strawberry.ID
    start: dt.date = strawberry.field(name="from", description="First day of the posting.")
    end: dt.date | None = strawberry.field(default=None, name="to", description="Last day of the posting.")
    doc_no: str | None = None


@strawberry.input(description="Flag a unit as weak and lax (软弱涣散): opens a rectifying case.")
class OpenWeakCaseInput:
    unit_id: strawberry.ID
    flagged_on: dt.date
    reasons: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="Replace a case's reasons.")
class UpdateWeakCaseInput:
    id: strawberry.ID
    reasons: list[str]


@strawberry.input(description="Lift a case (摘帽).")
class LiftWeakCaseInput:
    id: strawberry.ID
    lifted_on: dt.date


# -- results ----------------------------------------------------------------------------------------

@strawberry.type(description="A dated link as written.")
class LinkRecord:
    role: Role
    person_id: strawberry.ID
    unit_id: strawberry.ID
    start: dt.date = strawberry.field(name="from")
    end: dt.date | None = strawberry.field(name="to")


@strawberry.type
class OpinionRecord:
    id: strawberry.ID
    person_id: strawberry.ID
    unit_id: strawberry.ID
    date: dt.date
    conclusion: Conclusion
    doc_no: str | None


@strawberry.type
class NoticeRecord:
    id: strawberry.ID
    person_id: strawberry.ID
    unit_id: strawberry.ID
    start: dt.date = strawberry.field(name="from")
    end: dt.date | None = strawberry.field(name="to")
    doc_no: str | None


@strawberry.type
class WeakCaseRecord:
    id: strawberry.ID
    unit_id: strawberry.ID
    flagged_on: dt.date
    reasons: list[str]
    status: WeakStatus
    lifted_on: dt.date | None


@strawberry.type(description="`ok` with the link written, or `errors` and nothing written.")
class LinkPayload:
    ok: bool
    errors: list[UserError]
    link: LinkRecord | None = None
    warnings: list[UserError] = strawberry.field(
        default_factory=list,
        description="Conventions the write breaks without being refused: a leader with more than 2 townships "
                    "(LEADER_TOWNSHIP_COUNT), a unit with a second secretary or commissioner (ROLE_ALREADY_HELD).")


@strawberry.type
class OpinionPayload:
    ok: bool
    errors: list[UserError]
    opinion: OpinionRecord | None = None


@strawberry.type
class NoticePayload:
    ok: bool
    errors: list[UserError]
    notice: NoticeRecord | None = None


@strawberry.type
class WeakCasePayload:
    ok: bool
    errors: list[UserError]
    weak_case: WeakCaseRecord | None = None
