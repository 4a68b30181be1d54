"""Every rule's Cypher fragment, run on the engine, agrees with its Python twin (redengine.domain).

A grid of dates, missing values and edge cases (a day equal to `from`, equal to `to`, a missing
`from`, a status that contradicts the lifting date, …) goes into the graph through
`redengine.domain.probes`; each fragment is evaluated for every (thing, day) and compared with the
twin. A fragment's null counts as "not true" (as in WHERE and CASE WHEN).
"""

from __future__ import annotations

import datetime as dt
import itertools

from redengine.domain import probes
from redengine.domain.appointment import (
    notice_counted,
    notice_has_ended,
    notice_is_recent,
    opinion_counted,
    opinion_is_recent,
)
from redengine.domain.cases import is_flagged, is_open, never_lifted, status_on
from redengine.domain.conventions import leader_townships_ok, village_kind
from redengine.domain.dated import all_in_force, in_force
from redengine.domain.leaders import Seat, is_district_seat
from redengine.schema.model import UnitKind, WeakStatus

D = dt.date
A, B, C = D(2017, 1, 1), D(2017, 6, 1), D(2018, 6, 1)
DATES = [None, A, B, C]
#: around every boundary: before, on and after each date of the grid
DAYS = [D(2016, 12, 31), A, D(2017, 3, 1), B, D(2017, 12, 1), C, D(2019, 1, 1)]
INTERVALS = [(f, t) for f, t in itertools.product(DATES, DATES) if not (f and t and t < f)]
KINDS = [k.value for k in UnitKind] + [None, "unknown-kind"]
STATUSES = [None, WeakStatus.RECTIFYING.value, WeakStatus.LIFTED.value, "other"]


def iso(d):
    return None if d is None else d.isoformat()


def params(prefix):
    return {"prefix": prefix, "days": [d.isoformat() for d in DAYS]}


def truth(v):
    return v is True


def test_a_unit_holds_and_is_a_village(runner):
    units = {f"tw-u{i}": (f, t, KINDS[i % len(KINDS)]) for i, (f, t) in enumerate(INTERVALS * 2)}
    runner.write(probes.PUT_UNITS, {"rows": [{"id": i, "kind": k, "from": iso(f), "to": iso(t)} for i, (f, t, k) in units.items()]})
    rows = runner.read(probes.UNIT_HOLDS, params("tw-u"))
    assert len(rows) == len(units) * len(DAYS)
    for r in rows:
        f, t, kind = units[r["id"]]
        day = r["day"] if isinstance(r["day"], dt.date) else D.fromisoformat(r["day"])
        assert truth(r["value"]) == in_force(f, t, day), (r, f, t)
        assert truth(r["village"]) == village_kind(kind), (r, kind)


def test_a_formal_chain_holds_when_every_link_does(runner):
    firsts, seconds = INTERVALS, [(A, None), (B, C), (None, None), (A, B)]
    unit_rows, link_rows, chains = [], [], {}
    for i, (one, two) in enumerate(itertools.product(firsts, seconds)):
        a, b, c = f"tw-p{i}a", f"tw-q{i}b", f"tw-q{i}c"
        unit_rows += [{"id": u, "kind": "village", "from": "2000-01-01", "to": None} for u in (a, b, c)]
        link_rows += [{"id": f"{a}-1", "src": a, "dst": b, "from": iso(one[0]), "to": iso(one[1])},
                      {"id": f"{a}-2", "src": b, "dst": c, "from": iso(two[0]), "to": iso(two[1])}]
        chains[(f"{a}-1",)] = [one]
        chains[(f"{a}-1", f"{a}-2")] = [one, two]
    runner.write(probes.PUT_UNITS, {"rows": unit_rows})
    runner.write(probes.PUT_PART_OF, {"rows": link_rows})
    rows = runner.read(probes.PATH_HOLDS, params("tw-p"))
    assert len(rows) == len(chains) * len(DAYS)
    for r in rows:
        day = r["day"] if isinstance(r["day"], dt.date) else D.fromisoformat(r["day"])
        assert truth(r["value"]) == all_in_force(chains[tuple(r["ids"])], day), r


def test_a_district_seat(runner):
    units = {f"tw-s-unit{i}": (f, t, k) for i, ((f, t), k) in enumerate(itertools.product(
        [(A, None), (None, None), (A, B), (B, C)], [UnitKind.DISTRICT.value, UnitKind.TOWNSHIP.value, None]))}
    runner.write(probes.PUT_UNITS, {"rows": [{"id": i, "kind": k, "from": iso(f), "to": iso(t)} for i, (f, t, k) in units.items()]})
    seats, rows = {}, []
    for n, (uid, (lf, lt)) in enumerate(itertools.product(units, INTERVALS)):
        sid = f"tw-seat{n}"
        seats[sid] = Seat(lf, lt, units[uid][2], units[uid][0], units[uid][1])
        rows.append({"id": sid, "person": f"tw-person{n % 7}", "unit": uid, "from": iso(lf), "to": iso(lt)})
    runner.write(probes.PUT_SEATS, {"rows": rows})
    got = runner.read(probes.SEATS, params("tw-seat"))
    assert len(got) == len(seats) * len(DAYS)
    for r in got:
        day = r["day"] if isinstance(r["day"], dt.date) else D.fromisoformat(r["day"])
        assert truth(r["value"]) == is_district_seat(seats[r["id"]], day), (r, seats[r["id"]])


def test_a_case_open_its_status_and_flagging(runner):
    cases = {f"tw-c{i}": {"flagged_on": f, "lifted_on": lifted, "status": s}
             for i, (f, lifted, s) in enumerate(itertools.product(DATES, DATES, STATUSES))}
    runner.write(probes.PUT_CASES, {"rows": [{"id": i, "flagged_on": iso(c["flagged_on"]), "lifted_on": iso(c["lifted_on"]),
                                              "status": c["status"]} for i, c in cases.items()]})
    rows = runner.read(probes.CASES, params("tw-c"))
    assert len(rows) == len(cases) * len(DAYS)
    for r in rows:
        c = cases[r["id"]]
        day = r["day"] if isinstance(r["day"], dt.date) else D.fromisoformat(r["day"])
        assert truth(r["value"]) == is_open(c, day), (r, c)
        assert r["status"] == status_on(c, day), (r, c)
        assert truth(r["flagged"]) == is_flagged(c, day), (r, c)
        assert truth(r["never_lifted"]) == never_lifted(c), (r, c)


def test_an_opinion_and_a_notice_count_are_recent_and_ended(runner):
    """The day of the grid stands for the check date (counts, ended) and for the window's first day (recent)."""
    recs = {f"tw-r{i}": (d, f, t) for i, (d, (f, t)) in enumerate(itertools.product(DATES, INTERVALS))}
    runner.write(probes.PUT_RECORDS, {"rows": [{"id": i, "date": iso(d), "from": iso(f), "to": iso(t)}
                                               for i, (d, f, t) in recs.items()]})
    rows = runner.read(probes.RECORDS, params("tw-r"))
    assert len(rows) == len(recs) * len(DAYS)
    for r in rows:
        d, f, t = recs[r["id"]]
        day = r["day"] if isinstance(r["day"], dt.date) else D.fromisoformat(r["day"])
        assert truth(r["opinion"]) == opinion_counted({"date": d}, day), r
        assert truth(r["notice"]) == notice_counted({"from": f}, day), r
        assert truth(r["opinion_recent"]) == opinion_is_recent({"date": d}, day), r
        assert truth(r["notice_recent"]) == notice_is_recent({"from": f}, day), r
        assert truth(r["notice_ended"]) == notice_has_ended({"to": t}, day), r


def test_a_leaders_township_count(runner):
    rows = runner.read(probes.LEADER_COUNTS, {"counts": list(range(-1, 6))})
    assert {r["n"]: truth(r["value"]) for r in rows} == {n: leader_townships_ok(n) for n in range(-1, 6)}
