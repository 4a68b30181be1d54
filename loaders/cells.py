"""Typed access to one roster row: each getter records a problem (row, column) instead of raising."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

from redengine.dates import parse_date
from redengine.domain.dates import out_of_range
from redengine.loaders.kinds import Kind
from redengine.loaders.problems import Problems, Reason
from redengine.text import bad_char

E = TypeVar("E", bound=Enum)
_REASONS = re.compile(r"[、;；]")
_IDS = re.compile(r"[、;；,，\s]")
_AMBIGUOUS = re.compile(r"^\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\s*$")  # 03/04/2019: which is the month?
#: fields a person writes freely: they may hold a line break (see redengine/text.py for the policy)
FREE_TEXT = frozenset({"name", "title", "reasons", "doc_no"})
ID_LISTS = frozenset({"predecessor_ids"})  # several ids, one per line allowed


class RowCells:
    def __init__(self, kind: Kind, index: dict[str, int], headers: list[str], problems: Problems):
        self.kind, self.index, self.headers, self.problems = kind, index, headers, problems
        self._zh = {c.field: c.zh for c in kind.columns}
        self.row = 0
        self.cells: list[object] = []
        self.ok = True  # no error in the current row so far

    def at(self, row: int, cells: list[object]) -> RowCells:
        """Point at the next row."""
        self.row, self.cells, self.ok = row, cells, True
        return self

    def _raw(self, field: str) -> object:
        i = self.index.get(field)
        return None if i is None else self.cells[i]

    def _column(self, field: str) -> str:
        i = self.index.get(field)
        return self.headers[i] if i is not None else self._zh[field]

    def fail(self, reason: Reason, field: str, message: str) -> None:
        self.ok = False
        self.problems.error(reason, message, self.row, self._column(field))

    def warn(self, reason: Reason, field: str | None, message: str) -> None:
        self.problems.warn(reason, message, self.row, self._column(field) if field else None)

    def is_number(self, field: str) -> bool:
        """The cell holds a number (from Excel), not text."""
        return isinstance(self._raw(field), (int, float)) and not isinstance(self._raw(field), bool)

    def _storable(self, field: str, v: str) -> bool:
        """False (and the row fails) when `v` holds a character the graph must not store."""
        bad = bad_char(v, field in FREE_TEXT, field in FREE_TEXT or field in ID_LISTS)
        if bad is None:
            return True
        self.fail(Reason.CONTROL_CHAR if bad.control else Reason.INVISIBLE_CHAR, field,
                  f"{self._zh[field]} {bad.describe()}")
        return False

    def text(self, field: str, required: bool = False) -> str | None:
        v = self._raw(field)
        if type(v) is str:  # the common case: the reader has stripped it already
            return v if self._storable(field, v) else None
        if v is None:
            if required:
                self.fail(Reason.REQUIRED, field, f"{self._zh[field]} is required")
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)  # a code Excel stored as a number
        if isinstance(v, (dt.date, dt.datetime)):
            v = v.isoformat()
        return str(v).strip()

    def date(self, field: str, required: bool = False) -> dt.date | None:
        v = self._raw(field)
        if v is None:
            if required:
                self.fail(Reason.REQUIRED, field, f"{self._zh[field]} is required")
            return None
        if isinstance(v, str) and not self._storable(field, v):
            return None
        if isinstance(v, str) and _AMBIGUOUS.match(v):
            self.fail(Reason.BAD_DATE, field, f"{v!r} is ambiguous (day/month or month/day?); use YYYY-MM-DD")
            return None
        try:
            day = parse_date(v)
        except ValueError:
            self.fail(Reason.BAD_DATE, field, f"{v!r} is not a date (use YYYY-MM-DD)")
            return None
        if (why := out_of_range(day)) is not None:
            self.fail(Reason.DATE_OUT_OF_RANGE, field, why)
            return None
        return day

    def choice(self, field: str, labels: Mapping[str, E], enum: type[E], required: bool = False) -> E | None:
        """A Chinese label from `labels`, or the English value of the enum."""
        v = self.text(field, required)
        if v is None:
            return None
        if v in labels:
            return labels[v]
        try:
            return enum(v.lower())
        except ValueError:
            allowed = "、".join(labels)
            self.fail(Reason.BAD_VALUE, field, f"{v!r} is not one of {allowed}")
            return None

    def items(self, field: str, ids: bool = False) -> list[str]:
        """Several values in one cell: reasons split on 、 or ;, codes also on commas and spaces."""
        v = self.text(field)
        return [p.strip() for p in (_IDS if ids else _REASONS).split(v) if p.strip()] if v else []

    def order(self, earlier: str, later: str, a: dt.date | None, b: dt.date | None, strict: bool = False) -> None:
        if a and b and (b <= a if strict else b < a):
            self.fail(Reason.BAD_ORDER, later, f"{self._zh[later]} {b} is before {self._zh[earlier]} {a}")
