"""The domain core's Python twins, engine-free (fast tier: `pytest tests/unit`). Expectations are the
rules as stated in redengine/domain, worked out case by case."""

from __future__ import annotations

import datetime as dt

import pytest

from redengine.domain import appointment, cases, conventions, gaps, leaders
from redengine.domain.cypher import lit, lits
from redengine.domain.dated import all_in_force, in_force, overlaps
from redengine.schema.model import LEADER_MAX_TOWNSHIPS, Role, UnitKind

D = dt.date
A, B = D(2017, 1, 1), D(2018, 1, 1)


@pytest.mark.parametrize("start,end,day,expected", [
    (A, None, A, True),               # from is inclusive
    (A, B, B, False),                 # to is exclusive
    (A, B, D(2017, 12, 31), True),
    (A, None, D(2016, 12, 31), False),
    (None, None, A, False),           # a missing start: not in force (the engines agree)
    (None, B, A, False),
])
def test_in_force(start, end, day, expected):
    assert in_force(start, end, day) is expected


def test_a_chain_holds_only_when_every_link_does():
    assert all_in_force([(A, None), (A, B)], A)
    assert not all_in_force([(A, None), (A, B)], B)
    assert all_in_force([], A)


def test_overlaps():
    assert overlaps(A, B, D(2017, 6, 1), None)
    assert not overlaps(A, B, B, None)  # [A, B) and [B, …) share no day
    assert overlaps(A, None, D(2030, 1, 1), None)


def case(flagged=A, lifted=None, status="rectifying"):
    return {"flagged_on": flagged, "lifted_on": lifted, "status": status}


def test_a_case_is_open_until_it_is_lifted():
    assert cases.is_open(case(), A) and not cases.is_open(case(), D(2016, 12, 31))
    # the measured divergence: still marked rectifying, but lifted on B → lifted from B on
    assert cases.is_open(case(lifted=B), D(2017, 12, 31)) and not cases.is_open(case(lifted=B), B)
    assert cases.status_on(case(lifted=B), B) == "lifted"
    # lifted without a date: lifted when flagged, never open
    assert not cases.is_open(case(status="lifted"), A) and cases.status_on(case(status="lifted"), A) == "lifted"
    # lifted with a later date: open until then
    assert cases.is_open(case(lifted=B, status="lifted"), D(2017, 6, 1))
    assert not cases.is_open(case(flagged=None), B)
    assert cases.never_lifted(case()) and not cases.never_lifted(case(lifted=B))
    assert cases.open_on([case(), case(status="lifted")], A) == [case()]


def test_a_leader_needs_a_district_seat_on_the_day():
    seat = leaders.Seat(A, B, "district", A, None)
    assert leaders.leads((A, None), [seat], A)
    assert not leaders.leads((A, None), [seat], B)  # the seat ended
    assert not leaders.leads((A, None), [], A)      # the measured divergence: a contact without a seat
    assert not leaders.leads((A, None), [leaders.Seat(A, None, "township", A, None)], A)
    assert not leaders.leads((A, None), [leaders.Seat(A, None, "district", A, D(2017, 6, 1))], D(2017, 6, 1))
    assert not leaders.leads((B, None), [seat], A)  # the contact has not begun


def test_conventions():
    assert [conventions.leader_townships_ok(n) for n in range(4)] == [False, True, True, False]
    assert LEADER_MAX_TOWNSHIPS == 2  # the programme: 1–2 townships per leader (DOMAIN)
    assert conventions.too_many_holders(Role.SECRETARY, 2) and not conventions.too_many_holders(Role.LIAISON, 5)
    assert conventions.too_many_units(Role.COMMISSIONER, 2) and not conventions.too_many_units(Role.LEADER, 2)
    assert conventions.village_kind("community") and conventions.village_kind(UnitKind.VILLAGE)
    assert not conventions.village_kind("township") and not conventions.village_kind(None)
    assert conventions.gives_records("village") and not conventions.gives_records("composite")
    assert conventions.is_village("v") == "(v.kind IN ['community', 'village'])"


def test_gap_rules():
    G = gaps.Gap
    assert gaps.township_gaps(0) == [G.TOWNSHIP_WITHOUT_LEADER] and gaps.township_gaps(1) == []
    assert gaps.leader_gaps(0) == gaps.leader_gaps(3) == [G.LEADER_TOWNSHIP_COUNT] and gaps.leader_gaps(2) == []
    assert gaps.village_gaps(0, 1, 0) == [G.VILLAGE_WITHOUT_COMPOSITE, G.VILLAGE_WITHOUT_COMMISSIONER]
    assert gaps.composite_gaps([]) == [(G.COMPOSITE_WITHOUT_SECRETARY, None)]
    assert gaps.composite_gaps([("S1", True), ("S2", False)]) == [(G.COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE, "S2")]


def test_appointment_rules():
    B_ = appointment.Blocker
    ops = [{"id": "o1", "date": A, "conclusion": "for"}, {"id": "o2", "date": B, "conclusion": "against"}]
    assert appointment.deciding(ops, "date")["id"] == "o2"
    none = appointment.village_findings([], [])
    assert (none.blockers, none.warnings) == ([B_.OPINION_MISSING, B_.NOTICE_MISSING], [])
    notice = {"id": "n", "from": D(2018, 3, 5), "to": D(2018, 3, 9), "recent": True, "ended": True}  # Mon-Fri
    against = appointment.village_findings([{**o, "recent": True} for o in ops], [notice])
    assert (against.blockers, against.warnings) == ([], [appointment.Warning_.OPINION_AGAINST])
    assert against.opinion["id"] == "o2" and against.notice["id"] == "n"
    assert appointment.opinion_counted({"date": A}, A) and not appointment.opinion_counted({"date": B}, A)
    assert appointment.verdict([]) == "READY" and appointment.verdict([B_.NO_LIAISON]) == "BLOCKED"


def test_model_values_become_cypher_literals():
    assert lit(UnitKind.DISTRICT) == "'district'" and lits([UnitKind.VILLAGE, UnitKind.COMMUNITY]) == "['community', 'village']"
    with pytest.raises(ValueError):
        lit("it's")
