"""Roster rows as typed records: checks that need only the row itself (the graph comes later)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from redengine.loaders.cells import RowCells
from redengine.loaders.problems import Reason
from redengine.schema.model import (
    CONCLUSION_LABELS,
    RECORD_TYPE_LABELS,
    ROLE_BY_LABEL,
    UNIT_KIND_DEFAULT_LABEL,
    UNIT_KIND_LABELS,
    WEAK_STATUS_LABELS,
    Conclusion,
    RecordType,
    Role,
    UnitKind,
    WeakStatus,
)

_ID_NUMBER = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


@dataclass(frozen=True)
class UnitRow:
    row: int
    id: str
    name: str
    kind: UnitKind
    kind_label: str
    parent_id: str | None
    composite_id: str | None
    valid_from: dt.date | None
    predecessor_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonRow:
    row: int
    id: str
    name: str
    unit_id: str | None
    title: str | None
    id_number: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LinkRow:
    row: int
    person_id: str
    role: Role
    unit_id: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class WeakRow:
    row: int
    unit_id: str
    flagged_on: dt.date
    reasons: tuple[str, ...]
    status: WeakStatus
    lifted_on: dt.date | None


@dataclass(frozen=True)
class AppointmentRow:
    row: int
    person_id: str
    unit_id: str
    type: RecordType
    date: dt.date
    end: dt.date | None
    conclusion: Conclusion | None
    doc_no: str | None


def unit_row(c: RowCells) -> UnitRow | None:
    uid, name = c.text("id", True), c.text("name", True)
    label = c.text("kind", True)
    kind = None
    if label is not None:
        kind = UNIT_KIND_LABELS.get(label)
        if kind is None:
            try:
                kind = UnitKind(label.lower())
            except ValueError:
                c.fail(Reason.BAD_VALUE, "kind", f"{label!r} is not one of {'、'.join(UNIT_KIND_LABELS)}")
    parent, composite = c.text("parent_id"), c.text("composite_id")
    valid_from = c.date("valid_from")
    preds = tuple(dict.fromkeys(c.items("predecessor_ids", ids=True)))
    if uid and uid in preds:
        c.fail(Reason.BAD_VALUE, "predecessor_ids", f"unit {uid} cannot be its own predecessor")
    if not c.ok:
        return None
    assert uid and name and kind and label
    kind_label = label if label in UNIT_KIND_LABELS else UNIT_KIND_DEFAULT_LABEL[kind]
    return UnitRow(c.row, uid, name, kind, kind_label, parent, composite, valid_from, preds)


def person_row(c: RowCells) -> PersonRow | None:
    pid, name = c.text("id", True), c.text("name", True)
    id_number, phone = c.text("id_number"), c.text("phone")
    # Sensitive values are never echoed in messages.
    if c.is_number("id_number"):  # Excel keeps 15 significant digits: the last ones are already lost
        c.fail(Reason.BAD_VALUE, "id_number", "stored as a number, which loses digits; format the column as text")
    elif id_number is not None and not _ID_NUMBER.match(id_number):
        c.fail(Reason.BAD_VALUE, "id_number", "not a valid ID-card number (18 characters, or 15 digits)")
    if phone is not None:
        phone = phone.replace(" ", "")
        if not _PHONE.match(phone):
            c.fail(Reason.BAD_VALUE, "phone", "not a valid phone number (11-digit mobile or a landline)")
    if not c.ok:
        return None
    assert pid and name
    return PersonRow(c.row, pid, name, c.text("unit_id"), c.text("title"),
                     id_number.upper() if id_number else None, phone)


def link_row(c: RowCells) -> LinkRow | None:
    pid, uid = c.text("person_id", True), c.text("unit_id", True)
    role = c.choice("role", ROLE_BY_LABEL, Role, True)
    start, end = c.date("from", True), c.date("to")
    c.order("from", "to", start, end, strict=True)
    if not c.ok:
        return None
    assert pid and uid and role and start
    return LinkRow(c.row, pid, role, uid, start, end)


def weak_row(c: RowCells) -> WeakRow | None:
    uid, flagged = c.text("unit_id", True), c.date("flagged_on", True)
    status = c.choice("status", WEAK_STATUS_LABELS, WeakStatus, True)
    lifted = c.date("lifted_on")
    if status is WeakStatus.LIFTED and lifted is None and c.ok:
        c.fail(Reason.REQUIRED, "lifted_on", "摘帽日期 is required when 整顿状态 is 已摘帽")
    if status is WeakStatus.RECTIFYING and lifted is not None:
        c.fail(Reason.BAD_VALUE, "lifted_on", "摘帽日期 is given but 整顿状态 is 整顿中")
    c.order("flagged_on", "lifted_on", flagged, lifted)
    if not c.ok:
        return None
    assert uid and flagged and status
    return WeakRow(c.row, uid, flagged, tuple(c.items("reasons")), status, lifted)


def appointment_row(c: RowCells) -> AppointmentRow | None:
    pid, uid = c.text("person_id", True), c.text("unit_id", True)
    rtype = c.choice("type", RECORD_TYPE_LABELS, RecordType, True)
    day, end = c.date("date", True), c.date("to")
    conclusion = c.choice("conclusion", CONCLUSION_LABELS, Conclusion)
    c.order("date", "to", day, end)
    if rtype is RecordType.OPINION and end is not None:
        c.warn(Reason.BAD_VALUE, "to", "结束日期 is for notices only; ignored for a written opinion")
        end = None
    if rtype is RecordType.NOTICE and conclusion is not None:
        c.warn(Reason.BAD_VALUE, "conclusion", "结论 is for written opinions only; ignored for a notice")
        conclusion = None
    if not c.ok:
        return None
    assert pid and uid and rtype and day
    return AppointmentRow(c.row, pid, uid, rtype, day, end, conclusion, c.text("doc_no"))


PARSERS = {"units": unit_row, "people": person_row, "links": link_row, "weak": weak_row, "appointment": appointment_row}
