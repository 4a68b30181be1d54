"""One reason vocabulary; the API's public codes are mapped from it explicitly and stay as they were."""

from __future__ import annotations

from redengine.errors import COMMAND_ONLY, Reason
from redengine.services.codes import API_CODE, ErrorCode

#: the public codes as published in the SDL before the vocabularies were merged
PUBLIC = {"NOT_FOUND", "FORBIDDEN", "INVALID", "DATE_ORDER", "WRONG_UNIT_KIND", "DUPLICATE_OPEN_LINK", "OVERLAPPING_LINK",
          "NO_OPEN_LINK", "LEADER_TOWNSHIP_COUNT", "ROLE_ALREADY_HELD", "DUPLICATE_OPEN_CASE", "OVERLAPPING_CASE",
          "ALREADY_LIFTED", "NOT_WRITTEN", "LOAD_IN_PROGRESS"}


def test_every_public_code_is_reached_by_exactly_one_reason():
    assert {c.value for c in ErrorCode} == PUBLIC
    assert sorted(c.value for c in API_CODE.values()) == sorted(PUBLIC)


def test_the_near_twins_are_one_reason_each():
    assert API_CODE[Reason.BAD_ORDER] is ErrorCode.DATE_ORDER      # the loaders' BAD_ORDER
    assert API_CODE[Reason.WRONG_KIND] is ErrorCode.WRONG_UNIT_KIND  # the loaders' WRONG_KIND
    assert API_CODE[Reason.UNKNOWN_REF] is ErrorCode.NOT_FOUND


def test_every_command_only_reason_has_a_public_code():
    assert COMMAND_ONLY <= set(API_CODE)
