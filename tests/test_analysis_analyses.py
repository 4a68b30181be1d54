"""Each analysis on a small hand-built graph whose answer is worked out here."""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pytest

from redengine.analysis import analyses as an

D = dt.date
START = D(2017, 1, 1)


def unit(g, uid, kind, parent=None, start=START, end=None, cases=()):
    g.add_node(uid, kind=kind, name=f"{uid}名", label=f"{uid}名", kind_label=kind, **{"from": start, "to": end},
               weak_cases=[{"id": f"weak:{uid}:{f}", "flagged_on": f, "lifted_on": lifted, "status": s, "reasons": ["班子软弱"]}
                           for f, lifted, s in cases])
    if parent:
        link(g, uid, parent, "PART_OF", start, end)


def link(g, a, b, kind, start, end=None):
    if a not in g:
        g.add_node(a, kind="person", label=a, **{"from": START})
    g.add_edge(a, b, key=f"{kind}:{start}", kind=kind, **{"from": start, "to": end})


def coverage_world() -> nx.MultiDiGraph:
    """T1: villages V1 V2, community V3, village V5 (ended 2018-03-01), enterprise E1, composite C1.
    T2: village V4, composite C9 (dissolved 2018-01-01). T3: no village.
    liaison   P1→V1, P1→V2, P2→V2 (from 2017-05-01); P3→V4 until 2018-01-01; P4→V4 from 2018-02-01;
              P4→V5 from 2017-05-01
    commissioner  Q1→V1, Q2→V3 from 2017-09-01
    composite     V1 V2 V5 E1 → C1, V4 → C9 from 2017-06-01
    leader        L1 → T1 and T3, a district standing-committee member (COMMITTEE_MEMBER_OF D)
    """
    g = nx.MultiDiGraph(as_of=None, include_people=True)
    unit(g, "D", "district")
    for t in ("T1", "T2", "T3"):
        unit(g, t, "township", "D")
    unit(g, "C1", "composite", "T1")
    for v, k in [("V1", "village"), ("V2", "village"), ("V3", "community"), ("E1", "enterprise")]:
        unit(g, v, k, "T1")
    unit(g, "V5", "village", "T1", end=D(2018, 3, 1))
    unit(g, "V4", "village", "T2")
    unit(g, "C9", "composite", "T2", end=D(2018, 1, 1))  # dissolved; V4's link to it was never ended
    link(g, "V4", "C9", "COORDINATED_BY", D(2017, 6, 1))
    for v in ("V1", "V2", "V5", "E1"):
        link(g, v, "C1", "COORDINATED_BY", D(2017, 6, 1))
    may = D(2017, 5, 1)
    link(g, "P1", "V1", "LIAISES_WITH", may)
    link(g, "P1", "V2", "LIAISES_WITH", may)
    link(g, "P2", "V2", "LIAISES_WITH", may)
    link(g, "P3", "V4", "LIAISES_WITH", may, D(2018, 1, 1))
    link(g, "P4", "V4", "LIAISES_WITH", D(2018, 2, 1))
    link(g, "P4", "V5", "LIAISES_WITH", may)
    link(g, "Q1", "V1", "COMMISSIONER_OF", D(2017, 9, 1))
    link(g, "Q2", "V3", "COMMISSIONER_OF", D(2017, 9, 1))
    link(g, "L1", "T1", "CONTACTS_TOWNSHIP", D(2017, 4, 28))
    link(g, "L1", "T3", "CONTACTS_TOWNSHIP", D(2017, 4, 28))
    link(g, "L1", "D", "COMMITTEE_MEMBER_OF", D(2017, 1, 1))
    return g


ON = D(2018, 6, 30)


def test_coverage_by_township():
    df = an.coverage_by_township(coverage_world(), ON).set_index("township")
    assert df.index.tolist() == ["T1", "T2", "T3"]
    # T1 on ON: V1 V2 V3 (V5 ended; E1 is no village); liaised V1 V2; commissioners V1 V3; composite V1 V2
    t1 = df.loc["T1"]
    assert [t1.villages, t1.liaison, t1.commissioner, t1.composite, t1.leaders] == [3, 2, 2, 2, 1]
    assert t1.liaison_ratio == pytest.approx(2 / 3) and t1.composite_ratio == pytest.approx(2 / 3)
    t2 = df.loc["T2"]  # V4, liaised by P4 since February
    assert [t2.villages, t2.liaison, t2.commissioner, t2.composite, t2.leaders] == [1, 1, 0, 0, 0]
    assert t2.liaison_ratio == 1.0 and t2.commissioner_ratio == 0.0
    assert df.loc["T3", "villages"] == 0 and math.isnan(df.loc["T3", "liaison_ratio"]) and df.loc["T3", "leaders"] == 1
    assert df.loc["T1", "name"] == "T1名"


def test_coverage_on_an_earlier_day_counts_what_held_then():
    df = an.coverage_by_township(coverage_world(), "2017-08-01").set_index("township")
    # V5 still exists; no commissioner yet; composites from 2017-06-01: V1 V2 V5
    assert df.loc["T1", ["villages", "liaison", "commissioner", "composite"]].tolist() == [4, 3, 0, 3]


def test_interval_ends_are_exclusive_and_starts_inclusive():
    g = coverage_world()
    cov = lambda day, t, col: an.coverage_by_township(g, day).set_index("township").loc[t, col]  # noqa: E731
    assert cov("2017-12-31", "T2", "liaison") == 1  # P3 until 2018-01-01
    assert cov("2018-01-01", "T2", "liaison") == 0  # ended that day
    assert cov("2018-02-01", "T2", "liaison") == 1  # P4 from that day
    assert cov("2017-12-31", "T2", "composite") == 1 and cov("2018-01-01", "T2", "composite") == 0  # C9 gone
    assert cov("2018-02-28", "T1", "villages") == 4 and cov("2018-03-01", "T1", "villages") == 3  # V5 ended


def test_liaison_load_per_cadre():
    df = an.liaison_load(coverage_world(), ON)
    assert df[["cadre", "villages", "townships"]].values.tolist() == [["P1", 2, 1], ["P2", 1, 1], ["P4", 1, 1]]
    assert df.loc[0, "village_ids"] == ["V1", "V2"]
    # mid-February P4 liaises with V4 (T2) and V5 (T1, not yet ended); P3's liaison ended on 1 January
    feb = an.liaison_load(coverage_world(), "2018-02-15").set_index("cadre")
    assert feb.loc["P4", "villages"] == 2 and feb.loc["P4", "townships"] == 2 and "P3" not in feb.index


def test_villages_that_depend_on_a_single_cadre():
    df = an.single_liaison_villages(coverage_world(), ON)
    assert df[["village", "township", "cadre"]].values.tolist() == [["V1", "T1", "P1"], ["V4", "T2", "P4"]]


def test_what_if_cadres_leave():
    g = coverage_world()
    assert an.villages_left_without_liaison(g, ["P1"], ON)["village"].tolist() == ["V1"]
    assert an.villages_left_without_liaison(g, "P1", ON)["village"].tolist() == ["V1"]
    both = an.villages_left_without_liaison(g, ["P1", "P2"], ON)
    assert both["village"].tolist() == ["V1", "V2"] and both.loc[1, "cadres"] == ["P1", "P2"]
    assert an.villages_left_without_liaison(g, ["P2"], ON).empty  # V2 keeps P1
    with pytest.raises(KeyError, match="P9"):
        an.villages_left_without_liaison(g, ["P9"], ON)
    crit = an.critical_cadres(g, ON)
    assert crit[["cadre", "villages"]].values.tolist() == [["P1", 1], ["P4", 1]]
    assert crit.loc[0, "village_ids"] == ["V1"]


def test_coverage_over_time_at_month_ends():
    g = coverage_world()
    df = an.coverage_over_time(g, "2017-11-15", "2018-02-28")
    t2 = df[df.township == "T2"]
    assert t2["date"].tolist() == [D(2017, 11, 30), D(2017, 12, 31), D(2018, 1, 31), D(2018, 2, 28)]
    # P3 until 1 January (the 31st still held), nobody in January, P4 from February
    assert t2["liaison_ratio"].tolist() == [1.0, 1.0, 0.0, 1.0]
    t1 = df[df.township == "T1"]  # V1 V2 V3 V5: liaised V1 V2 V5, commissioners V1 V3
    assert t1["liaison_ratio"].tolist() == [0.75] * 4 and t1["commissioner_ratio"].tolist() == [0.5] * 4
    total = an.coverage_over_time(g, "2018-01-01", "2018-01-31", district=True)
    # 31 January: T1 4 villages, 3 liaised; T2 1 village, none
    assert total[["villages", "liaison"]].values.tolist() == [[5, 3]] and total.loc[0, "liaison_ratio"] == 0.6


def test_month_ends():
    assert an.month_ends("2017-01-31", "2017-03-30") == [D(2017, 1, 31), D(2017, 2, 28)]
    assert an.month_ends("2020-02-01", "2020-02-29") == [D(2020, 2, 29)]
    assert an.month_ends("2018-12-01", "2019-01-31") == [D(2018, 12, 31), D(2019, 1, 31)]
    assert an.month_ends("2018-05-02", "2018-05-30") == []


def weak_world() -> nx.MultiDiGraph:
    """Coordination network on ON (cases: W = rectifying since 2018-01-01):
    C1 (strong) — V1 (W), V10 (lifted 2018-03-01), V12 (W, its link ended 2018-01-01)
    C2 (W) — V6 (W), V7, E2
    C3 (W) — V9 (W)
    V8 (W) coordinated by nobody; V11 flagged only on 2018-07-01
    """
    g = nx.MultiDiGraph(as_of=None, include_people=True)
    w = [(D(2018, 1, 1), None, "rectifying")]
    unit(g, "T1", "township")
    unit(g, "C1", "composite", "T1")
    unit(g, "C2", "composite", "T1", cases=w)
    unit(g, "C3", "composite", "T1", cases=w)
    for v, cases in [("V1", w), ("V6", w), ("V7", ()), ("V8", w), ("V9", w), ("V12", w),
                     ("V10", [(D(2017, 6, 1), D(2018, 3, 1), "lifted")]), ("V11", [(D(2018, 7, 1), None, "rectifying")])]:
        unit(g, v, "village", "T1", cases=cases)
    unit(g, "E2", "enterprise", "T1")
    for a, b in [("V1", "C1"), ("V10", "C1"), ("V6", "C2"), ("V7", "C2"), ("E2", "C2"), ("V9", "C3")]:
        link(g, a, b, "COORDINATED_BY", START)
    link(g, "V12", "C1", "COORDINATED_BY", START, D(2018, 1, 1))
    return g


def test_weak_organisations_and_their_distance_to_a_strong_unit():
    df = an.weak_distance(weak_world(), ON).set_index("unit")
    assert sorted(df.index) == ["C2", "C3", "V1", "V12", "V6", "V8", "V9"]
    dist = {u: (None if d is None or d is an.pd.NA else int(d)) for u, d in df["distance"].items()}
    assert dist == {"C2": 1, "C3": None, "V1": 1, "V12": None, "V6": 2, "V8": None, "V9": None}
    assert df.loc["V6", "nearest"] == ["E2", "V7"] and df.loc["V1", "nearest"] == ["C1"] and df.loc["V8", "nearest"] == []
    assert df.loc["V1", "flagged_on"] == D(2018, 1, 1) and df.loc["V1", "reasons"] == "班子软弱"
    assert df.loc["V1", "township"] == "T1"


def test_weak_on_an_earlier_day():
    df = an.weak_distance(weak_world(), "2018-02-01").set_index("unit")
    # V10's case is lifted only on 2018-03-01: weak then, one hop from C1; V12's link had ended; V11 not flagged yet
    assert df.loc["V10", "distance"] == 1 and df.loc["V10", "nearest"] == ["C1"]
    assert an.pd.isna(df.loc["V12", "distance"])
    assert "V11" not in df.index


def test_snapshot_graph_answers_only_for_its_day():
    g = coverage_world()
    g.graph["as_of"] = ON
    assert an.coverage_by_township(g).set_index("township").loc["T1", "villages"] == 3
    with pytest.raises(ValueError, match="snapshot"):
        an.coverage_by_township(g, "2018-01-01")
    with pytest.raises(ValueError, match="all-history"):
        an.coverage_over_time(g, "2018-01-01", "2018-03-01")


def test_questions_about_people_need_people():
    g = coverage_world()
    g.graph["include_people"] = False
    with pytest.raises(ValueError, match="people"):
        an.liaison_load(g, ON)


def test_a_contact_without_a_district_seat_leads_no_township():
    """L1's seat ends on 2018-01-01: from then on L1's contacts cover neither T1 nor T3 (the API's rule)."""
    g = coverage_world()
    g.remove_edge("L1", "D", key=f"COMMITTEE_MEMBER_OF:{D(2017, 1, 1)}")
    link(g, "L1", "D", "COMMITTEE_MEMBER_OF", D(2017, 1, 1), D(2018, 1, 1))
    assert an.coverage_by_township(g, D(2017, 12, 31)).set_index("township")["leaders"].tolist() == [1, 0, 1]
    assert an.coverage_by_township(g, ON).set_index("township")["leaders"].tolist() == [0, 0, 0]
