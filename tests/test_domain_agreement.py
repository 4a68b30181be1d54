"""The API's coverage and the analyses' coverage agree on one graph, per township, for every gap kind,
and so do the API's weak-case status and the analyses' weak units: both ask redengine.domain.

The graph holds both divergences measured before the domain core existed: X contacts T2 without a
district-committee seat (the API said T2 lacks a leader, the analyses counted X), and V1's case is
still marked rectifying but has a lifting date (the API said rectifying, the analyses not weak).

Worked out by hand, on ON (every link from 2017-01-01 unless said):
  D district; T1, T2, T3 townships (PART_OF D)
  L1 seat on D, contacts T1            → T1 has a leader; L1 contacts 1 township: fine
  L2 seat on D, contacts nothing       → LEADER_TOWNSHIP_COUNT (D, L2, 0)
  L3 seat on D, contacts T1, T3 and T2 from 2018-07-01 (after ON) → 2 townships on ON: fine
  X  no seat, contacts T2              → T2: TOWNSHIP_WITHOUT_LEADER (T3 is covered by L3)
  C1 composite of T1, secretary S1 (committee member of T1)     → fine
  C2 composite of T2, secretary S2 (committee member of T1 only) → COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE (C2, S2)
  C3 composite of T2, no secretary (S3's link ended 2018-01-01)  → COMPOSITE_WITHOUT_SECRETARY (C3)
  V1 village of T1: coordinated by C1, liaison P1, commissioner Q1 → fine
  V2 village of T1: liaison P1 only     → VILLAGE_WITHOUT_COMPOSITE, _WITHOUT_COMMISSIONER (V2)
  M1 community of T2: nothing           → VILLAGE_WITHOUT_COMPOSITE, _LIAISON, _COMMISSIONER (M1)
  V1's case: flagged 2017-06-01, status rectifying, lifted_on 2018-03-01 → open on 2018-01-01, not on ON
"""

from __future__ import annotations

import datetime as dt

from api_world import data

from redengine.analysis import analyses
from redengine.analysis.export import to_networkx
from redengine.analysis.files import load_graph, write_graph
from redengine.graph import links, records
from redengine.graph.statements import write

ON = dt.date(2018, 6, 30)
START = "2017-01-01"
UNITS = [("D", "district"), ("T1", "township"), ("T2", "township"), ("T3", "township"), ("C1", "composite"),
         ("C2", "composite"), ("C3", "composite"), ("V1", "village"), ("V2", "village"), ("M1", "community")]
PART_OF = [("T1", "D"), ("T2", "D"), ("T3", "D"), ("C1", "T1"), ("C2", "T2"), ("C3", "T2"), ("V1", "T1"),
           ("V2", "T1"), ("M1", "T2")]
PERSON_LINKS = [  # person, rel, unit, from, to
    ("L1", "COMMITTEE_MEMBER_OF", "D", START, None), ("L1", "CONTACTS_TOWNSHIP", "T1", START, None),
    ("L2", "COMMITTEE_MEMBER_OF", "D", START, None),
    ("L3", "COMMITTEE_MEMBER_OF", "D", START, None), ("L3", "CONTACTS_TOWNSHIP", "T1", START, None),
    ("L3", "CONTACTS_TOWNSHIP", "T3", START, None), ("L3", "CONTACTS_TOWNSHIP", "T2", "2018-07-01", None),
    ("X", "CONTACTS_TOWNSHIP", "T2", START, None),
    ("S1", "SECRETARY_OF", "C1", START, None), ("S1", "COMMITTEE_MEMBER_OF", "T1", START, None),
    ("S2", "SECRETARY_OF", "C2", START, None), ("S2", "COMMITTEE_MEMBER_OF", "T1", START, None),
    ("S3", "SECRETARY_OF", "C3", START, "2018-01-01"),
    ("P1", "LIAISES_WITH", "V1", START, None), ("P1", "LIAISES_WITH", "V2", START, None),
    ("Q1", "COMMISSIONER_OF", "V1", START, None),
]
EXPECTED = {  # (kind, township, unit, person)
    ("TOWNSHIP_WITHOUT_LEADER", "T2", "T2", None),
    ("LEADER_TOWNSHIP_COUNT", None, "D", "L2"),
    ("VILLAGE_WITHOUT_COMPOSITE", "T1", "V2", None), ("VILLAGE_WITHOUT_COMMISSIONER", "T1", "V2", None),
    ("VILLAGE_WITHOUT_COMPOSITE", "T2", "M1", None), ("VILLAGE_WITHOUT_LIAISON", "T2", "M1", None),
    ("VILLAGE_WITHOUT_COMMISSIONER", "T2", "M1", None),
    ("COMPOSITE_WITHOUT_SECRETARY", "T2", "C3", None),
    ("COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE", "T2", "C2", "S2"),
}

COVERAGE = """
query($scope: ID, $asOf: Date) {
  coverage(scope: $scope, asOf: $asOf) {
    townships townshipsWithLeader
    gaps(first: 500) { nodes { kind unit { id } person { id } count } }
  }
}
"""
WEAK = """
query($asOf: Date, $status: WeakStatus) {
  weakOrganisations(asOf: $asOf, status: $status, first: 50) { nodes { status unit { id } } }
}
"""


def build(runner):
    runner.write(links.UPSERT_UNITS, {"rows": [{"id": i, "name": f"{i}名", "kind": k, "kind_label": k, "from": START,
                                                "source": "test"} for i, k in UNITS]})
    runner.write(links.OPEN["PART_OF"], {"rows": [{"src": a, "dst": b, "from": START, "to": None, "source": "test"}
                                                  for a, b in PART_OF]})
    runner.write(links.OPEN["COORDINATED_BY"], {"rows": [{"src": "V1", "dst": "C1", "from": START, "to": None,
                                                          "source": "test"}]})
    people = sorted({p for p, *_ in PERSON_LINKS})
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": p, "name": f"{p}名", "from": START, "source": "test"} for p in people]})
    for rel in sorted({r for _, r, *_ in PERSON_LINKS}):
        runner.write(links.OPEN[rel], {"rows": [{"src": p, "dst": u, "from": f, "to": t, "source": "test"}
                                                for p, r, u, f, t in PERSON_LINKS if r == rel]})
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [{
        "id": records.weak_case_id("V1", "2017-06-01"), "unit_id": "V1", "flagged_on": "2017-06-01",
        "reasons": ["班子软弱"], "status": "rectifying", "lifted_on": "2018-03-01", "source": "test"}]})


def api_gaps(runner, scope):
    cov = data(runner, COVERAGE, scope=scope, asOf=str(ON))["coverage"]
    return {(g["kind"], g["unit"]["id"] if g["unit"] else None, g["person"]["id"] if g["person"] else None)
            for g in cov["gaps"]["nodes"]}, cov


def test_api_and_analyses_find_the_same_gaps_per_township(runner):
    build(runner)
    g = to_networkx(runner, as_of=ON, pseudonymise=False)
    frame = analyses.coverage_gaps(g, ON)
    found = {(r.kind.value, r.township, r.unit, r.person) for r in frame.itertuples()}
    assert found == EXPECTED
    whole, _ = api_gaps(runner, None)
    assert whole == {(k, u, p) for k, _, u, p in EXPECTED}
    by_township = analyses.coverage_by_township(g, ON).set_index("township")
    for t in ("T1", "T2", "T3"):
        mine, cov = api_gaps(runner, t)
        # a leader's township count is the leader's gap, not a township's: compared on the whole graph above
        assert {x for x in mine if x[0] != "LEADER_TOWNSHIP_COUNT"} == {
            (k, u, p) for k, tw, u, p in EXPECTED if tw == t}, t
        assert cov["townshipsWithLeader"] == int(by_township.loc[t, "leaders"] > 0), t
    assert by_township["leaders"].to_dict() == {"T1": 2, "T2": 0, "T3": 1}


def test_api_and_analyses_agree_when_a_case_is_lifted_by_its_date(runner):
    build(runner)
    for day, open_ in ((dt.date(2018, 1, 1), True), (ON, False)):
        status = data(runner, WEAK, asOf=str(day))["weakOrganisations"]["nodes"]
        assert status == [{"status": "RECTIFYING" if open_ else "LIFTED", "unit": {"id": "V1"}}], day
        rectifying = data(runner, WEAK, asOf=str(day), status="RECTIFYING")["weakOrganisations"]["nodes"]
        assert len(rectifying) == int(open_), day
        weak = analyses.weak_distance(to_networkx(runner, as_of=day), day)
        assert weak["unit"].tolist() == (["V1"] if open_ else []), day
        history = analyses.weak_distance(to_networkx(runner), day)
        assert history["unit"].tolist() == (["V1"] if open_ else []), day


def test_api_and_analyses_agree_on_scoped_exports_per_township(runner, tmp_path):
    """A township's export lacks the district (not in its subtree), yet its leader is still its leader.

    By hand, on ON: T1 is led by L1 and L3, T3 by L3, T2 by nobody (X has no seat, L3's contact
    starts after ON). Each township's own export, written as GraphML and read back, must give the same
    township gaps as the API's coverage(scope) (a leader's township count needs the whole district).
    """
    build(runner)
    leaders = {"T1": 2, "T2": 0, "T3": 1}
    for t in ("T1", "T2", "T3"):
        path = write_graph(to_networkx(runner, as_of=ON, scope=t, pseudonymise=False), tmp_path / f"{t}.graphml")
        g = load_graph(path)
        row = analyses.coverage_by_township(g, ON).set_index("township").loc[t]
        assert row["leaders"] == leaders[t], t
        found = {(r.kind.value if hasattr(r.kind, "value") else r.kind, r.unit, r.person)
                 for r in analyses.coverage_gaps(g, ON).itertuples() if r.township == t}
        assert found == {(k, u, p) for k, tw, u, p in EXPECTED if tw == t}, t
        mine, cov = api_gaps(runner, t)
        assert {x for x in mine if x[0] != "LEADER_TOWNSHIP_COUNT"} == found, t
        assert cov["townshipsWithLeader"] == int(leaders[t] > 0), t


LEADERS = """
query($id: ID!, $asOf: Date) { organisation(id: $id, asOf: $asOf) { leaders { nodes { person { id } } } } }
"""


def test_organisation_leaders_follow_the_leader_rule(runner):
    """Organisation.leaders lists who coverage counts: X contacts T2 without a seat and leads nothing;
    L3's contact to T2 starts after ON. By hand: T1 → L1, L3; T2 → nobody; T3 → L3."""
    build(runner)
    for t, expected in (("T1", ["L1", "L3"]), ("T2", []), ("T3", ["L3"])):
        org = data(runner, LEADERS, id=t, asOf=str(ON))["organisation"]
        assert [n["person"]["id"] for n in org["leaders"]["nodes"]] == expected, t


END_UNIT = write("test.agreement.end_unit", "MATCH (u:Unit {id: $id}) SET u.to = date($to) RETURN u.id AS id")


def test_an_ended_composite_committee_covers_no_village(runner):
    """C1 ceases on 2018-01-01 while V1's COORDINATED_BY link to it stays open: on ON, V1 has no
    composite committee (both the API and the analyses), and C1, gone, has no gaps of its own."""
    build(runner)
    runner.write(END_UNIT, {"id": "C1", "to": "2018-01-01"})
    expected = EXPECTED | {("VILLAGE_WITHOUT_COMPOSITE", "T1", "V1", None)}
    whole, cov = api_gaps(runner, None)
    assert whole == {(k, u, p) for k, _, u, p in expected}
    g = to_networkx(runner, as_of=ON, pseudonymise=False)
    assert {(r.kind.value if hasattr(r.kind, "value") else r.kind, r.township, r.unit, r.person)
            for r in analyses.coverage_gaps(g, ON).itertuples()} == expected
    assert analyses.coverage_by_township(g, ON).set_index("township").loc["T1", "composite"] == 0
