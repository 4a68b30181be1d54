"""The read side over HTTP (the app, bearer tokens): what each role gets back, as a client sees it."""

from __future__ import annotations

import pytest
from api_world import AS_OF, P1_PHONE, build
from apiclient import open_api

from redengine.api import pagination
from redengine.services import audit

D = str(AS_OF)


@pytest.fixture
def api(runner):
    build(runner)
    with open_api(runner) as api:
        yield api


VILLAGES = """query($scope: ID) { organisations(kind: [VILLAGE, COMMUNITY], scope: $scope, asOf: "%s") {
    totalCount nodes { id parent { id } liaisonCadres { nodes { person { id } } } } } }""" % D


def test_township_token_gets_nothing_of_another_townships_villages(api):
    t1 = api.mint("township", township_id="T1")
    body = api.gql(VILLAGES, {"scope": "T2"}, token=t1)
    assert body["data"] == {"organisations": {"totalCount": 0, "nodes": []}}
    body = api.gql("""{ v4: organisation(id: "V4") { id name } v5: organisation(id: "V5") { id } }""", token=t1)
    assert body["data"] == {"v4": None, "v5": None}
    mine = api.gql(VILLAGES, token=t1)["data"]["organisations"]
    assert [n["id"] for n in mine["nodes"]] == ["V1", "V2", "V3"]
    # the admin, asking the same, sees T2's village
    assert [n["id"] for n in api.gql(VILLAGES, {"scope": "T2"})["data"]["organisations"]["nodes"]] == ["V4"]


def test_coverage_and_check_over_http(api):
    cov = api.gql("""{ coverage(scope: "D", asOf: "%s") { villages gaps(kind: [VILLAGE_WITHOUT_LIAISON]) {
        nodes { kind unit { id name } } } } }""" % D, role="analyst")["data"]["coverage"]
    assert cov == {"villages": 5, "gaps": {"nodes": [{"kind": "VILLAGE_WITHOUT_LIAISON", "unit": {"id": "V3", "name": "王家社区"}}]}}
    check = api.gql("""{ appointmentCheck(personId: "P1", asOf: "%s") { verdict blockers { kind unit { id } } } }""" % D)
    assert check["data"]["appointmentCheck"] == {"verdict": "BLOCKED", "blockers": [{"kind": "NOTICE_MISSING", "unit": {"id": "V2"}}]}


def test_sensitive_field_masked_for_analyst_and_audited_with_the_token(api):
    body = api.gql("""{ person(id: "P1") { phone } }""", role="analyst")
    assert body["data"]["person"]["phone"] == "138****5678"
    full = api.gql("""{ person(id: "P1") { phone } }""", role="admin")
    assert full["data"]["person"]["phone"] == P1_PHONE
    entries = [(e["role"], e["action"], e["target"], e["detail"]) for e in audit.recent(api.runner)
               if e["action"] == "read_sensitive"]
    assert sorted(entries) == [("admin", "read_sensitive", "P1", "phone"),
                               ("analyst", "read_sensitive", "P1", "phone (masked)")]


def test_oversized_page_is_a_clear_error_in_a_200(api):
    body = api.gql("""{ organisations(first: %d) { totalCount } }""" % (pagination.MAX_PAGE + 1))
    [err] = body["errors"]
    assert "`first`" in err["message"] and err["extensions"] == {"code": "BAD_USER_INPUT", "argument": "first"}


def test_no_token_no_data(api):
    assert api.post(VILLAGES, role=None).status_code == 401


# -- bodies Python's json cannot read -----------------------------------------------------------------
@pytest.mark.parametrize("body, words", [
    (b'{"query": "{ __typename }", "variables": {"n": ' + b"9" * 5000 + b"}}", "4300"),  # was a 500
    (b"[" * 100_000, "nested too deep"),                                                  # was a 500
    (b'{"query": ', "not JSON"),
])
def test_a_body_that_is_not_readable_json_is_a_400_with_a_json_error(api, body, words):
    resp = api.client.post("/graphql", content=body, headers={
        "Authorization": f"Bearer {api.tokens['admin']}", "Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text[:300]
    [error] = resp.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"} and words in error["message"]
