"""GraphQL inputs, payloads and the typed user error of the mutations."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from redengine.api.commands import ErrorCode
from redengine.schema.model import Conclusion, Role, WeakStatus

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode", description="Why a mutation was refused.")


@strawberry.enum(description="A dated link between a person and a unit (schema/model.py ROLES).")
class LinkRole(Enum):
    LIAISON = Role.LIAISON.value            # 联系村: cadre ↔ village/community
    LEADER = Role.LEADER.value              # 联系街乡: standing-committee leader ↔ township
    COMMISSIONER = Role.COMMISSIONER.value  # 党建专员: graduate commissioner ↔ village/community
    SECRETARY = Role.SECRETARY.value        # 书记 of any unit
    MEMBER = Role.MEMBER.value              # 班子成员 of the district or a township committee


@strawberry.enum(description="A written opinion's conclusion: 同意 for, 不同意 against.")
class OpinionConclusion(Enum):
    FOR = Conclusion.FOR.value
    AGAINST = Conclusion.AGAINST.value


@strawberry.enum(description="A weak-organisation case: 整顿中 rectifying, 已摘帽 lifted.")
class WeakCaseStatus(Enum):
    RECTIFYING = WeakStatus.RECTIFYING.value
    LIFTED = WeakStatus.LIFTED.value


@strawberry.type(description="A typed user error: nothing was written.")
class UserError:
    code: UserErrorCode
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


# -- inputs -----------------------------------------------------------------------------------------

@strawberry.input(description="Start a dated link: the person holds the role in the unit from `from` on.")
class StartLinkInput:
    role: LinkRole
    person_id: strawberry.ID
    unit_id: strawberry.ID
    start: dt.date = strawberry.field(name="from", description="First day the link holds.")


@strawberry.input(description="End the person's open link of this role to the unit.")
class EndLinkInput:
    role: LinkRole
    person_id: strawberry.ID
    unit_id: strawberry.ID
    end: dt.date = strawberry.field(name="to", description="First day the link no longer holds.")


@strawberry.input(description="A village's written opinion (任前书面征求意见) on a cadre before appointment.")
class RecordOpinionInput:
    person_id: strawberry.ID = strawberry.field(description="The cadre being considered.")
    unit_id: strawberry.ID = strawberry.field(description="The village or community giving the opinion.")
    date: dt.date
    conclusion: OpinionConclusion
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
    role: LinkRole
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
    conclusion: OpinionConclusion
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
    status: WeakCaseStatus
    lifted_on: dt.date | None


@strawberry.type(description="`ok` with the link written, or `errors` and nothing written.")
class LinkPayload:
    ok: bool
    errors: list[UserError]
    link: LinkRecord | None = None


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
