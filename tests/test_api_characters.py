"""String arguments the graph must not store: a `BAD_USER_INPUT` naming the argument, nothing written.

Literals in the document, inside input objects and lists, and variables; the policy (which
characters, free text or id) is redengine/text.py's, tested in test_text_policy.py.
"""

from __future__ import annotations

import json

import pytest
from apiclient import open_api
from test_api_mutations import AUDIT, START_LIAISON, build_world, snapshot

RECORD_NOTICE = """
mutation($in: RecordNoticeInput!) {
  recordNotice(input: $in) { ok errors { code field message } notice { docNo } }
}"""
OPEN_CASE = """
mutation($in: OpenWeakCaseInput!) {
  openWeakCase(input: $in) { ok errors { code } weakCase { reasons } }
}"""
NOTICE_LITERAL = """
mutation {
  recordNotice(input: {personId: "P2", unitId: "V1", from: "2018-01-01", docNo: "黄组〔2018〕\\u00001号"}) { ok }
}"""


@pytest.fixture
def api(runner):
    build_world(runner)
    with open_api(runner) as api:
        yield api


def refused(api, runner, query, variables=None, *, body: bytes | None = None) -> dict:
    """The one error of a refused request, after checking that nothing was written."""
    before, audit = snapshot(runner), runner.read(AUDIT)
    if body is None:
        out = api.gql(query, variables)
    else:
        resp = api.client.post("/graphql", content=body, headers={
            "Authorization": f"Bearer {api.tokens['admin']}", "Content-Type": "application/json"})
        assert resp.status_code == 200, resp.text
        out = resp.json()
    assert out.get("data") is None, out
    [error] = out["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["message"] != "Unexpected error."
    assert snapshot(runner) == before and runner.read(AUDIT) == audit
    return error


@pytest.mark.parametrize("variables, argument, what", [
    ({"p": "P2\x00", "u": "V2", "from": "2018-01-01"}, "$p", "U+0000 (NUL)"),
    ({"p": "P2", "u": "V\u200b2", "from": "2018-01-01"}, "$u", "U+200B (ZERO WIDTH SPACE)"),
    ({"p": "\ufeffP2", "u": "V2", "from": "2018-01-01"}, "$p", "U+FEFF (BYTE ORDER MARK)"),
    ({"p": "P2", "u": "V2", "from": "2018-01-01\x1b"}, "$from", "U+001B (ESCAPE)"),
])
def test_a_variable(api, runner, variables, argument, what):
    error = refused(api, runner, START_LIAISON, variables)
    assert error["extensions"]["argument"] == argument
    assert error["message"].startswith(f"argument `{argument}`: holds ") and what in error["message"]


def test_inside_an_input_object_variable(api, runner):
    error = refused(api, runner, RECORD_NOTICE, {"in": {"personId": "P2", "unitId": "V1", "from": "2018-01-01",
                                                        "docNo": "黄组\x00"}})
    assert error["extensions"]["argument"] == "$in.docNo"


def test_inside_a_list_in_an_input_object(api, runner):
    error = refused(api, runner, OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": "2018-03-01",
                                                    "reasons": ["班子不团结", "软弱\u202e涣散"]}})
    assert error["extensions"]["argument"] == "$in.reasons[1]" and "RIGHT-TO-LEFT OVERRIDE" in error["message"]


def test_a_literal_inside_an_input_object(api, runner):
    error = refused(api, runner, NOTICE_LITERAL)
    assert error["extensions"]["argument"] == "input.docNo" and "U+0000 (NUL) at position 9" in error["message"]


def test_a_literal_id_of_a_read_query(api, runner):
    error = refused(api, runner, '{ person(id: "P\u200d1") { id } }')
    assert error["extensions"]["argument"] == "id" and "ZERO WIDTH JOINER" in error["message"]


def test_a_literal_list_item(api, runner):
    query = 'mutation { openWeakCase(input: {unitId: "V2", flaggedOn: "2018-03-01", reasons: ["a", "b\\u0000"]}) { ok } }'
    assert refused(api, runner, query)["extensions"]["argument"] == "input.reasons[1]"


def test_a_variable_default(api, runner):
    query = ('mutation($r: [String!]! = ["a", "b\\u0000c"]) '
             '{ openWeakCase(input: {unitId: "V2", flaggedOn: "2018-03-01", reasons: $r}) { ok } }')
    error = refused(api, runner, query)  # it used to run, and the engine's refusal was "Unexpected error."
    assert error["extensions"]["argument"] == "$r[1]" and "U+0000 (NUL)" in error["message"]


def test_a_lone_surrogate_sent_as_json(api, runner):
    body = json.dumps({"query": START_LIAISON, "variables": {"p": "P2", "u": "V2\ud800", "from": "2018-01-01"}})
    error = refused(api, runner, None, body=body.encode())
    assert error["extensions"]["argument"] == "$u" and "lone surrogate" in error["message"]


def test_free_text_may_hold_a_line_break_and_a_zero_width_space(api, runner):
    out = api.gql(RECORD_NOTICE, {"in": {"personId": "P2", "unitId": "V1", "from": "2018-01-01",
                                         "docNo": "黄组\n〔2018〕\u200b1号"}})
    assert out["data"]["recordNotice"]["notice"]["docNo"] == "黄组\n〔2018〕\u200b1号"


def test_but_an_id_may_not_hold_a_tab(api, runner):
    error = refused(api, runner, START_LIAISON, {"p": "P2\t", "u": "V2", "from": "2018-01-01"})
    assert "U+0009 (TAB)" in error["message"]
