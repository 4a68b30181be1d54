"""Rule: what a coverage gap of each kind is, on day D (given what holds that day).

| gap | the unit (and person) lacks |
|---|---|
| TOWNSHIP_WITHOUT_LEADER | no leader (`leaders.py`) contacts the township |
| LEADER_TOWNSHIP_COUNT | a district standing-committee member contacts 0 or more than LEADER_MAX_TOWNSHIPS townships |
| VILLAGE_WITHOUT_COMPOSITE / _LIAISON / _COMMISSIONER | a village or community has no composite committee coordinating it, no liaison cadre, no commissioner |
| COMPOSITE_WITHOUT_SECRETARY | a composite committee of the township has no secretary |
| COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE | its secretary is not a committee member of the township it is part of |

The API (`redengine/services/coverage.py`) and the analyses (`analysis/analyses.py` coverage_gaps) both ask
these functions, with the counts each reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from redengine.domain.conventions import leader_townships_ok


class Gap(str, Enum):
    TOWNSHIP_WITHOUT_LEADER = "TOWNSHIP_WITHOUT_LEADER"
    LEADER_TOWNSHIP_COUNT = "LEADER_TOWNSHIP_COUNT"
    VILLAGE_WITHOUT_COMPOSITE = "VILLAGE_WITHOUT_COMPOSITE"
    VILLAGE_WITHOUT_LIAISON = "VILLAGE_WITHOUT_LIAISON"
    VILLAGE_WITHOUT_COMMISSIONER = "VILLAGE_WITHOUT_COMMISSIONER"
    COMPOSITE_WITHOUT_SECRETARY = "COMPOSITE_WITHOUT_SECRETARY"
    COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE = "COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE"


#: the order gaps are listed in
GAP_ORDER = {g: i for i, g in enumerate(Gap)}


def township_gaps(leaders: int) -> list[Gap]:
    return [Gap.TOWNSHIP_WITHOUT_LEADER] if leaders == 0 else []


def leader_gaps(townships: int) -> list[Gap]:
    return [] if leader_townships_ok(townships) else [Gap.LEADER_TOWNSHIP_COUNT]


def village_gaps(composites: int, liaisons: int, commissioners: int) -> list[Gap]:
    out = []
    if composites == 0:
        out.append(Gap.VILLAGE_WITHOUT_COMPOSITE)
    if liaisons == 0:
        out.append(Gap.VILLAGE_WITHOUT_LIAISON)
    if commissioners == 0:
        out.append(Gap.VILLAGE_WITHOUT_COMMISSIONER)
    return out


def composite_gaps(secretaries: Iterable[tuple[str, bool]]) -> list[tuple[Gap, str | None]]:
    """Per composite committee: its secretaries on D as (person id, sits on the township's committee)."""
    secs = list(secretaries)
    if not secs:
        return [(Gap.COMPOSITE_WITHOUT_SECRETARY, None)]
    return [(Gap.COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE, person) for person, on in secs if not on]
