"""Mutations over HTTP on a hand-built district: each happy path checks the graph by its own Cypher,
each refusal checks that nothing but the audit entry was written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from apiclient import open_api

from redengine.graph import links, records
from redengine.graph.statements import read
from redengine.services.codes import ErrorCode

D = dt.date

PERSON_LINKS = read(
    "test.api.person_links",
    "MATCH (p:Person {id: $id})-[l]->(u:Unit) RETURN type(l) AS rel, u.id AS unit, l.from AS from, l.to AS to "
    "ORDER BY rel, unit, from",
)
NODES = read("test.api.nodes", "MATCH (n) WHERE NOT n:AuditEntry RETURN labels(n) AS labels, properties(n) AS props")
RELS = read("test.api.rels", "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props")
AUDIT = read(
    "test.api.audit",
    "MATCH (a:AuditEntry) RETURN a.who AS who, a.role AS role, a.action AS action, a.target AS target, "
    "a.detail AS detail, a.at AS at ORDER BY a.id",
)


def snapshot(runner):
    """Everything in the graph but the audit log, in a comparable form."""
    key = lambda x: json.dumps(x, sort_keys=True, default=str)  # noqa: E731
    return (sorted(key(r) for r in runner.read(NODES)), sorted(key(r) for r in runner.read(RELS)))


def build_world(runner):
    """District D; townships T1, T2; composite C1 in T1; villages V1, V2 and community S1 in T1, V3 in T2.
    People: P1 王芳 liaises with V1 since 2017-05-01; P2 李明, P3 赵强 hold nothing."""
    units = [("D", "黄陂区", "district"), ("T1", "前川街道", "township"), ("T2", "祁家湾街道", "township"),
             ("C1", "张河片区域综合党委", "composite"), ("V1", "张河村", "village"), ("V2", "李湾村", "village"),
             ("S1", "百秀社区", "community"), ("V3", "周家村", "village")]
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": i, "name": n, "kind": k, "kind_label": k, "from": "2017-01-01", "source": "test"} for i, n, k in units]})
    parents = [("T1", "D"), ("T2", "D"), ("C1", "T1"), ("V1", "T1"), ("V2", "T1"), ("S1", "T1"), ("V3", "T2")]
    runner.write(links.OPEN["PART_OF"], {"rows": [
        {"src": s, "dst": d, "from": "2017-01-01", "to": None, "source": "test"} for s, d in parents]})
    runner.write(links.UPSERT_PEOPLE, {"rows": [
        {"id": i, "name": n, "from": "2017-01-01", "source": "test"} for i, n in [("P1", "王芳"), ("P2", "李明"), ("P3", "赵强")]]})
    runner.write(links.OPEN["LIAISES_WITH"], {"rows": [
        {"src": "P1", "dst": "V1", "from": "2017-05-01", "to": None, "source": "test"}]})


@pytest.fixture
def api(runner):
    build_world(runner)
    with open_api(runner) as api:
        yield api


START_LIAISON = """
mutation($p: ID!, $u: ID!, $from: Date!) {
  startLiaison(personId: $p, unitId: $u, from: $from) {
    ok errors { code field message } link { role personId unitId from to }
  }
}"""


def codes(payload):
    return sorted(e["code"] for e in payload["errors"])


def test_start_liaison_writes_an_open_link(api, runner):
    body = api.gql(START_LIAISON, {"p": "P2", "u": "V2", "from": "2018-03-01"})
    out = body["data"]["startLiaison"]
    assert out["ok"] is True and out["errors"] == []
    assert out["link"] == {"role": "LIAISON", "personId": "P2", "unitId": "V2", "from": "2018-03-01", "to": None}
    assert runner.read(PERSON_LINKS, {"id": "P2"}) == [
        {"rel": "LIAISES_WITH", "unit": "V2", "from": D(2018, 3, 1), "to": None}]


@pytest.mark.parametrize("person, unit, start, expected", [
    ("P9", "V2", "2018-03-01", ["NOT_FOUND"]),                  # unknown person
    ("P2", "V9", "2018-03-01", ["NOT_FOUND"]),                  # unknown unit
    ("P9", "V9", "2018-03-01", ["NOT_FOUND", "NOT_FOUND"]),     # both reported together
    ("P2", "T1", "2018-03-01", ["WRONG_UNIT_KIND"]),            # a township is not a village
    ("P2", "C1", "2018-03-01", ["WRONG_UNIT_KIND"]),
    ("P1", "V1", "2019-01-01", ["DUPLICATE_OPEN_LINK"]),        # P1 already liaises with V1
    ("P1", "V1", "2016-01-01", ["DUPLICATE_OPEN_LINK"]),
])
def test_start_liaison_refusals_write_nothing(api, runner, person, unit, start, expected):
    before = snapshot(runner)
    out = api.gql(START_LIAISON, {"p": person, "u": unit, "from": start})["data"]["startLiaison"]
    assert out["ok"] is False and out["link"] is None
    assert codes(out) == expected
    assert all(e["message"] for e in out["errors"])
    assert snapshot(runner) == before


START_LINK = """
mutation($in: StartLinkInput!) {
  startLink(input: $in) { ok errors { code field message } link { role personId unitId from to } }
}"""
END_LINK = """
mutation($in: EndLinkInput!) {
  endLink(input: $in) { ok errors { code field message } link { role personId unitId from to } }
}"""
END_LIAISON = """
mutation($p: ID!, $u: ID!, $to: Date!) {
  endLiaison(personId: $p, unitId: $u, to: $to) { ok errors { code field message } link { from to } }
}"""


@pytest.mark.parametrize("role, person, unit, rel", [
    ("LEADER", "P2", "T1", "CONTACTS_TOWNSHIP"),
    ("COMMISSIONER", "P3", "S1", "COMMISSIONER_OF"),    # a community counts as a village
    ("SECRETARY", "P3", "C1", "SECRETARY_OF"),          # a secretary may head any kind of unit
    ("MEMBER", "P2", "D", "COMMITTEE_MEMBER_OF"),       # district committee: a standing-committee member
    ("LIAISON", "P1", "V2", "LIAISES_WITH"),
])
def test_start_link_for_each_role(api, runner, role, person, unit, rel):
    before = {(r["rel"], r["unit"]) for r in runner.read(PERSON_LINKS, {"id": person})}
    out = api.gql(START_LINK, {"in": {"role": role, "personId": person, "unitId": unit, "from": "2018-02-01"}})
    assert out["data"]["startLink"]["ok"] is True, out
    after = runner.read(PERSON_LINKS, {"id": person})
    added = [r for r in after if (r["rel"], r["unit"]) not in before]
    assert added == [{"rel": rel, "unit": unit, "from": D(2018, 2, 1), "to": None}]


@pytest.mark.parametrize("role, unit", [
    ("LEADER", "V1"), ("LEADER", "D"), ("COMMISSIONER", "T1"), ("COMMISSIONER", "C1"), ("MEMBER", "V1"), ("MEMBER", "C1"),
])
def test_start_link_checks_role_against_unit_kind(api, runner, role, unit):
    before = snapshot(runner)
    out = api.gql(START_LINK, {"in": {"role": role, "personId": "P2", "unitId": unit, "from": "2018-02-01"}})["data"]["startLink"]
    assert (out["ok"], codes(out), out["errors"][0]["field"]) == (False, ["WRONG_UNIT_KIND"], "unitId")
    assert snapshot(runner) == before


def test_end_then_restart_a_liaison_keeps_history(api, runner):
    out = api.gql(END_LIAISON, {"p": "P1", "u": "V1", "to": "2019-01-01"})["data"]["endLiaison"]
    assert out == {"ok": True, "errors": [], "link": {"from": "2017-05-01", "to": "2019-01-01"}}
    assert runner.read(PERSON_LINKS, {"id": "P1"}) == [
        {"rel": "LIAISES_WITH", "unit": "V1", "from": D(2017, 5, 1), "to": D(2019, 1, 1)}]

    # the old interval is [2017-05-01, 2019-01-01): a new link may not start inside it
    before = snapshot(runner)
    out = api.gql(START_LIAISON, {"p": "P1", "u": "V1", "from": "2018-06-01"})["data"]["startLiaison"]
    assert codes(out) == ["OVERLAPPING_LINK"]
    assert snapshot(runner) == before
    # ... but may start on the day it ended
    out = api.gql(START_LIAISON, {"p": "P1", "u": "V1", "from": "2019-01-01"})["data"]["startLiaison"]
    assert out["ok"] is True
    assert runner.read(PERSON_LINKS, {"id": "P1"}) == [
        {"rel": "LIAISES_WITH", "unit": "V1", "from": D(2017, 5, 1), "to": D(2019, 1, 1)},
        {"rel": "LIAISES_WITH", "unit": "V1", "from": D(2019, 1, 1), "to": None}]


@pytest.mark.parametrize("inp, expected", [
    ({"role": "LIAISON", "personId": "P1", "unitId": "V1", "to": "2017-04-30"}, ["DATE_ORDER"]),  # before its from
    ({"role": "LIAISON", "personId": "P1", "unitId": "V2", "to": "2019-01-01"}, ["NO_OPEN_LINK"]),
    ({"role": "COMMISSIONER", "personId": "P1", "unitId": "V1", "to": "2019-01-01"}, ["NO_OPEN_LINK"]),
    ({"role": "LIAISON", "personId": "P9", "unitId": "V1", "to": "2019-01-01"}, ["NOT_FOUND"]),
])
def test_end_link_refusals_write_nothing(api, runner, inp, expected):
    before = snapshot(runner)
    out = api.gql(END_LINK, {"in": inp})["data"]["endLink"]
    assert (out["ok"], codes(out), out["link"]) == (False, expected, None)
    assert snapshot(runner) == before


RECORD_OPINION = """
mutation($in: RecordOpinionInput!) {
  recordOpinion(input: $in) { ok errors { code field message } opinion { id personId unitId date conclusion docNo } }
}"""
RECORD_NOTICE = """
mutation($in: RecordNoticeInput!) {
  recordNotice(input: $in) { ok errors { code field message } notice { id personId unitId from to docNo } }
}"""
OPINIONS = read(
    "test.api.opinions",
    "MATCH (o:Opinion)-[:ABOUT]->(p:Person) MATCH (o)-[:GIVEN_BY]->(u:Unit) "
    "RETURN o.id AS id, p.id AS person, u.id AS unit, o.date AS date, o.conclusion AS conclusion, o.doc_no AS doc_no "
    "ORDER BY id",
)
NOTICES = read(
    "test.api.notices",
    "MATCH (n:Notice)-[:ABOUT]->(p:Person) MATCH (n)-[:POSTED_IN]->(u:Unit) "
    "RETURN n.id AS id, p.id AS person, u.id AS unit, n.from AS from, n.to AS to, n.doc_no AS doc_no ORDER BY id",
)


def test_record_opinion_and_correct_it(api, runner):
    inp = {"personId": "P1", "unitId": "V1", "date": "2018-01-05", "conclusion": "FOR", "docNo": "黄组函〔2018〕1号"}
    out = api.gql(RECORD_OPINION, {"in": inp})["data"]["recordOpinion"]
    assert out["ok"] is True and out["opinion"]["id"] == "opinion:P1:V1:2018-01-05"
    assert runner.read(OPINIONS) == [{"id": "opinion:P1:V1:2018-01-05", "person": "P1", "unit": "V1",
                                      "date": D(2018, 1, 5), "conclusion": "for", "doc_no": "黄组函〔2018〕1号"}]
    # the same person, village and date is the same opinion: recording again corrects it
    api.gql(RECORD_OPINION, {"in": dict(inp, conclusion="AGAINST")})
    assert [(r["id"], r["conclusion"]) for r in runner.read(OPINIONS)] == [("opinion:P1:V1:2018-01-05", "against")]


@pytest.mark.parametrize("inp, expected", [
    ({"personId": "P1", "unitId": "T1"}, ["WRONG_UNIT_KIND"]),   # a township gives no village opinion
    ({"personId": "P1", "unitId": "C1"}, ["WRONG_UNIT_KIND"]),
    ({"personId": "P9", "unitId": "V1"}, ["NOT_FOUND"]),
    ({"personId": "P1", "unitId": "V9"}, ["NOT_FOUND"]),
])
def test_record_opinion_refusals_write_nothing(api, runner, inp, expected):
    before = snapshot(runner)
    out = api.gql(RECORD_OPINION, {"in": dict(inp, date="2018-01-05", conclusion="FOR")})["data"]["recordOpinion"]
    assert (out["ok"], codes(out), out["opinion"]) == (False, expected, None)
    assert snapshot(runner) == before


def test_record_notice(api, runner):
    inp = {"personId": "P1", "unitId": "S1", "from": "2018-01-06", "to": "2018-01-12", "docNo": "公示〔2018〕3号"}
    out = api.gql(RECORD_NOTICE, {"in": inp})["data"]["recordNotice"]
    assert out["ok"] is True
    assert runner.read(NOTICES) == [{"id": "notice:P1:S1:2018-01-06", "person": "P1", "unit": "S1",
                                     "from": D(2018, 1, 6), "to": D(2018, 1, 12), "doc_no": "公示〔2018〕3号"}]


def test_record_notice_last_day_before_first_is_refused(api, runner):
    before = snapshot(runner)
    inp = {"personId": "P1", "unitId": "V1", "from": "2018-01-06", "to": "2018-01-05"}
    out = api.gql(RECORD_NOTICE, {"in": inp})["data"]["recordNotice"]
    assert (codes(out), out["errors"][0]["field"]) == (["DATE_ORDER"], "to")
    assert snapshot(runner) == before


OPEN_CASE = """
mutation($in: OpenWeakCaseInput!) {
  openWeakCase(input: $in) { ok errors { code field message } weakCase { id unitId flaggedOn reasons status liftedOn } }
}"""
UPDATE_CASE = """
mutation($in: UpdateWeakCaseInput!) {
  updateWeakCase(input: $in) { ok errors { code field message } weakCase { id reasons status } }
}"""
LIFT_CASE = """
mutation($in: LiftWeakCaseInput!) {
  liftWeakCase(input: $in) { ok errors { code field message } weakCase { id status liftedOn } }
}"""
CASES = read(
    "test.api.cases",
    "MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit) RETURN w.id AS id, u.id AS unit, w.flagged_on AS flagged_on, "
    "w.reasons AS reasons, w.status AS status, w.lifted_on AS lifted_on ORDER BY id",
)


def _refused(api, runner, query, inp, name):
    before = snapshot(runner)
    out = api.gql(query, {"in": inp})["data"][name]
    assert out["ok"] is False and out["weakCase"] is None
    assert snapshot(runner) == before
    return codes(out)


def test_weak_case_open_update_lift(api, runner):
    out = api.gql(OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": "2018-01-10", "reasons": ["班子不团结"]}})
    case = out["data"]["openWeakCase"]["weakCase"]
    cid = "weak:V2:2018-01-10"
    assert case == {"id": cid, "unitId": "V2", "flaggedOn": "2018-01-10", "reasons": ["班子不团结"],
                    "status": "RECTIFYING", "liftedOn": None}
    assert runner.read(CASES) == [{"id": cid, "unit": "V2", "flagged_on": D(2018, 1, 10), "reasons": ["班子不团结"],
                                   "status": "rectifying", "lifted_on": None}]
    # one open case per unit
    assert _refused(api, runner, OPEN_CASE, {"unitId": "V2", "flaggedOn": "2018-03-01"}, "openWeakCase") == [
        "DUPLICATE_OPEN_CASE"]

    api.gql(UPDATE_CASE, {"in": {"id": cid, "reasons": ["班子不团结", "组织生活不正常"]}})
    assert runner.read(CASES)[0]["reasons"] == ["班子不团结", "组织生活不正常"]

    assert _refused(api, runner, LIFT_CASE, {"id": cid, "liftedOn": "2018-01-09"}, "liftWeakCase") == ["DATE_ORDER"]
    out = api.gql(LIFT_CASE, {"in": {"id": cid, "liftedOn": "2018-12-01"}})["data"]["liftWeakCase"]
    assert out["weakCase"] == {"id": cid, "status": "LIFTED", "liftedOn": "2018-12-01"}
    assert runner.read(CASES) == [{"id": cid, "unit": "V2", "flagged_on": D(2018, 1, 10),
                                   "reasons": ["班子不团结", "组织生活不正常"], "status": "lifted",
                                   "lifted_on": D(2018, 12, 1)}]
    assert _refused(api, runner, LIFT_CASE, {"id": cid, "liftedOn": "2019-01-01"}, "liftWeakCase") == ["ALREADY_LIFTED"]
    # a new case may not start inside the lifted one's interval, but may after it
    assert _refused(api, runner, OPEN_CASE, {"unitId": "V2", "flaggedOn": "2018-06-01"}, "openWeakCase") == [
        "OVERLAPPING_CASE"]
    out = api.gql(OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": "2019-02-01", "reasons": []}})["data"]["openWeakCase"]
    assert out["ok"] is True
    assert [(r["id"], r["status"]) for r in runner.read(CASES)] == [(cid, "lifted"), ("weak:V2:2019-02-01", "rectifying")]


def test_weak_cases_stored_with_a_contradicting_status_follow_the_domain(api, runner):
    """By the domain (redengine.domain.cases) a case is open until lifted: V2's case, still marked
    rectifying but lifted on 2018-03-01, is closed from then on, so a new case on 2019-01-01 is written
    and the old one cannot be lifted again (its date stays); V3's case, marked lifted with no date, was
    lifted when flagged, and the refusal says so instead of "lifted on None"."""
    runner.write(records.UPSERT_WEAK_CASES, {"rows": [
        {"id": "weak:V2:2017-06-01", "unit_id": "V2", "flagged_on": "2017-06-01", "reasons": ["x"],
         "status": "rectifying", "lifted_on": "2018-03-01", "source": "test"},
        {"id": "weak:V3:2017-06-01", "unit_id": "V3", "flagged_on": "2017-06-01", "reasons": ["x"],
         "status": "lifted", "lifted_on": None, "source": "test"}]})
    assert _refused(api, runner, OPEN_CASE, {"unitId": "V2", "flaggedOn": "2018-01-01"}, "openWeakCase") == [
        "OVERLAPPING_CASE"]
    out = api.gql(OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": "2019-01-01", "reasons": []}})["data"]["openWeakCase"]
    assert out["ok"] is True, out
    assert _refused(api, runner, LIFT_CASE, {"id": "weak:V2:2017-06-01", "liftedOn": "2019-06-01"},
                    "liftWeakCase") == ["ALREADY_LIFTED"]
    assert [r["lifted_on"] for r in runner.read(CASES) if r["id"] == "weak:V2:2017-06-01"] == [D(2018, 3, 1)]
    out = api.gql(LIFT_CASE, {"in": {"id": "weak:V3:2017-06-01", "liftedOn": "2018-01-01"}})["data"]["liftWeakCase"]
    assert codes(out) == ["ALREADY_LIFTED"]
    assert "None" not in out["errors"][0]["message"] and "2017-06-01" in out["errors"][0]["message"]


@pytest.mark.parametrize("query, inp, name, expected", [
    (OPEN_CASE, {"unitId": "V9", "flaggedOn": "2018-01-10"}, "openWeakCase", ["NOT_FOUND"]),
    (OPEN_CASE, {"unitId": "D", "flaggedOn": "2018-01-10"}, "openWeakCase", ["WRONG_UNIT_KIND"]),
    (OPEN_CASE, {"unitId": "V1", "flaggedOn": "2018-01-10", "reasons": ["  "]}, "openWeakCase", ["INVALID"]),
    (UPDATE_CASE, {"id": "weak:V1:2018-01-10", "reasons": ["x"]}, "updateWeakCase", ["NOT_FOUND"]),
    (LIFT_CASE, {"id": "weak:V1:2018-01-10", "liftedOn": "2018-05-01"}, "liftWeakCase", ["NOT_FOUND"]),
])
def test_weak_case_refusals_write_nothing(api, runner, query, inp, name, expected):
    assert _refused(api, runner, query, inp, name) == expected


def test_audit_records_who_did_what_and_refusals(api, runner):
    api.gql(START_LIAISON, {"p": "P2", "u": "V2", "from": "2018-03-01"})
    api.gql(START_LIAISON, {"p": "P2", "u": "T1", "from": "2018-03-01"})                     # refused
    api.gql(RECORD_OPINION, {"in": {"personId": "P1", "unitId": "V1", "date": "2018-01-05", "conclusion": "FOR"}},
            role="analyst")                                                                    # refused
    entries = runner.read(AUDIT)
    assert [(e["who"], e["role"], e["action"], e["target"]) for e in entries] == [
        ("admin:test-admin", "admin", "link.start.liaison", "P2->V2"),
        ("admin:test-admin", "admin", "link.start.liaison", "P2->T1"),
        ("analyst:test-analyst", "analyst", "opinion.record", "opinion:P1:V1:2018-01-05"),
    ]
    outcomes = [json.loads(e["detail"])["outcome"] for e in entries]
    assert outcomes == ["ok", "refused", "refused"]
    assert json.loads(entries[1]["detail"])["errors"] == [{"code": "WRONG_UNIT_KIND", "field": "unitId"}]
    # `at` is the engine's local time of writing: within minutes of now (in local time or UTC)
    nows = (dt.datetime.now(), dt.datetime.now(dt.UTC).replace(tzinfo=None))
    assert all(min(abs((n - e["at"]).total_seconds()) for n in nows) < 600 for e in entries)


START_LINK_W = """
mutation($in: StartLinkInput!) { startLink(input: $in) { ok errors { code } warnings { code field message } } }"""


def _start(api, role, person, unit, start="2018-02-01"):
    return api.gql(START_LINK_W, {"in": {"role": role, "personId": person, "unitId": unit, "from": start}})["data"]["startLink"]


def test_third_township_for_a_leader_is_written_with_a_warning(api, runner):
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": "T3", "name": "横店街道", "kind": "township", "kind_label": "街道", "from": "2017-01-01", "source": "test"}]})
    assert _start(api, "LEADER", "P2", "T1") == {"ok": True, "errors": [], "warnings": []}
    assert _start(api, "LEADER", "P2", "T2")["warnings"] == []           # two townships: within the rule
    out = _start(api, "LEADER", "P2", "T3")
    assert out["ok"] is True and [w["code"] for w in out["warnings"]] == ["LEADER_TOWNSHIP_COUNT"]
    assert "T1, T2, T3" in out["warnings"][0]["message"]
    assert sorted(r["unit"] for r in runner.read(PERSON_LINKS, {"id": "P2"})) == ["T1", "T2", "T3"]


def test_second_secretary_of_a_unit_is_written_with_a_warning(api, runner):
    assert _start(api, "SECRETARY", "P3", "V1")["warnings"] == []
    out = _start(api, "SECRETARY", "P2", "V1")
    assert out["ok"] is True and [(w["code"], w["field"]) for w in out["warnings"]] == [("ROLE_ALREADY_HELD", "unitId")]
    assert "P3" in out["warnings"][0]["message"]
    # once P3's post has ended, a successor starting that day is no second secretary
    api.gql(END_LINK, {"in": {"role": "SECRETARY", "personId": "P3", "unitId": "V2", "to": "2019-01-01"}})
    assert _start(api, "SECRETARY", "P3", "V2", "2018-01-01")["warnings"] == []
    api.gql(END_LINK, {"in": {"role": "SECRETARY", "personId": "P3", "unitId": "V2", "to": "2019-01-01"}})
    assert _start(api, "SECRETARY", "P2", "V2", "2019-01-01")["warnings"] == []
    assert [w["code"] for w in _start(api, "COMMISSIONER", "P2", "V2")["warnings"]] == []


def test_restart_after_a_same_day_end_reopens_the_link(api, runner):
    """Start P2→V2 on 2020-06-01, end it the same day, start it again that day: the link holds from then on."""
    for q, name, v in ((START_LIAISON, "startLiaison", {"from": "2020-06-01"}),
                       (END_LIAISON, "endLiaison", {"to": "2020-06-01"}),
                       (START_LIAISON, "startLiaison", {"from": "2020-06-01"})):
        out = api.gql(q, {"p": "P2", "u": "V2", **v})["data"][name]
        assert out["ok"] is True, out
    assert runner.read(PERSON_LINKS, {"id": "P2"}) == [
        {"rel": "LIAISES_WITH", "unit": "V2", "from": D(2020, 6, 1), "to": None}]
    body = api.gql('{ person(id: "P2", asOf: "2020-06-02") { liaisonVillages { nodes { unit { id } } } } }')
    assert [n["unit"]["id"] for n in body["data"]["person"]["liaisonVillages"]["nodes"]] == ["V2"]


def test_a_write_that_changes_nothing_is_not_reported_ok(runner):
    """A planned OPEN whose person vanished before the write (simulated: the plan names no such person)
    writes nothing: the command answers NOT_WRITTEN and its audit entry says so, not ok."""
    from redengine.api.context import Principal, RoleName
    from redengine.services import commands as cmd

    build_world(runner)
    row = {"src": "P9", "dst": "V2", "from": "2020-06-01", "to": None, "source": "test"}
    plan = cmd.CommandPlan("link.start.liaison", "P9->V2", [(links.OPEN["LIAISES_WITH"], {"rows": [row]})], {}, expect=[1])
    out = cmd.execute(runner, Principal("t", "tester", RoleName.ADMIN), lambda: plan)
    assert out.result is None and [e.code for e in out.errors] == [ErrorCode.NOT_WRITTEN]
    entries = runner.read(AUDIT)
    assert [json.loads(e["detail"])["outcome"] for e in entries] == ["not_written"]


def test_recording_again_without_optional_fields_keeps_and_reports_what_is_stored(api, runner):
    first = {"personId": "P1", "unitId": "V1", "date": "2018-01-05", "conclusion": "FOR", "docNo": "黄组函〔2018〕1号"}
    api.gql(RECORD_OPINION, {"in": first})
    again = {k: v for k, v in first.items() if k != "docNo"} | {"conclusion": "AGAINST"}
    out = api.gql(RECORD_OPINION, {"in": again})["data"]["recordOpinion"]
    # an omitted docNo means "not given": the stored one stays, and the payload says so
    assert (out["opinion"]["conclusion"], out["opinion"]["docNo"]) == ("AGAINST", "黄组函〔2018〕1号")
    assert [(r["conclusion"], r["doc_no"]) for r in runner.read(OPINIONS)] == [("against", "黄组函〔2018〕1号")]

    notice = {"personId": "P1", "unitId": "S1", "from": "2018-01-06", "to": "2018-01-12", "docNo": "公示〔2018〕3号"}
    api.gql(RECORD_NOTICE, {"in": notice})
    out = api.gql(RECORD_NOTICE, {"in": {"personId": "P1", "unitId": "S1", "from": "2018-01-06"}})["data"]["recordNotice"]
    assert (out["notice"]["to"], out["notice"]["docNo"]) == ("2018-01-12", "公示〔2018〕3号")
