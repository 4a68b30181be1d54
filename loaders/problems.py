"""What is wrong with a roster: every problem found, each with file, row, column and reason.

Problems are collected, not raised one by one, so one run tells the user everything to fix
(the pandera way). Errors stop the load before anything is written; warnings are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redengine.errors import Reason, ValidationError

__all__ = ["LAYOUT", "Problem", "Problems", "Reason"]


LAYOUT = frozenset({Reason.UNREADABLE, Reason.ENCODING, Reason.NO_HEADER, Reason.UNKNOWN_KIND,
                    Reason.MISSING_COLUMN, Reason.DUPLICATE_COLUMN, Reason.EXTRA_COLUMN})


@dataclass(frozen=True)
class Problem:
    reason: Reason
    message: str
    file: str = ""
    row: int | None = None      # the row number the user sees in the spreadsheet (header = 1)
    column: str | None = None   # the header as written in the file
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" [{self.column}]"
        where = where.strip()
        return f"{where}: {self.reason.value}: {self.message}" if where else f"{self.reason.value}: {self.message}"


@dataclass
class Problems:
    """Collects errors and warnings for one file."""

    file: str = ""
    items: list[Problem] = field(default_factory=list)

    def error(self, reason: Reason, message: str, row: int | None = None, column: str | None = None) -> None:
        self.items.append(Problem(reason, message, self.file, row, column))

    def warn(self, reason: Reason, message: str, row: int | None = None, column: str | None = None) -> None:
        self.items.append(Problem(reason, message, self.file, row, column, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def raise_if_errors(self) -> None:
        """Raise one ValidationError carrying every error, file-layout errors first."""
        errors = self.errors
        if errors:
            errors.sort(key=lambda p: (p.reason not in LAYOUT, p.row or 0))
            raise ValidationError(errors)
