"""The networkx export on real engines: counts, as-of, scope, pages, pseudonymisation and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import api_world
import networkx as nx
import pytest

from redengine.analysis import analyses
from redengine.analysis.export import ExportNotAllowed, to_networkx
from redengine.analysis.files import write_graph
from redengine.api.context import Principal, RoleName
from redengine.errors import ConfigError, NotFound
from redengine.graph import links, records
from redengine.graph.statements import read
from redengine.loaders import load_tables
from redengine.loaders.table import Table
from redengine.schema.model import DATED_LINKS
from redengine.services import audit

D = dt.date
NAMES = {"P1": "王芳", "P2": "李强", "P3": "赵敏", "P4": "陈刚", "P5": "刘洋"}
ID_NUMBER, PHONE = "420116199001011234", "13912345678"


def world(runner):
    """A small district; the expected counts below are worked out from this by hand.

    units  D; T1 T2 (townships); C1 (composite, T1); V1 V2 (villages, T1); E1 (enterprise, T1);
           M1 (community, T2); V3 (village, T2, ended with its PART_OF on 2018-01-01); G1 (department)
    links  PART_OF ×9 (one ended), COORDINATED_BY V1→C1 (from 2017-06-01), E1→C1;
           P1 WORKS_AT G1, LIAISES_WITH V1 and V2 (V2 until 2018-06-01); P2 LIAISES_WITH M1;
           P3 COMMISSIONER_OF V1 from 2018-01-01; P4 CONTACTS_TOWNSHIP T1; P5 recorded 2019, no links
    weak   V2 2017-06-01 → lifted 2018-03-01; M1 from 2018-06-01, rectifying
    """
    units = [("D", "黄陂区", "district"), ("T1", "前川街道", "township"), ("T2", "蔡店街道", "township"),
             ("C1", "张河片区域综合党委", "composite"), ("V1", "张河村", "village"), ("V2", "李湾村", "village"),
             ("E1", "汉口北商贸公司", "enterprise"), ("M1", "滨湖社区", "community"), ("V3", "老村", "village"),
             ("G1", "区委组织部", "department")]
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": n, "kind": k, "kind_label": k, "from": "2017-01-01", "source": "t"} for i, n, k in units]})
    runner.write(links.END_UNITS, {"rows": [{"id": "V3", "to": "2018-01-01", "source": "t"}]})

    def open_(rel, *rows):
        runner.write(links.OPEN[rel], {"rows": [
            {"src": s, "dst": d, "from": f, "to": t, "source": "t", **({"title": "科员"} if rel == "WORKS_AT" else {})}
            for s, d, f, t in rows]})

    open_("PART_OF", *[(a, b, "2017-01-01", None) for a, b in [
        ("T1", "D"), ("T2", "D"), ("C1", "T1"), ("V1", "T1"), ("V2", "T1"), ("E1", "T1"), ("M1", "T2"), ("G1", "D")]],
        ("V3", "T2", "2017-01-01", "2018-01-01"))
    open_("COORDINATED_BY", ("V1", "C1", "2017-06-01", None), ("E1", "C1", "2017-01-01", None))
    runner.write(links.UPSERT_PEOPLE, {"rows": [
        {"id": p, "name": n, "from": "2019-01-01" if p == "P5" else "2017-01-01", "source": "t"} for p, n in NAMES.items()]})
    runner.write(links.SET_PERSONAL_DATA, {"rows": [{"id": "P1", "id_number": ID_NUMBER, "phone": PHONE}]})
    open_("WORKS_AT", ("P1", "G1", "2017-01-01", None))
    open_("LIAISES_WITH", ("P1", "V1", "2017-05-01", None), ("P1", "V2", "2017-05-01", "2018-06-01"),
          ("P2", "M1", "2017-05-01", None))
    open_("COMMISSIONER_OF", ("P3", "V1", "2018-01-01", None))
    open_("CONTACTS_TOWNSHIP", ("P4", "T1", "2017-04-28", None))
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [
        {"id": records.weak_case_id("V2", "2017-06-01"), "unit_id": "V2", "flagged_on": "2017-06-01",
         "reasons": ["班子不团结"], "status": "lifted", "lifted_on": "2018-03-01", "source": "t"},
        {"id": records.weak_case_id("M1", "2018-06-01"), "unit_id": "M1", "flagged_on": "2018-06-01",
         "reasons": ["制度不落实", "活动不经常"], "status": "rectifying", "lifted_on": None, "source": "t"}]})


def kinds(g):
    out = {}
    for *_, k in g.edges(data="kind"):
        out[k] = out.get(k, 0) + 1
    return out


def test_all_history_exports_every_unit_person_and_link(runner):
    world(runner)
    g = to_networkx(runner, pseudonymise=False)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 10 + 5
    assert kinds(g) == {"PART_OF": 9, "COORDINATED_BY": 2, "WORKS_AT": 1, "LIAISES_WITH": 3,
                        "COMMISSIONER_OF": 1, "CONTACTS_TOWNSHIP": 1}
    assert g.nodes["V3"]["to"] == D(2018, 1, 1) and g.nodes["V1"]["kind"] == "village"
    assert g.nodes["V1"]["name"] == "张河村" and g.nodes["M1"]["kind_label"] == "community"
    lw = g.get_edge_data("P1", "V2")
    assert [(e["kind"], e["from"], e["to"]) for e in lw.values()] == [("LIAISES_WITH", D(2017, 5, 1), D(2018, 6, 1))]
    assert g.get_edge_data("P1", "G1")["WORKS_AT:2017-01-01"]["title"] == "科员"
    # every case listed; weak now = a case not lifted
    assert [c["status"] for c in g.nodes["V2"]["weak_cases"]] == ["lifted"] and g.nodes["V2"]["weak"] is False
    assert g.nodes["M1"]["weak"] is True and g.nodes["M1"]["weak_cases"][0]["reasons"] == ["制度不落实", "活动不经常"]


@pytest.mark.parametrize("day, nodes, edges", [
    # V3 ended on 2018-01-01 (to is exclusive); P5 recorded only in 2019; P3's commission starts that day
    ("2018-01-01", 9 + 4, 8 + 2 + 6),
    # P1's liaison with V2 ended on 2018-06-01
    ("2018-07-01", 9 + 4, 8 + 2 + 5),
    # V1's coordination starts 2017-06-01, P3's commission not yet; V3 and its PART_OF still hold
    ("2017-05-15", 10 + 4, 9 + 1 + 5),
])
def test_as_of_keeps_only_what_holds(runner, day, nodes, edges):
    world(runner)
    g = to_networkx(runner, as_of=day)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    assert g.graph["as_of"] == dt.date.fromisoformat(day)


def test_as_of_exports_a_person_holding_a_link_that_began_before_they_were_recorded(runner):
    """A loader records a new person from its as-of date, while their links may start years earlier.

    Loaded on 2019-04-28: P1 (liaison with V1 from 2017-06-01) and P2 (works at B1 from the load); P1's and P2's
    own intervals start 2019-04-28. As of 2018-01-01 P1 holds a link and is exported with it, as the API counts
    it; P2 holds nothing and is not. As of 2017-05-15 neither holds anything yet.
    """
    units = Table.of("u.csv", ["编码", "名称", "类型", "上级编码", "综合党委编码", "生效日期"], [
        ["D", "黄陂区", "区", "", "", "2017-05-01"], ["T1", "蔡店街道", "街道", "D", "", "2017-05-01"],
        ["V1", "张河村", "村", "T1", "", "2017-05-01"], ["B1", "组织部", "机关", "D", "", "2017-05-01"]])
    people = Table.of("p.csv", ["人员编码", "姓名", "工作单位编码", "职务"], [["P1", "王芳", "", ""], ["P2", "李强", "B1", "科员"]])
    lk = Table.of("l.csv", ["人员编码", "关系", "单位编码", "开始日期", "结束日期"], [["P1", "联系村", "V1", "2017-06-01", ""]])
    load_tables(runner, [units, people, lk], as_of=D(2019, 4, 28))
    g = to_networkx(runner, as_of="2018-01-01", pseudonymise=False)
    assert {n for n, k in g.nodes(data="kind") if k == "person"} == {"P1"}
    assert [k for _, _, k in g.edges("P1", data="kind")] == ["LIAISES_WITH"] and g.has_edge("P1", "V1")
    cov = analyses.coverage_by_township(to_networkx(runner, as_of="2018-01-01")).set_index("township")
    assert cov.loc["T1", ["villages", "liaison"]].tolist() == [1, 1]
    api = api_world.data(runner, '{ coverage(scope: "T1", asOf: "2018-01-01") { villages villagesWithLiaison } }')
    assert api["coverage"] == {"villages": 1, "villagesWithLiaison": 1}   # the API agrees
    assert {n for n, k in to_networkx(runner, as_of="2017-05-15", pseudonymise=False).nodes(data="kind")
            if k == "person"} == set()
    scoped = to_networkx(runner, as_of="2018-01-01", scope="T1", pseudonymise=False)
    assert set(scoped.nodes) == {"T1", "V1", "P1"} and scoped.has_edge("P1", "V1")


def test_as_of_leaves_out_an_ended_person_holding_nothing(runner):
    world(runner)
    runner.write(links.END_PEOPLE, {"rows": [{"id": "P5", "to": "2019-06-01", "source": "t"}]})
    persons = lambda day: {n for n, k in to_networkx(runner, as_of=day, pseudonymise=False).nodes(data="kind")  # noqa: E731
                           if k == "person"}
    assert "P5" in persons("2019-03-01") and "P5" not in persons("2019-06-01")


def test_as_of_weak_flags_follow_the_cases(runner):
    world(runner)
    before, after = to_networkx(runner, as_of="2018-02-01"), to_networkx(runner, as_of="2018-07-01")
    assert (before.nodes["V2"]["weak"], before.nodes["M1"]["weak"]) == (True, False)
    assert (after.nodes["V2"]["weak"], after.nodes["M1"]["weak"]) == (False, True)
    assert after.nodes["V2"]["weak_cases"] == []


def test_scope_is_the_subtree_its_people_and_links_inside_it(runner):
    world(runner)
    g = to_networkx(runner, as_of="2018-01-01", scope="T1", pseudonymise=False)
    assert set(g.nodes) == {"T1", "C1", "V1", "V2", "E1", "P1", "P3", "P4"}
    # T1→D and P1 WORKS_AT G1 leave the scope, so they are not exported
    assert kinds(g) == {"PART_OF": 4, "COORDINATED_BY": 2, "LIAISES_WITH": 2, "COMMISSIONER_OF": 1, "CONTACTS_TOWNSHIP": 1}
    hist = to_networkx(runner, scope="T2", include_people=False)
    assert set(hist.nodes) == {"T2", "M1", "V3"}  # all history: V3 was under T2


def test_no_people(runner):
    world(runner)
    g = to_networkx(runner, include_people=False)
    assert g.number_of_nodes() == 10 and kinds(g) == {"PART_OF": 9, "COORDINATED_BY": 2}


def test_small_pages_give_the_same_graph(runner):
    world(runner)
    big, small = to_networkx(runner, page_size=5000), to_networkx(runner, page_size=2)
    assert sorted(big.nodes(data=True)) == sorted(small.nodes(data=True))
    assert sorted(big.edges(keys=True, data=True), key=repr) == sorted(small.edges(keys=True, data=True), key=repr)
    scoped = to_networkx(runner, scope="T1", page_size=2)
    assert set(scoped.nodes) & {"T1", "V1", "V2", "C1", "E1"} == {"T1", "V1", "V2", "C1", "E1"}


def test_people_are_pseudonymised_by_default_with_a_stable_keyed_hash(runner, tmp_path, monkeypatch):
    world(runner)
    monkeypatch.delenv("REDENGINE_PSEUDONYM_KEY", raising=False)
    first, second = to_networkx(runner), to_networkx(runner)
    people = sorted(n for n, k in first.nodes(data="kind") if k == "person")
    assert len(people) == 5 and people == sorted(n for n, k in second.nodes(data="kind") if k == "person")
    assert not set(people) & set(NAMES)
    text = write_graph(first, tmp_path / "g.json").read_text(encoding="utf-8")
    for secret in [*NAMES.values(), ID_NUMBER, PHONE, '"P1"', '"P2"']:
        assert secret not in text
    # with an explicit key the pseudonym is HMAC-SHA256(key, id), cut to 16 hex digits
    monkeypatch.setenv("REDENGINE_PSEUDONYM_KEY", "k3y")
    keyed = to_networkx(runner)
    expected = "p-" + hmac.new(b"k3y", b"P1", hashlib.sha256).hexdigest()[:16]
    assert expected in keyed and keyed.has_edge(expected, "V1") and expected not in first


def test_personal_fields_only_when_asked_and_allowed(runner):
    world(runner)
    local = to_networkx(runner, as_of="2018-01-01", pseudonymise=False)
    assert local.nodes["P1"]["name"] == "王芳" and local.nodes["P1"]["id_number"] == ID_NUMBER
    assert local.nodes["P1"]["phone"] == PHONE
    analyst = Principal("t1", "小张", RoleName.ANALYST)
    with pytest.raises(ExportNotAllowed):
        to_networkx(runner, pseudonymise=False, principal=analyst)
    assert "P1" not in to_networkx(runner, principal=analyst)
    admin = Principal("t2", "组织部", RoleName.ADMIN)
    assert to_networkx(runner, pseudonymise=False, principal=admin).nodes["P1"]["phone"] == PHONE
    entries = audit.recent(runner)  # the local export and the admin's, newest first
    assert [e["action"] for e in entries] == ["export.personal"] * 2
    assert entries[0]["who"] == "admin:组织部" and entries[1]["who"].startswith("local:")
    assert json.loads(entries[1]["detail"]) == {"as_of": "2018-01-01", "people": 4}


def test_township_role_sees_only_its_township(runner):
    world(runner)
    t1 = Principal("t3", "前川", RoleName.TOWNSHIP, township_id="T1")
    g = to_networkx(runner, as_of="2018-01-01", principal=t1, include_people=False)
    assert set(g.nodes) == {"T1", "C1", "V1", "V2", "E1"} and g.graph["scope"] == "T1"
    assert set(to_networkx(runner, as_of="2018-01-01", scope="V1", principal=t1, include_people=False)) == {"V1"}
    with pytest.raises(ExportNotAllowed):
        to_networkx(runner, scope="T2", principal=t1)


def test_bad_arguments_are_clear_errors(runner):
    world(runner)
    with pytest.raises(ConfigError, match="as_of"):
        to_networkx(runner, as_of="2018-13-45x")
    with pytest.raises(ConfigError, match="as_of: 1949-10-01 is outside 1970-01-01 .. 2037-12-31"):
        to_networkx(runner, as_of="1949-10-01")  # the engine compares it wrongly with 2017's dates
    with pytest.raises(NotFound, match="T9"):
        to_networkx(runner, scope="T9")


def test_an_empty_graph_exports_empty(runner):
    g = to_networkx(runner)
    assert g.number_of_nodes() == 0 and g.number_of_edges() == 0


def test_analyses_on_an_engine_export(runner):
    world(runner)
    cov = analyses.coverage_by_township(to_networkx(runner, as_of="2018-01-01")).set_index("township")
    # P4 contacts T1 but sits on no district committee: no leader (the API's rule, redengine.domain.leaders)
    assert cov.loc["T1", "leaders"] == 0
    runner.write(links.OPEN["COMMITTEE_MEMBER_OF"], {"rows": [
        {"src": "P4", "dst": "D", "from": "2017-01-01", "to": None, "source": "t"}]})
    cov = analyses.coverage_by_township(to_networkx(runner, as_of="2018-01-01")).set_index("township")
    # T1: villages V1, V2 (E1 is an enterprise): liaised both, commissioner V1, composite V1; leader P4
    assert cov.loc["T1", ["villages", "liaison", "commissioner", "composite", "leaders"]].tolist() == [2, 2, 1, 1, 1]
    # T2: M1 only (V3 ended that day): liaised by P2
    assert cov.loc["T2", ["villages", "liaison", "commissioner", "composite"]].tolist() == [1, 1, 0, 0]
    weak = analyses.weak_distance(to_networkx(runner, as_of="2018-07-01"))
    assert weak["unit"].tolist() == ["M1"] and weak["distance"].isna().all()  # M1 is in no coordination network


def test_json_export_is_plain_node_link(runner, tmp_path):
    world(runner)
    p = write_graph(to_networkx(runner, as_of="2018-01-01"), tmp_path / "g.json")
    data = json.loads(p.read_text(encoding="utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    assert (back.number_of_nodes(), back.number_of_edges()) == (13, 16)


# -- the demo district: counts taken by independent Cypher on the engine ----------------------

COUNT_UNITS = read("test.analysis.count_units", "MATCH (u:Unit) RETURN count(u) AS n")
COUNT_PEOPLE = read("test.analysis.count_people", "MATCH (p:Person) RETURN count(p) AS n")
COUNT_LINKS = read("test.analysis.count_links", """
    MATCH (a)-[l]->(b:Unit)
    WHERE type(l) IN $types AND (a:Unit OR a:Person)
    RETURN type(l) AS kind, count(l) AS n
    """)
COUNT_UNITS_ON = read("test.analysis.count_units_on", """
    MATCH (u:Unit) WHERE u.from <= date($day) AND (u.to IS NULL OR u.to > date($day)) RETURN count(u) AS n
    """)
# as of D a person counts when recorded and not ended on D, or holding a link to a unit that holds on D
COUNT_PEOPLE_ON = read("test.analysis.count_people_on", """
    MATCH (p:Person)
    OPTIONAL MATCH (p)-[l]->(b:Unit)
    WITH p, sum(CASE WHEN l IS NOT NULL AND type(l) IN $types
                       AND l.from <= date($day) AND (l.to IS NULL OR l.to > date($day))
                       AND b.from <= date($day) AND (b.to IS NULL OR b.to > date($day)) THEN 1 ELSE 0 END) AS held
    WHERE held > 0 OR ((p.from IS NULL OR p.from <= date($day)) AND (p.to IS NULL OR p.to > date($day)))
    RETURN count(p) AS n
    """)
COUNT_LINKS_ON = read("test.analysis.count_links_on", """
    MATCH (a)-[l]->(b:Unit)
    WHERE type(l) IN $types AND l.from <= date($day) AND (l.to IS NULL OR l.to > date($day))
      AND b.from <= date($day) AND (b.to IS NULL OR b.to > date($day))
      AND ((a:Unit AND a.from <= date($day) AND (a.to IS NULL OR a.to > date($day))) OR a:Person)
    RETURN type(l) AS kind, count(l) AS n
    """)


@pytest.mark.slow
def test_demo_export_counts_equal_cypher_counts(runner):
    from redengine.demo import load_demo

    load_demo(runner, scale=1)
    types = {"types": list(DATED_LINKS)}
    one = lambda st, p=None: runner.read(st, p)[0]["n"]  # noqa: E731
    by_kind = lambda st, p: {r["kind"]: r["n"] for r in runner.read(st, p) if r["n"]}  # noqa: E731

    g = to_networkx(runner)
    assert g.number_of_nodes() == one(COUNT_UNITS) + one(COUNT_PEOPLE) > 3000
    assert kinds(g) == by_kind(COUNT_LINKS, types)
    assert g.number_of_edges() == sum(by_kind(COUNT_LINKS, types).values())

    day = {"day": "2018-06-30"}
    snap = to_networkx(runner, as_of=day["day"])
    assert snap.number_of_nodes() == one(COUNT_UNITS_ON, day) + one(COUNT_PEOPLE_ON, {**types, **day})
    assert sum(1 for _, k in snap.nodes(data="kind") if k == "person") > 100  # the demo's people hold links then
    assert kinds(snap) == by_kind(COUNT_LINKS_ON, {**types, **day})
    assert snap.number_of_edges() < g.number_of_edges() or snap.number_of_nodes() < g.number_of_nodes()
