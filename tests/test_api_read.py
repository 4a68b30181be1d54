"""Organisations, people and weak cases read through the schema, as of dates, scoped, with masked fields.

The graph is tests/api_world.py; every expected value below follows from the facts listed there.
"""

from __future__ import annotations

import pytest
from api_world import AS_OF, P1_ID_NUMBER, P1_PHONE, build, data, ids

from redengine.services import audit

D = str(AS_OF)


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def people_of(conn: dict) -> list[str]:
    return [e["person"]["id"] for e in conn["nodes"]]


def test_village_with_its_township_composite_cadres_and_case(world):
    q = """query($d: Date) { organisation(id: "V2", asOf: $d) {
        id name kind kindLabel validFrom validTo asOf
        parent { id kind } compositeCommittee { id name }
        liaisonCadres { totalCount nodes { role roleLabel from to person { id name title workUnit { id } } } }
        commissioner { person { id } }
        weakCases { nodes { id status statusLabel reasons flaggedOn liftedOn } } } }"""
    v2 = data(world, q, d=D)["organisation"]
    assert (v2["name"], v2["kind"], v2["kindLabel"], v2["validFrom"], v2["validTo"], v2["asOf"]) == (
        "李湾村", "VILLAGE", "村", "2017-05-01", None, D)
    assert v2["parent"] == {"id": "T1", "kind": "TOWNSHIP"}
    assert v2["compositeCommittee"] == {"id": "C1", "name": "张河片区域综合党委"}
    assert v2["liaisonCadres"] == {"totalCount": 1, "nodes": [{
        "role": "LIAISON", "roleLabel": "联系村", "from": "2018-03-01", "to": None,
        "person": {"id": "P1", "name": "王芳", "title": "科长", "workUnit": {"id": "DEPT"}}}]}
    assert v2["commissioner"] is None
    assert v2["weakCases"]["nodes"] == [{"id": "weak:V2:2019-03-01", "status": "RECTIFYING", "statusLabel": "整顿中",
                                         "reasons": ["班子不团结", "制度不落实"], "flaggedOn": "2019-03-01", "liftedOn": None}]


def test_township_and_district_people(world):
    q = """{ t1: organisation(id: "T1", asOf: "%s") { kindLabel leaders { nodes { person { id } } }
                 committeeMembers { nodes { person { id } } } }
             t3: organisation(id: "T3", asOf: "%s") { kindLabel leaders { totalCount } }
             d: organisation(id: "D", asOf: "%s") { committeeMembers { nodes { person { id } } } parent { id } }
             c1: organisation(id: "C1", asOf: "%s") { secretary { person { id } from } coordinatedUnits { nodes { id } } } }""" % (D, D, D, D)
    got = data(world, q)
    assert people_of(got["t1"]["leaders"]) == ["L1", "L2"]
    assert people_of(got["t1"]["committeeMembers"]) == ["S1", "S3"]
    assert got["t3"] == {"kindLabel": "乡", "leaders": {"totalCount": 0}}  # L2's link ended 2019-01-01
    assert people_of(got["d"]["committeeMembers"]) == ["L1", "L2", "L3"] and got["d"]["parent"] is None
    assert got["c1"]["secretary"] == {"person": {"id": "S1"}, "from": "2017-05-01"}
    assert ids(got["c1"]["coordinatedUnits"]) == ["E1", "V1", "V2"]


def test_children_as_of_and_by_kind(world):
    q = """query($d: Date) { organisation(id: "T1", asOf: $d) {
        villages: children(kind: [VILLAGE, COMMUNITY]) { nodes { id } } all: children { totalCount } } }"""
    now = data(world, q, d=D)["organisation"]
    assert ids(now["villages"]) == ["V1", "V2", "V3"] and now["all"]["totalCount"] == 6  # + C1 C2 E1
    before = data(world, q, d="2018-06-01")["organisation"]
    assert ids(before["villages"]) == ["V1", "V2", "V3", "V6"]  # V6 ended 2019-01-01


def test_ended_liaison_is_not_counted_after_its_end(world):
    q = """query($d: Date) { organisation(id: "V3", asOf: $d) { liaisonCadres { nodes { person { id } to } } } }"""
    assert data(world, q, d=D)["organisation"]["liaisonCadres"]["nodes"] == []
    assert data(world, q, d="2019-12-31")["organisation"]["liaisonCadres"]["nodes"] == [
        {"person": {"id": "P1"}, "to": "2020-01-01"}]


def test_merge_event_links_old_and_new(world):
    q = """{ organisation(id: "V1", asOf: "%s") { events { nodes { id kind on note fromUnits { id validTo } toUnits { id } } } } }""" % D
    [ev] = data(world, q)["organisation"]["events"]["nodes"]
    assert ev == {"id": "merge:V1:2019-01-01", "kind": "merge", "on": "2019-01-01", "note": "旧村并入张河村",
                  "fromUnits": [{"id": "V6", "validTo": "2019-01-01"}], "toUnits": [{"id": "V1"}]}
    assert data(world, q.replace(D, "2018-06-01"))["organisation"]["events"]["nodes"] == []


def test_organisations_filters(world):
    q = """query($k: [UnitKind!], $s: ID, $n: String) { organisations(kind: $k, scope: $s, nameContains: $n, asOf: "%s") {
        totalCount nodes { id } } }""" % D
    assert ids(data(world, q, k=["VILLAGE", "COMMUNITY"])["organisations"]) == ["V1", "V2", "V3", "V4", "V5"]
    assert ids(data(world, q, n="张河")["organisations"]) == ["C1", "V1"]
    assert ids(data(world, q, k=["VILLAGE"], s="T2")["organisations"]) == ["V4"]
    assert ids(data(world, q, s="C1")["organisations"]) == ["C1"]  # coordination is not formal affiliation


def test_person_links_and_people_by_role(world):
    q = """{ person(id: "P1", asOf: "%s") { name title workUnit { name } links { nodes { role unit { id } from } }
                 liaisonVillages { totalCount } }
             liaisons: people(role: LIAISON, asOf: "%s") { nodes { id } }
             leaders: people(role: LEADER, asOf: "%s") { nodes { id } }
             everyone: people(asOf: "%s") { totalCount }
             t2: people(scope: "T2", asOf: "%s") { nodes { id } } }""" % (D, D, D, D, D)
    got = data(world, q)
    p1 = got["person"]
    assert (p1["name"], p1["title"], p1["workUnit"]) == ("王芳", "科长", {"name": "组织部"})
    assert [(x["role"], x["unit"]["id"], x["from"]) for x in p1["links"]["nodes"]] == [
        ("LIAISON", "V1", "2017-05-01"), ("LIAISON", "V2", "2018-03-01")]
    assert p1["liaisonVillages"]["totalCount"] == 2
    assert ids(got["liaisons"]) == ["P1", "P2", "P3"]
    assert ids(got["leaders"]) == ["L1", "L2"] and got["everyone"]["totalCount"] == 13
    # linked to a unit of T2 on the date: L2 (leader of T2), S3 (secretary of C3), P2 P3 (V4), K3 (V4)
    assert ids(got["t2"]) == ["K3", "L2", "P2", "P3", "S3"]


def test_weak_organisations_with_context(world):
    q = """query($s: WeakStatus, $d: Date) { weakOrganisations(status: $s, asOf: $d) { totalCount nodes {
        unit { id } status liftedOn liaisonCadres { nodes { person { id } } } commissioner { person { id } }
        compositeCommittee { id } strongPeers { nodes { id } } } } }"""
    got = data(world, q, d=D)["weakOrganisations"]
    # newest flagging first: V4 (2019-06-01, lifted only 2021), V2 (2019-03-01, open), V1 (lifted 2019-01-01)
    assert [(n["unit"]["id"], n["status"], n["liftedOn"]) for n in got["nodes"]] == [
        ("V4", "RECTIFYING", None), ("V2", "RECTIFYING", None), ("V1", "LIFTED", "2019-01-01")]
    v2 = got["nodes"][1]
    assert people_of(v2["liaisonCadres"]) == ["P1"] and v2["commissioner"] is None
    assert v2["compositeCommittee"] == {"id": "C1"}
    assert ids(v2["strongPeers"]) == ["E1", "V1"]  # V1's case was lifted before the date
    assert ids(got["nodes"][2]["strongPeers"]) == ["E1"]  # V2 is weak
    lifted = data(world, q, s="LIFTED", d=D)["weakOrganisations"]
    assert [n["unit"]["id"] for n in lifted["nodes"]] == ["V1"]
    later = data(world, q, s="LIFTED", d="2021-01-01")["weakOrganisations"]
    assert sorted(n["unit"]["id"] for n in later["nodes"]) == ["V1", "V4"]
    assert data(world, q, d="2017-12-31")["weakOrganisations"]["totalCount"] == 0


# -- township scope ---------------------------------------------------------------------------------
def as_t1(runner, q, **kw):
    return data(runner, q, role="township", township="T1", **kw)


def test_township_token_sees_nothing_of_another_township(world):
    q = """{ v4: organisation(id: "V4", asOf: "%s") { id }
             t2: organisation(id: "T2", asOf: "%s") { id }
             other: organisations(scope: "T2", asOf: "%s") { totalCount nodes { id } }
             p2: person(id: "P2", asOf: "%s") { id }
             weak: weakOrganisations(scope: "T2", asOf: "%s") { totalCount }
             people: people(scope: "T2", asOf: "%s") { totalCount } }""" % ((D,) * 6)
    got = as_t1(world, q)
    assert got == {"v4": None, "t2": None, "other": {"totalCount": 0, "nodes": []}, "p2": None,
                   "weak": {"totalCount": 0}, "people": {"totalCount": 0}}


def test_township_token_lists_are_its_subtree(world):
    q = """{ villages: organisations(kind: [VILLAGE, COMMUNITY], asOf: "%s") { nodes { id } }
             district: organisations(scope: "D", kind: [VILLAGE], asOf: "%s") { nodes { id } }
             liaisons: people(role: LIAISON, asOf: "%s") { nodes { id } }
             weak: weakOrganisations(asOf: "%s") { nodes { unit { id } } }
             v1: organisation(id: "V1", asOf: "%s") { parent { id parent { id } } } }""" % ((D,) * 5)
    got = as_t1(world, q)
    assert ids(got["villages"]) == ["V1", "V2", "V3"]
    assert ids(got["district"]) == ["V1", "V2"]
    assert ids(got["liaisons"]) == ["P1"]
    assert [n["unit"]["id"] for n in got["weak"]["nodes"]] == ["V2", "V1"]
    assert got["v1"]["parent"] == {"id": "T1", "parent": None}  # the district is above the township's subtree


def test_township_token_sees_only_its_part_of_a_person(world):
    q = """{ person(id: "P2", asOf: "%s") { links { nodes { unit { id } } } } }""" % D
    got = data(world, q, role="township", township="T2")  # P2 liaises with V4 (T2) and V5 (T3)
    assert [n["unit"]["id"] for n in got["person"]["links"]["nodes"]] == ["V4"]
    leaders = data(world, """{ organisation(id: "T2", asOf: "%s") { leaders { nodes { person { id } } } } }""" % D,
                   role="township", township="T2")
    assert people_of(leaders["organisation"]["leaders"]) == ["L2"]


# -- sensitive fields -------------------------------------------------------------------------------
SENSITIVE = """{ person(id: "P1") { idNumber phone } other: person(id: "P2") { idNumber phone } }"""


def test_admin_sees_sensitive_fields_and_each_read_is_audited(world):
    got = data(world, SENSITIVE)
    assert got["person"] == {"idNumber": P1_ID_NUMBER, "phone": P1_PHONE}
    assert got["other"] == {"idNumber": None, "phone": None}  # none on record: nothing read, nothing audited
    entries = [(e["action"], e["target"], e["detail"], e["role"]) for e in audit.recent(world)]
    assert sorted(entries) == [("read_sensitive", "P1", "idNumber", "admin"), ("read_sensitive", "P1", "phone", "admin")]


@pytest.mark.parametrize("role,township", [("analyst", None), ("township", "T1")])
def test_other_roles_get_masked_values_and_the_read_is_audited(world, role, township):
    got = data(world, SENSITIVE, role=role, township=township)
    assert got["person"] == {"idNumber": "4201**********1234", "phone": "138****5678"}
    entries = sorted((e["target"], e["detail"], e["role"]) for e in audit.recent(world))
    assert entries == [("P1", "idNumber (masked)", role), ("P1", "phone (masked)", role)]


def test_no_audit_entry_without_a_sensitive_field(world):
    data(world, """{ person(id: "P1") { name } }""")
    assert audit.recent(world) == []


def test_reads_skip_units_that_have_ceased_though_their_links_stay_open(world):
    """C1, T3, T4, V3 and DEPT cease on 2020-03-01; every link into them is left open (as a dissolution
    recorded on the unit only leaves them). On AS_OF none of them may answer for a unit in force:
    V1 has no composite (C1 gone), V2's case has no strong peers (its committee is gone), V5 has no
    parent (T3 gone), L2 contacts T1 and T2 only (T4 gone: no longer three townships), and the
    commissioners are K1, K3, K4 (K2's V3 gone); P1 no longer works anywhere (DEPT gone)."""
    from redengine.graph import links

    world.write(links.END_UNITS, {"rows": [{"id": u, "to": "2020-03-01", "source": "t"} for u in ("C1", "T3", "T4", "V3", "DEPT")]})
    q = """query($d: Date) {
      v1: organisation(id: "V1", asOf: $d) { compositeCommittee { id } }
      v5: organisation(id: "V5", asOf: $d) { parent { id } }
      p1: person(id: "P1", asOf: $d) { title workUnit { id } }
      l2: person(id: "L2", asOf: $d) { links(role: LEADER) { nodes { unit { id } } } }
      weakOrganisations(status: RECTIFYING, asOf: $d) { nodes { unit { id } strongPeers { nodes { id } } } }
      people(role: COMMISSIONER, asOf: $d) { nodes { id } }
      coverage(scope: "D", asOf: $d) { gaps { nodes { kind person { id } count } } } }"""
    got = data(world, q, d=D)
    assert got["v1"]["compositeCommittee"] is None
    assert got["v5"]["parent"] is None
    assert got["p1"] == {"title": None, "workUnit": None}
    assert [n["unit"]["id"] for n in got["l2"]["links"]["nodes"]] == ["T1", "T2"]
    cases = {n["unit"]["id"]: ids(n["strongPeers"]) for n in got["weakOrganisations"]["nodes"]}
    assert cases["V2"] == []
    assert ids(got["people"]) == ["K1", "K3", "K4"]
    leader_gaps = [(g["person"]["id"], g["count"]) for g in got["coverage"]["gaps"]["nodes"] if g["kind"] == "LEADER_TOWNSHIP_COUNT"]
    assert leader_gaps == [("L3", 0)]  # L2 now has two townships in force
