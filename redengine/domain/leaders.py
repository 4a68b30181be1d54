"""Rule: who is a township's leader on day D (领导联系机制).

A leader is a member of the district standing committee — a COMMITTEE_MEMBER_OF link holding on D
to a unit of kind district that exists on D (a "district seat") — who holds a CONTACTS_TOWNSHIP
link to the township on D. A contact by someone without a district seat that day covers nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from redengine.domain.cypher import lit
from redengine.domain.dated import holds, in_force
from redengine.schema.model import ROLES, Role, UnitKind

CONTACT_REL = ROLES[Role.LEADER].rel
SEAT_REL = ROLES[Role.MEMBER].rel


def district_seat(link: str, unit: str, at: str = "$as_of") -> str:
    """Cypher: membership link `link` to unit `unit` is a district seat on `at`."""
    return f"({unit}.kind = {lit(UnitKind.DISTRICT)} AND {holds(link, at)} AND {holds(unit, at)})"


@dataclass(frozen=True)
class Seat:
    """One COMMITTEE_MEMBER_OF link: its interval, and its unit's kind and interval."""

    start: dt.date | None
    end: dt.date | None
    unit_kind: str | None
    unit_start: dt.date | None
    unit_end: dt.date | None


def is_district_seat(seat: Seat, day: dt.date) -> bool:
    """Python twin of `district_seat`."""
    return (seat.unit_kind == UnitKind.DISTRICT.value and in_force(seat.start, seat.end, day)
            and in_force(seat.unit_start, seat.unit_end, day))


def has_district_seat(seats: Iterable[Seat], day: dt.date) -> bool:
    return any(is_district_seat(s, day) for s in seats)


def leads(contact: tuple[dt.date | None, dt.date | None], seats: Iterable[Seat], day: dt.date) -> bool:
    """A person with this contact link (from, to) and these seats leads the township on `day`."""
    return in_force(contact[0], contact[1], day) and has_district_seat(seats, day)
