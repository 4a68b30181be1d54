"""Mutations over HTTP on a hand-built district: each happy path checks the graph by its own Cypher,
each refusal checks that nothing but the audit entry was written."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from apiclient import open_api
from redengine.graph import links
from redengine.graph.statements import read

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
    return (sorted((key(r) for r in runner.read(NODES))), sorted(key(r) for r in runner.read(RELS)))


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
