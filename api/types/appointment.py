"""AppointmentCheck: the pre-appointment coverage-gap check (任前书面征求意见 and 任前公示) for one cadre.

Rules (documented in the SDL too, stated once in `redengine.domain.appointment`): the villages are
those the cadre liaises with on `asOf`. The round's window runs from `windowFrom` to `windowTo`
(= `asOf`), both included. The latest opinion dated in the window decides. A notice stands if it
began in the window, ended on or before `asOf` and lasted at least 5 working days.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from redengine.api.types.common import Conclusion
from redengine.api.types.organisation import Organisation
from redengine.api.types.person import Person


@strawberry.enum(description="Why an appointment cannot go ahead yet.")
class BlockerKind(Enum):
    NO_LIAISON = strawberry.enum_value("NO_LIAISON", description="The cadre liaises with no village on the date (`unit` is null).")
    OPINION_MISSING = strawberry.enum_value("OPINION_MISSING", description="No written opinion from this village about the cadre.")
    NOTICE_MISSING = strawberry.enum_value("NOTICE_MISSING", description="The pre-appointment notice was not posted in this village.")
    OPINION_STALE = strawberry.enum_value("OPINION_STALE", description=(
        "意见过期: the village's opinions are all dated before the round's window (`windowFrom`); ask again."))
    NOTICE_STALE = strawberry.enum_value("NOTICE_STALE", description=(
        "公示过期: every notice in this village began before the round's window (`windowFrom`); post again."))
    NOTICE_RUNNING = strawberry.enum_value("NOTICE_RUNNING", description=(
        "公示未期满: a notice of this round is still posted after `asOf` (or has no last day recorded), and none has "
        "ended yet."))
    NOTICE_TOO_SHORT = strawberry.enum_value("NOTICE_TOO_SHORT", description=(
        "公示不足5个工作日: the notices of this round ended after fewer than 5 working days (first and last day "
        "included; weekends and public holidays do not count, official make-up working days do)."))


@strawberry.enum(description="Something the department should look at, that does not block.")
class WarningKind(Enum):
    OPINION_AGAINST = strawberry.enum_value("OPINION_AGAINST", description="The village's latest opinion is against (不同意).")
    OUTSIDE_SCOPE = strawberry.enum_value("OUTSIDE_SCOPE", description=(
        "The cadre also liaises with villages outside your township (`count` of them, `unit` null); they were not "
        "checked, so the verdict covers your villages only."))


@strawberry.enum(description="The outcome of an appointment check.")
class Verdict(Enum):
    READY = strawberry.enum_value("READY", description="No blockers.")
    BLOCKED = strawberry.enum_value("BLOCKED", description="At least one blocker.")


@strawberry.type(description="A written opinion (书面意见) from a village's Party organisation about a cadre.")
class Opinion:
    id: strawberry.ID = strawberry.field(description="Stable id of the record.")
    date: dt.date = strawberry.field(description="The opinion's date.")
    conclusion: Conclusion | None = strawberry.field(description="For or against; null if not recorded.")
    doc_no: str | None = strawberry.field(description="Document number (文号).")

    @classmethod
    def from_row(cls, r: dict) -> Opinion:
        return cls(id=strawberry.ID(r["id"]), date=r["date"], doc_no=r.get("doc_no"),
                   conclusion=Conclusion(r["conclusion"]) if r.get("conclusion") else None)


@strawberry.type(description="A pre-appointment notice (任前公示) posted in a village.")
class Notice:
    id: strawberry.ID = strawberry.field(description="Stable id of the record.")
    valid_from: dt.date = strawberry.field(name="from", description="First day posted.")
    valid_to: dt.date | None = strawberry.field(name="to", description="Last day posted (inclusive).")
    doc_no: str | None = strawberry.field(description="Document number (文号).")

    @classmethod
    def from_row(cls, r: dict) -> Notice:
        return cls(id=strawberry.ID(r["id"]), valid_from=r["from"], valid_to=r.get("to"), doc_no=r.get("doc_no"))


@strawberry.type(description="One village the cadre liaises with, and its opinion and notice records.")
class CheckedVillage:
    unit: Organisation = strawberry.field(description="The village or community.")
    valid_from: dt.date = strawberry.field(name="from", description="First day of the liaison.")
    valid_to: dt.date | None = strawberry.field(name="to", description="First day it no longer holds; null while it does.")
    opinion: Opinion | None = strawberry.field(description=(
        "The latest opinion dated in the round's window; it decides. Null if there is none (OPINION_MISSING or "
        "OPINION_STALE)."))
    opinions: list[Opinion] = strawberry.field(description="Every opinion dated on or before the date, oldest first, older rounds too.")
    notice: Notice | None = strawberry.field(description=(
        "The latest notice of the round's window that stands (ended, at least 5 working days); else the latest "
        "that began in the window; null if none began in it."))
    notices: list[Notice] = strawberry.field(description="Every notice posted on or before the date, oldest first, older rounds too.")


@strawberry.type(description="A blocker: what is missing, and in which village.")
class Blocker:
    kind: BlockerKind = strawberry.field(description="What blocks.")
    unit: Organisation | None = strawberry.field(description="The village; null for NO_LIAISON.")


@strawberry.type(description="A warning: something to look at that does not block.")
class Warning:
    kind: WarningKind = strawberry.field(description="What to look at.")
    unit: Organisation | None = strawberry.field(description="The village; null for OUTSIDE_SCOPE.")
    opinion: Opinion | None = strawberry.field(description="The opinion concerned.")
    count: int | None = strawberry.field(default=None, description="For OUTSIDE_SCOPE: how many villages were not checked.")


@strawberry.type(description=(
    "The pre-appointment check for one cadre as of `asOf`: every village or community they liaise with, with "
    "its written opinion and notice posting; blockers, warnings and the verdict. A township token sees the "
    "check over its own villages only (`scoped` is then true)."))
class AppointmentCheck:
    person: Person = strawberry.field(description="The cadre being considered.")
    as_of: dt.date = strawberry.field(description="The date the check is made for.")
    window_from: dt.date = strawberry.field(description=(
        "First day of the round's window (included): `asOf` minus the window's days (180 unless the server's "
        "REDENGINE_APPOINTMENT_WINDOW_DAYS says otherwise). Opinions and notices dated before it are stale."))
    window_to: dt.date = strawberry.field(description="Last day of the round's window (included): `asOf`.")
    verdict: Verdict = strawberry.field(description=(
        "READY when there are no blockers, else BLOCKED. For a township token (`scoped` true) it is computed over "
        "the villages of your township only: READY then means ready there, not everywhere; an OUTSIDE_SCOPE "
        "warning says the cadre liaises with villages that were not checked."))
    villages: list[CheckedVillage] = strawberry.field(description="The villages the cadre liaises with on the date, by id.")
    blockers: list[Blocker] = strawberry.field(description="What blocks the appointment.")
    warnings: list[Warning] = strawberry.field(description="What to look at; does not block.")
    scoped: bool = strawberry.field(description=(
        "True when only the villages of your township were checked (a township token): the verdict is partial."))

    @classmethod
    def from_result(cls, r: dict) -> AppointmentCheck:
        d = r["as_of"]

        def unit(u: dict | None) -> Organisation | None:
            return Organisation.from_row(u, d) if u else None

        return cls(
            person=Person.from_row(r["person"], d), as_of=d, window_from=r["window_from"], window_to=r["window_to"],
            verdict=Verdict(r["verdict"]), scoped=r["scoped"],
            villages=[CheckedVillage(
                unit=Organisation.from_row(v["unit"], d), valid_from=v["from"], valid_to=v["to"],
                opinion=Opinion.from_row(v["opinion"]) if v["opinion"] else None,
                opinions=[Opinion.from_row(o) for o in v["opinions"]],
                notice=Notice.from_row(v["notice"]) if v["notice"] else None,
                notices=[Notice.from_row(n) for n in v["notices"]]) for v in r["villages"]],
            blockers=[Blocker(kind=BlockerKind(b["kind"].value), unit=unit(b["unit"])) for b in r["blockers"]],
            warnings=[Warning(kind=WarningKind(w["kind"].value), unit=unit(w["unit"]), count=w.get("count"),
                              opinion=Opinion.from_row(w["opinion"]) if w["opinion"] else None) for w in r["warnings"]],
        )
