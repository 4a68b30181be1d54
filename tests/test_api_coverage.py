"""coverage and appointmentCheck on the hand-built district of tests/api_world.py.

Expected gaps, blockers and verdicts are worked out here from the facts listed in api_world's
docstring, case by case.
"""

from __future__ import annotations

import pytest
from api_world import AS_OF, build, data, execute

COVERAGE = """
query($scope: ID, $asOf: Date) {
  coverage(scope: $scope, asOf: $asOf) {
    scope { id }
    townships townshipsWithLeader leaders villages villagesWithComposite villagesWithLiaison
    villagesWithCommissioner composites compositesWithSecretary complete
    gaps(first: 500) { totalCount nodes { kind unit { id name } person { id name } count } }
  }
}
"""


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def gap_set(cov: dict) -> set[tuple]:
    return {(g["kind"], g["unit"]["id"] if g["unit"] else None, g["person"]["id"] if g["person"] else None)
            for g in cov["gaps"]["nodes"]}


@pytest.fixture(params=["per-village", "set-based"])
def strategy(request, monkeypatch):
    """Run a coverage test both ways: village by village (small scopes) and by whole sets (large ones)."""
    from redengine.services import coverage

    monkeypatch.setattr(coverage, "SET_BASED_TOWNSHIPS", 1000 if request.param == "per-village" else 0)
    return request.param


def test_district_coverage_finds_every_gap_kind(world, strategy):
    cov = data(world, COVERAGE, scope="D", asOf=str(AS_OF))["coverage"]
    expected = {
        ("TOWNSHIP_WITHOUT_LEADER", "T3", None),                 # L2's link to T3 ended 2019-01-01
        ("LEADER_TOWNSHIP_COUNT", "D", "L2"),                    # T1, T2, T4: three
        ("LEADER_TOWNSHIP_COUNT", "D", "L3"),                    # none
        ("VILLAGE_WITHOUT_COMPOSITE", "V3", None),               # never coordinated
        ("VILLAGE_WITHOUT_COMPOSITE", "V5", None),               # link to C3 ended 2020-01-01
        ("VILLAGE_WITHOUT_LIAISON", "V3", None),                 # P1's liaison ended 2020-01-01
        ("VILLAGE_WITHOUT_COMMISSIONER", "V2", None),
        ("COMPOSITE_WITHOUT_SECRETARY", "C2", None),
        ("COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE", "C3", "S3"),  # S3 sits on T1's committee, C3 is T2's
    }
    assert gap_set(cov) == expected
    assert cov["gaps"]["totalCount"] == len(expected) and cov["complete"] is False
    counts = {k: cov[k] for k in ("townships", "townshipsWithLeader", "leaders", "villages", "villagesWithComposite",
                                  "villagesWithLiaison", "villagesWithCommissioner", "composites", "compositesWithSecretary")}
    # villages: V1 V2 V3 V4 V5 (V6 ended 2019-01-01); with composite V1 V2 V4; liaison all but V3; commissioner all but V2
    assert counts == {"townships": 4, "townshipsWithLeader": 3, "leaders": 3, "villages": 5, "villagesWithComposite": 3,
                      "villagesWithLiaison": 4, "villagesWithCommissioner": 4, "composites": 3, "compositesWithSecretary": 2}
    leader_counts = {g["person"]["id"]: g["count"] for g in cov["gaps"]["nodes"] if g["kind"] == "LEADER_TOWNSHIP_COUNT"}
    assert leader_counts == {"L2": 3, "L3": 0}


def test_whole_graph_coverage_equals_the_single_districts(world):
    whole = data(world, COVERAGE, asOf=str(AS_OF))["coverage"]
    district = data(world, COVERAGE, scope="D", asOf=str(AS_OF))["coverage"]
    assert whole["scope"] is None and district["scope"] == {"id": "D"}
    assert gap_set(whole) == gap_set(district)


def test_coverage_as_of_an_earlier_date_counts_links_then_in_force(world, strategy):
    cov = data(world, COVERAGE, scope="D", asOf="2019-06-01")["coverage"]
    # On 2019-06-01 P1 still liaised with V3 and V5 was still coordinated by C3; the rest is as today.
    assert gap_set(cov) == {
        ("TOWNSHIP_WITHOUT_LEADER", "T3", None), ("LEADER_TOWNSHIP_COUNT", "D", "L2"),
        ("LEADER_TOWNSHIP_COUNT", "D", "L3"), ("VILLAGE_WITHOUT_COMPOSITE", "V3", None),
        ("VILLAGE_WITHOUT_COMMISSIONER", "V2", None), ("COMPOSITE_WITHOUT_SECRETARY", "C2", None),
        ("COMPOSITE_SECRETARY_NOT_ON_TOWNSHIP_COMMITTEE", "C3", "S3"),
    }
    # On 2018-06-01 L2 also contacted T3 (four townships), and V6 still existed, lacking everything.
    early = gap_set(data(world, COVERAGE, scope="D", asOf="2018-06-01")["coverage"])
    assert ("TOWNSHIP_WITHOUT_LEADER", "T3", None) not in early
    assert {("VILLAGE_WITHOUT_COMPOSITE", "V6", None), ("VILLAGE_WITHOUT_LIAISON", "V6", None),
            ("VILLAGE_WITHOUT_COMMISSIONER", "V6", None)} <= early


def test_township_coverage(world, strategy):
    cov = data(world, COVERAGE, scope="T1", asOf=str(AS_OF))["coverage"]
    assert gap_set(cov) == {
        ("LEADER_TOWNSHIP_COUNT", "D", "L2"),  # L2 contacts T1 and two more townships
        ("VILLAGE_WITHOUT_COMPOSITE", "V3", None), ("VILLAGE_WITHOUT_LIAISON", "V3", None),
        ("VILLAGE_WITHOUT_COMMISSIONER", "V2", None), ("COMPOSITE_WITHOUT_SECRETARY", "C2", None),
    }
    assert (cov["townships"], cov["villages"], cov["composites"], cov["leaders"]) == (1, 3, 2, 2)


def test_township_token_gets_its_own_coverage_only(world):
    mine = data(world, COVERAGE, role="township", township="T1", asOf=str(AS_OF))["coverage"]
    assert mine["scope"] == {"id": "T1"} and mine["villages"] == 3
    assert data(world, COVERAGE, role="township", township="T1", scope="D", asOf=str(AS_OF))["coverage"]["scope"] == {"id": "T1"}
    assert data(world, COVERAGE, role="township", township="T1", scope="T2", asOf=str(AS_OF))["coverage"] is None


def test_coverage_of_a_village_is_a_user_error_naming_the_argument(world):
    result = execute(world, COVERAGE, scope="V1", asOf=str(AS_OF))
    assert result.data == {"coverage": None}
    [err] = result.errors
    assert "scope" in err.message and "V1" in err.message
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "scope"}


def test_unknown_scope_is_null(world):
    assert data(world, COVERAGE, scope="NOPE")["coverage"] is None


CHECK = """
query($p: ID!, $asOf: Date) {
  appointmentCheck(personId: $p, asOf: $asOf) {
    person { id } verdict scoped
    villages { unit { id } from to opinion { date conclusion docNo } opinions { id } notice { from to } }
    blockers { kind unit { id } }
    warnings { kind unit { id } opinion { conclusion } }
  }
}
"""


def check(runner, person, as_of=AS_OF, **kw):
    return data(runner, CHECK, p=person, asOf=str(as_of), **kw)["appointmentCheck"]


def kinds_units(items):
    return [(b["kind"], b["unit"]["id"] if b["unit"] else None) for b in items]


def test_check_notice_missing_blocks_and_opinion_against_warns(world):
    c = check(world, "P1")
    assert [v["unit"]["id"] for v in c["villages"]] == ["V1", "V2"]  # V3's liaison ended before the date
    assert kinds_units(c["blockers"]) == [("NOTICE_MISSING", "V2")]
    assert kinds_units(c["warnings"]) == [("OPINION_AGAINST", "V2")]
    assert c["verdict"] == "BLOCKED" and c["scoped"] is False
    v1 = c["villages"][0]
    assert v1["opinion"] == {"date": "2020-05-01", "conclusion": "FOR", "docNo": "黄组函〔2020〕1号"}
    assert v1["notice"] == {"from": "2020-05-10", "to": "2020-05-16"}


def test_check_opinion_dated_after_the_date_is_missing_then_counts_later(world):
    c = check(world, "P2")
    assert kinds_units(c["blockers"]) == [("OPINION_MISSING", "V5")] and c["verdict"] == "BLOCKED"
    later = check(world, "P2", "2020-07-01")  # the V5 opinion is dated 2020-07-01
    assert later["blockers"] == [] and later["verdict"] == "READY"


def test_check_ready(world):
    c = check(world, "P3")
    assert c["verdict"] == "READY" and c["blockers"] == [] and c["warnings"] == []
    assert [v["unit"]["id"] for v in c["villages"]] == ["V4"]


def test_check_no_liaison_blocks(world):
    c = check(world, "P4")
    assert c["villages"] == [] and kinds_units(c["blockers"]) == [("NO_LIAISON", None)] and c["verdict"] == "BLOCKED"


def test_check_before_the_notice_was_posted(world):
    c = check(world, "P3", "2020-05-05")  # opinion 2020-05-04 given, notice from 2020-05-11 not yet posted
    assert kinds_units(c["blockers"]) == [("NOTICE_MISSING", "V4")]


def test_check_unknown_person_is_null(world):
    assert check(world, "NOBODY") is None


def test_check_for_a_township_token_covers_its_villages_only(world):
    c = check(world, "P2", role="township", township="T2")  # P2 liaises with V4 (T2) and V5 (T3)
    assert [v["unit"]["id"] for v in c["villages"]] == ["V4"] and c["scoped"] is True and c["verdict"] == "READY"
    assert check(world, "P2", role="township", township="T1") is None  # P2 has no link into T1


def test_a_scoped_ready_says_other_villages_were_not_checked(world):
    """P2 liaises with V4 (T2) and V5 (T3): T2's READY covers V4 only, and a warning says one village was
    not checked (without naming it). P3 liaises with V4 only: no such warning. An admin sees no such warning."""
    q = """query($p: ID!, $d: Date) { appointmentCheck(personId: $p, asOf: $d) { verdict scoped
           warnings { kind count unit { id } } } }"""
    c = data(world, q, role="township", township="T2", p="P2", d=str(AS_OF))["appointmentCheck"]
    assert c == {"verdict": "READY", "scoped": True, "warnings": [{"kind": "OUTSIDE_SCOPE", "count": 1, "unit": None}]}
    p3 = data(world, q, role="township", township="T2", p="P3", d=str(AS_OF))["appointmentCheck"]
    assert p3 == {"verdict": "READY", "scoped": True, "warnings": []}
    admin = data(world, q, p="P2", d=str(AS_OF))["appointmentCheck"]
    assert admin["scoped"] is False and all(w["kind"] != "OUTSIDE_SCOPE" for w in admin["warnings"])


def test_a_township_contact_is_a_leader_only_while_on_the_district_committee(world):
    """X contacts T3 but sits on no district committee; L1's district membership ends 2020-03-01.

    On AS_OF: T3's only contact X is no leader → T3 still lacks one. T1 keeps L2 (L1 no longer counts);
    T2 and T4 have L2. So 3 of 4 townships have a leader. On 2020-02-01 L1 still counts for T1.
    """
    from redengine.graph import links

    world.write(links.UPSERT_PEOPLE, {"rows": [{"id": "X", "name": "某人", "from": "2017-05-01", "source": "t"}]})
    world.write(links.OPEN["CONTACTS_TOWNSHIP"], {"rows": [
        {"src": "X", "dst": "T3", "from": "2017-05-01", "to": None, "source": "t"}]})
    world.write(links.END["COMMITTEE_MEMBER_OF"], {"rows": [
        {"src": "L1", "dst": "D", "to": "2020-03-01", "source": "t"}]})
    cov = data(world, COVERAGE, scope="D", asOf=str(AS_OF))["coverage"]
    assert ("TOWNSHIP_WITHOUT_LEADER", "T3", None) in gap_set(cov)
    assert cov["townshipsWithLeader"] == 3
    t3 = data(world, COVERAGE, scope="T3", asOf=str(AS_OF))["coverage"]
    assert (t3["townshipsWithLeader"], gap_set(t3) >= {("TOWNSHIP_WITHOUT_LEADER", "T3", None)}) == (0, True)
    # T1 with L2 removed too: on AS_OF only L1 (no longer a member) contacts it → a gap; in February L1 still counts
    world.write(links.END["CONTACTS_TOWNSHIP"], {"rows": [{"src": "L2", "dst": "T1", "to": "2020-01-01", "source": "t"}]})
    t1 = data(world, COVERAGE, scope="T1", asOf=str(AS_OF))["coverage"]
    assert ("TOWNSHIP_WITHOUT_LEADER", "T1", None) in gap_set(t1) and t1["townshipsWithLeader"] == 0
    t1_feb = data(world, COVERAGE, scope="T1", asOf="2020-02-01")["coverage"]
    assert t1_feb["townshipsWithLeader"] == 1
