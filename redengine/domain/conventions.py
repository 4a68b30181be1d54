"""The programme's conventions: breaking them is reported (a warning, a coverage gap), not refused,
except where a record would be meaningless (an opinion from a unit that is not a village).

- a leader contacts 1 to LEADER_MAX_TOWNSHIPS townships;
- a unit has one secretary and one commissioner at a time; a commissioner serves one village;
- written opinions and notices come only from villages and communities.
"""

from __future__ import annotations

from redengine.domain.cypher import lits
from redengine.schema.model import LEADER_MAX_TOWNSHIPS, VILLAGE_KINDS, Role, UnitKind

#: roles a unit has one holder of at a time
ONE_HOLDER_PER_UNIT = frozenset({Role.SECRETARY, Role.COMMISSIONER})
#: roles a person holds in one unit at a time
ONE_UNIT_PER_PERSON = frozenset({Role.COMMISSIONER})
#: the unit kinds that give written opinions and post notices (任前书面征求意见, 任前公示)
RECORD_UNIT_KINDS = VILLAGE_KINDS
_VILLAGE_VALUES = frozenset(k.value for k in VILLAGE_KINDS)
_RECORD_VALUES = frozenset(k.value for k in RECORD_UNIT_KINDS)


def leader_townships_ok(n: int) -> bool:
    """A standing-committee leader contacting `n` townships keeps the convention."""
    return 1 <= n <= LEADER_MAX_TOWNSHIPS


def leader_townships_within(n: str) -> str:
    """Cypher twin of `leader_townships_ok` for the count expression `n`."""
    return f"({n} >= 1 AND {n} <= {LEADER_MAX_TOWNSHIPS})"


def too_many_holders(role: Role, holders: int) -> bool:
    return role in ONE_HOLDER_PER_UNIT and holders > 1


def too_many_units(role: Role, units: int) -> bool:
    return role in ONE_UNIT_PER_PERSON and units > 1


def is_village(var: str) -> str:
    """Cypher: unit `var` is a village or community ("village" in the programme means either)."""
    return f"({var}.kind IN {lits(VILLAGE_KINDS)})"


def village_kind(kind: str | UnitKind | None) -> bool:
    """Python twin of `is_village`."""
    return (kind.value if isinstance(kind, UnitKind) else kind) in _VILLAGE_VALUES


def gives_records(kind: str | UnitKind | None) -> bool:
    """A unit of this kind may give an opinion or have a notice posted in it."""
    return (kind.value if isinstance(kind, UnitKind) else kind) in _RECORD_VALUES
