"""The API's public user-error codes (GraphQL `UserErrorCode`), mapped explicitly from the project's
one reason vocabulary (`redengine.errors.Reason`). The public names never change with the internal ones."""

from __future__ import annotations

from enum import Enum

from redengine.errors import Reason


class ErrorCode(str, Enum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID = "INVALID"
    DATE_ORDER = "DATE_ORDER"
    WRONG_UNIT_KIND = "WRONG_UNIT_KIND"
    DUPLICATE_OPEN_LINK = "DUPLICATE_OPEN_LINK"
    OVERLAPPING_LINK = "OVERLAPPING_LINK"
    NO_OPEN_LINK = "NO_OPEN_LINK"
    LEADER_TOWNSHIP_COUNT = "LEADER_TOWNSHIP_COUNT"  # a warning: a leader contacts more than 2 townships
    ROLE_ALREADY_HELD = "ROLE_ALREADY_HELD"          # a warning: the unit already has a secretary/commissioner
    DUPLICATE_OPEN_CASE = "DUPLICATE_OPEN_CASE"
    OVERLAPPING_CASE = "OVERLAPPING_CASE"
    ALREADY_LIFTED = "ALREADY_LIFTED"
    NOT_WRITTEN = "NOT_WRITTEN"  # the write changed nothing it was planned to (the graph moved under it)
    LOAD_IN_PROGRESS = "LOAD_IN_PROGRESS"  # a roster load holds the graph's write gate (graph/gate.py)


#: every reason a mutation can give → its public code
API_CODE: dict[Reason, ErrorCode] = {
    Reason.UNKNOWN_REF: ErrorCode.NOT_FOUND,
    Reason.FORBIDDEN: ErrorCode.FORBIDDEN,
    Reason.BAD_VALUE: ErrorCode.INVALID,
    Reason.BAD_ORDER: ErrorCode.DATE_ORDER,
    Reason.WRONG_KIND: ErrorCode.WRONG_UNIT_KIND,
    Reason.DUPLICATE_OPEN_LINK: ErrorCode.DUPLICATE_OPEN_LINK,
    Reason.OVERLAPPING_LINK: ErrorCode.OVERLAPPING_LINK,
    Reason.NO_OPEN_LINK: ErrorCode.NO_OPEN_LINK,
    Reason.LEADER_TOWNSHIP_COUNT: ErrorCode.LEADER_TOWNSHIP_COUNT,
    Reason.ROLE_ALREADY_HELD: ErrorCode.ROLE_ALREADY_HELD,
    Reason.DUPLICATE_OPEN_CASE: ErrorCode.DUPLICATE_OPEN_CASE,
    Reason.OVERLAPPING_CASE: ErrorCode.OVERLAPPING_CASE,
    Reason.ALREADY_LIFTED: ErrorCode.ALREADY_LIFTED,
    Reason.NOT_WRITTEN: ErrorCode.NOT_WRITTEN,
    Reason.LOAD_IN_PROGRESS: ErrorCode.LOAD_IN_PROGRESS,
}
