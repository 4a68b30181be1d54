"""Bearer tokens over HTTP: 401 without a valid one; roles decide who may write what."""

from __future__ import annotations

import hashlib

import pytest
from apiclient import open_api
from test_api_mutations import OPINIONS, RECORD_NOTICE, RECORD_OPINION, START_LINK, build_world, codes, snapshot

from redengine.errors import ValidationError
from redengine.graph.statements import read
from redengine.services import tokens

TOKENS = read("test.api.tokens", "MATCH (t:ApiToken) RETURN properties(t) AS props")
PING = "{ __typename }"


@pytest.fixture
def api(runner):
    build_world(runner)
    with open_api(runner) as api:
        yield api


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic YWRtaW46YWRtaW4="},
    {"Authorization": "Bearer re_not-a-real-token"},
    {"Authorization": "Bearer " + "re_" + "A" * 43},
])
def test_missing_or_unknown_token_is_401(api, headers):
    resp = api.client.post("/graphql", json={"query": PING}, headers=headers)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"].startswith("Bearer")
    assert resp.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_valid_token_is_served(api):
    assert api.gql(PING)["data"] == {"__typename": "Query"}
    assert api.gql(PING, role="analyst")["data"] == {"__typename": "Query"}


def test_graphql_over_get_needs_a_token_too(api):
    assert api.client.get("/graphql", params={"query": PING}).status_code == 401
    ok = api.client.get("/graphql", params={"query": PING}, headers={"Authorization": f"Bearer {api.tokens['admin']}"})
    assert ok.status_code == 200 and ok.json()["data"] == {"__typename": "Query"}


def test_browser_gets_graphiql_without_a_token(api):
    resp = api.client.get("/graphql", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and "graphiql" in resp.text.lower()


def test_revoked_token_is_401_at_once(api, runner):
    new = tokens.create(runner, "admin", name="temp")
    assert api.post(PING, token=new.token).status_code == 200
    tokens.revoke(runner, new.id)
    assert api.post(PING, token=new.token).status_code == 401
    assert api.post(PING).status_code == 200  # other tokens unaffected


def test_only_the_hash_is_stored(runner):
    new = tokens.create(runner, "analyst", name="张三")
    [row] = runner.read(TOKENS)
    props = row["props"]
    assert props["hash"] == hashlib.sha256(new.token.encode()).hexdigest()
    assert all(new.token not in str(v) for v in props.values())
    assert new.token[3:] not in str(props)
    assert (props["role"], props["name"], props["id"]) == ("analyst", "张三", new.id)


def test_tokens_are_random_and_listed_without_secrets(runner):
    a, b = tokens.create(runner, "admin"), tokens.create(runner, "admin")
    assert a.token != b.token and a.id != b.id and len(a.token) >= 40
    listed = tokens.list_tokens(runner)
    assert sorted(r["id"] for r in listed) == sorted([a.id, b.id])
    assert "hash" not in listed[0] and all(a.token not in str(r) for r in listed)


@pytest.mark.parametrize("role, township", [
    ("township", None),      # must name its township
    ("township", "T9"),      # unknown unit
    ("township", "V1"),      # not a township
    ("township", "D"),
    ("admin", "T1"),         # only township tokens are bound to one
    ("superuser", None),
])
def test_token_create_refuses_bad_binding(runner, role, township):
    build_world(runner)
    with pytest.raises(ValidationError) as err:
        tokens.create(runner, role, township)
    assert "--" in str(err.value.problems[0])
    assert runner.read(TOKENS) == []


def test_analyst_cannot_mutate(api, runner):
    before = snapshot(runner)
    out = api.gql(START_LINK, {"in": {"role": "LIAISON", "personId": "P2", "unitId": "V2", "from": "2018-02-01"}},
                  role="analyst")["data"]["startLink"]
    assert codes(out) == ["FORBIDDEN"]
    for query, inp, name in [
        (RECORD_OPINION, {"personId": "P1", "unitId": "V1", "date": "2018-01-05", "conclusion": "FOR"}, "recordOpinion"),
        (RECORD_NOTICE, {"personId": "P1", "unitId": "V1", "from": "2018-01-06"}, "recordNotice"),
    ]:
        assert codes(api.gql(query, {"in": inp}, role="analyst")["data"][name]) == ["FORBIDDEN"]
    assert snapshot(runner) == before


def test_township_records_for_its_own_villages_only(api, runner):
    t1 = api.mint("township", "T1", name="前川组织委员")
    own = {"personId": "P1", "unitId": "V1", "date": "2018-01-05", "conclusion": "FOR"}
    out = api.gql(RECORD_OPINION, {"in": own}, token=t1)["data"]["recordOpinion"]
    assert out["ok"] is True
    out = api.gql(RECORD_OPINION, {"in": dict(own, unitId="S1")}, token=t1)["data"]["recordOpinion"]
    assert out["ok"] is True  # a community of T1 counts too
    assert [(r["unit"], r["person"]) for r in runner.read(OPINIONS)] == [("S1", "P1"), ("V1", "P1")]

    before = snapshot(runner)
    other = dict(own, unitId="V3")  # V3 belongs to T2
    out = api.gql(RECORD_OPINION, {"in": other}, token=t1)["data"]["recordOpinion"]
    assert (codes(out), out["opinion"]) == (["FORBIDDEN"], None)
    notice = {"personId": "P1", "unitId": "V3", "from": "2018-01-06", "to": "2018-01-12"}
    assert codes(api.gql(RECORD_NOTICE, {"in": notice}, token=t1)["data"]["recordNotice"]) == ["FORBIDDEN"]
    # and it may write nothing else, even in its own township
    link = {"role": "LIAISON", "personId": "P2", "unitId": "V2", "from": "2018-02-01"}
    assert codes(api.gql(START_LINK, {"in": link}, token=t1)["data"]["startLink"]) == ["FORBIDDEN"]
    assert snapshot(runner) == before


def test_township_token_of_t2_cannot_write_for_t1(api, runner):
    t2 = api.mint("township", "T2")
    before = snapshot(runner)
    out = api.gql(RECORD_NOTICE, {"in": {"personId": "P1", "unitId": "V1", "from": "2018-01-06"}}, token=t2)
    assert codes(out["data"]["recordNotice"]) == ["FORBIDDEN", "FORBIDDEN"]  # V1 and P1 (linked to T1 only)
    assert snapshot(runner) == before


def test_township_cannot_backdate_a_record_into_a_village_it_no_longer_governs(api, runner):
    """V2 moves from T1 to T2 on 2019-01-01 (T1's link ended, T2's opened). Today T1 does not govern V2:
    a T1 token may not record for it, not even dated 2018 when V2 was still T1's. T2 may, for today."""
    from redengine.graph import links

    runner.write(links.END["PART_OF"], {"rows": [{"src": "V2", "dst": "T1", "to": "2019-01-01", "source": "t"}]})
    runner.write(links.OPEN["PART_OF"], {"rows": [{"src": "V2", "dst": "T2", "from": "2019-01-01", "to": None, "source": "t"}]})
    # P1 liaises with V2 from then on, so P1 is a person T2 may record about (one linked into its scope)
    runner.write(links.OPEN["LIAISES_WITH"], {"rows": [{"src": "P1", "dst": "V2", "from": "2019-01-01", "to": None, "source": "t"}]})
    t1, t2 = api.mint("township", "T1"), api.mint("township", "T2")
    before = snapshot(runner)
    old = {"personId": "P1", "unitId": "V2", "date": "2018-06-01", "conclusion": "FOR"}
    assert codes(api.gql(RECORD_OPINION, {"in": old}, token=t1)["data"]["recordOpinion"]) == ["FORBIDDEN"]
    notice = {"personId": "P1", "unitId": "V2", "from": "2018-06-01"}
    assert codes(api.gql(RECORD_NOTICE, {"in": notice}, token=t1)["data"]["recordNotice"]) == ["FORBIDDEN"]
    assert snapshot(runner) == before
    new = dict(old, date="2019-06-01")
    assert api.gql(RECORD_OPINION, {"in": new}, token=t2)["data"]["recordOpinion"]["ok"] is True
