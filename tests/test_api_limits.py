"""Paging, query limits and error masking of the read API."""

from __future__ import annotations

import pytest
from api_world import AS_OF, build, data, execute, ids

from redengine.api import limits, pagination
from redengine.graph import links

D = str(AS_OF)


@pytest.fixture
def world(runner):
    build(runner)
    return runner


PAGE = """query($first: Int, $after: String) { organisations(kind: [VILLAGE, COMMUNITY], asOf: "%s", first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }""" % D


def test_cursor_pages_walk_the_whole_list_once(world):
    seen, after, pages = [], None, 0
    while True:
        conn = data(world, PAGE, first=2, after=after)["organisations"]
        assert conn["totalCount"] == 5
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        seen += [e["node"]["id"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
        assert after == conn["edges"][-1]["cursor"]
    assert seen == ["V1", "V2", "V3", "V4", "V5"] and pages == 3


def test_nested_lists_page_too(world):
    q = """query($after: String) { organisation(id: "T1", asOf: "%s") { children(first: 4, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }""" % D
    first = data(world, q)["organisation"]["children"]
    assert ids(first) == ["C1", "C2", "E1", "V1"] and first["pageInfo"]["hasNextPage"] is True
    rest = data(world, q, after=first["pageInfo"]["endCursor"])["organisation"]["children"]
    assert ids(rest) == ["V2", "V3"] and rest["pageInfo"]["hasNextPage"] is False and rest["totalCount"] == 6


def test_default_page_size(runner):
    n = pagination.DEFAULT_PAGE + 3
    runner.write(links.UPSERT_UNITS, {"rows": [
        {"id": f"V{i:03d}", "name": f"村{i}", "kind": "village", "kind_label": "村", "from": "2017-01-01", "source": "t"}
        for i in range(n)]})
    conn = data(runner, PAGE)["organisations"]
    assert len(conn["edges"]) == pagination.DEFAULT_PAGE and conn["totalCount"] == n
    assert conn["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("first,after,argument", [
    (pagination.MAX_PAGE + 1, None, "first"), (-1, None, "first"), (2, "not-a-cursor", "after")])
def test_bad_page_arguments_are_user_errors_naming_the_argument(world, first, after, argument):
    result = execute(world, PAGE, first=first, after=after)
    [err] = result.errors
    assert f"`{argument}`" in err.message
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": argument}


def test_oversized_nested_page_is_refused_too(world):
    q = """{ organisation(id: "T1") { children(first: %d) { totalCount } } }""" % (pagination.MAX_PAGE + 1)
    [err] = execute(world, q).errors
    assert "`first`" in err.message and str(pagination.MAX_PAGE) in err.message


def test_query_depth_is_limited(world):
    deep = "parent { " * (limits.MAX_DEPTH + 1) + "id" + " }" * (limits.MAX_DEPTH + 1)
    result = execute(world, "{ organisation(id: \"V1\") { %s } }" % deep)
    assert result.data is None and "exceeds maximum operation depth" in result.errors[0].message


def test_aliases_are_limited(world):
    many = " ".join(f"a{i}: organisation(id: \"V1\") {{ id }}" for i in range(limits.MAX_ALIASES + 1))
    result = execute(world, "{ %s }" % many)
    assert result.data is None and "alias" in result.errors[0].message.lower()


def test_tokens_are_limited(world):
    huge = "{ " + " ".join("__typename" for _ in range(limits.MAX_TOKENS + 10)) + " }"
    result = execute(world, huge)
    assert result.data is None and "token" in result.errors[0].message.lower()


def test_introspection_passes_the_limits(world):
    from graphql import get_introspection_query

    result = execute(world, get_introspection_query(descriptions=True))
    assert not result.errors and result.data["__schema"]["queryType"]["name"] == "Query"


def test_a_variable_that_does_not_parse_is_shown_not_masked(world):
    result = execute(world, "query($d: Date) { organisation(id: \"V1\", asOf: $d) { id } }", d="2020-13-45")
    [err] = result.errors
    assert "$d" in err.message and "2020-13-45" in err.message


def test_internal_errors_are_masked(tmp_path):
    from redengine.graph.falkor import EmbeddedServer, FalkorRunner

    server = EmbeddedServer(tmp_path / "data").start()
    broken = FalkorRunner(server.socket_path, "g")
    server.stop()  # the engine goes away: an internal error, not the client's fault
    try:
        result = execute(broken, """{ organisations { totalCount } }""")
    finally:
        broken.close()
    [err] = result.errors
    # engine trouble is named by a code (tests/test_api_engine_errors.py), its internals stay masked
    assert err.extensions == {"code": "ENGINE_UNAVAILABLE"} and "unreachable" not in str(err.formatted)
    assert "sock" not in str(err.formatted)
