"""Input limits: the request body (413), string arguments, variables, the document cache's bytes,
the range of `asOf`, and cursors."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import socket
import threading
import time

import pytest
import uvicorn
from api_world import AS_OF, build, data, execute
from apiclient import open_api
from graphql import get_introspection_query, parse

from redengine.api import inputs, pagination
from redengine.api.app import create_app
from redengine.api.document_cache import DocumentCache, charge
from redengine.api.schema import build_schema
from redengine.config import ApiLimits, Settings
from redengine.services import tokens

D = str(AS_OF)


@pytest.fixture
def world(runner):
    build(runner)
    return runner


# -- the request body -------------------------------------------------------------------------------
SMALL_BODY = 4096


def _body(size: int) -> bytes:
    """A JSON GraphQL request of exactly `size` bytes (padded inside the query's comment)."""
    head, tail = b'{"query": "#', b'\\n{ __typename }"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def test_a_body_at_the_limit_is_served_and_one_byte_more_is_413(world):
    with open_api(world, settings=Settings(api=ApiLimits(max_body_bytes=SMALL_BODY))) as api:
        auth = {"Authorization": f"Bearer {api.tokens['admin']}", "Content-Type": "application/json"}
        ok = api.client.post("/graphql", content=_body(SMALL_BODY), headers=auth)
        refused = api.client.post("/graphql", content=_body(SMALL_BODY + 1), headers=auth)
    assert ok.status_code == 200 and ok.json()["data"] == {"__typename": "Query"}
    assert refused.status_code == 413
    [err] = refused.json()["errors"]
    assert err["extensions"] == {"code": "REQUEST_TOO_LARGE", "limit": SMALL_BODY}
    assert f"{SMALL_BODY:,} bytes" in err["message"]


@contextlib.contextmanager
def _served(runner, settings):
    server = uvicorn.Server(uvicorn.Config(create_app(settings, runner=runner), host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_a_chunked_body_is_refused_while_it_streams_in(world):
    """No Content-Length: the server counts the chunks and answers 413 once they pass the limit, although
    the client has not finished its body (the last chunk is never sent)."""
    token = tokens.create(world, "admin", name="t").token
    with _served(world, Settings(api=ApiLimits(max_body_bytes=SMALL_BODY))) as port:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall((f"POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
            chunk = b"x" * 1000
            for _ in range(SMALL_BODY // len(chunk) + 1):  # 5,000 bytes: past the limit, and no final chunk
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            reply = b""
            while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
                part = s.recv(65536)
                if not part:
                    break
                reply += part
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


# -- strings and variables --------------------------------------------------------------------------
LIMITS = ApiLimits(max_string_chars=100, max_variables_chars=1000)
NAMED = 'query($n: String) { organisations(nameContains: $n, asOf: "%s") { totalCount } }' % D


def test_a_string_variable_at_the_limit_runs_and_one_character_more_is_refused(world):
    ok = execute(world, NAMED, limits=LIMITS, n="村" * 100)
    assert not ok.errors and ok.data["organisations"]["totalCount"] == 0
    refused = execute(world, NAMED, limits=LIMITS, n="村" * 101)
    [err] = refused.errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "$n"}
    assert "101 characters" in err.message and "100" in err.message and refused.data is None


def test_a_long_string_literal_is_refused_naming_its_argument(world):
    q = '{ organisations(nameContains: "%s", asOf: "%s") { totalCount } }' % ("x" * 101, D)
    [err] = execute(world, q, limits=LIMITS).errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "nameContains"}


def test_a_long_string_inside_a_mutation_input_is_refused_before_anything_is_written(world):
    q = """mutation($r: [String!]!) { openWeakCase(input: {unitId: "V5", flaggedOn: "2020-05-01", reasons: $r}) { ok } }"""
    before = world.round_trips
    [err] = execute(world, q, limits=LIMITS, r=["班子不团结", "x" * 101]).errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "$r[1]"}
    assert world.round_trips == before


def test_a_long_string_in_a_variable_default_is_refused_naming_the_variable(world):
    q = 'query($n: String = "%s") { organisations(nameContains: $n, asOf: "%s") { totalCount } }' % ("x" * 101, D)
    before = world.round_trips
    result = execute(world, q, limits=LIMITS)
    [err] = result.errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "$n"} and "101 characters" in err.message
    assert result.data is None and world.round_trips == before


def test_variables_over_the_limit_are_refused_even_if_unused(world):
    refused = execute(world, "{ __typename }", limits=LIMITS, unused=["x" * 50] * 20)  # ~1,100 characters
    [err] = refused.errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "variables"}
    assert "over the limit of 1,000" in err.message


# -- the document cache -----------------------------------------------------------------------------
SHAPES = {
    "tiny": "{ __typename }",
    "introspection": get_introspection_query(descriptions=True),
    "directives": "{ a" + " @b" * 2400 + " }",
    "ints": "{ o(i: [" + " ".join("1" for _ in range(4900)) + "]) { id } }",
    "objects": "{ o(i: {" + " ".join("a: {}" for _ in range(1200)) + "}) { id } }",
    "literal": '{ o(id: "%s") { id } }' % ("黄" * 50_000),
    "comment": "#" + "c" * 100_000 + "\n{ __typename }",
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_charge_is_at_least_what_the_document_holds(shape):
    """The cache's own accounting against an independent measure (pympler's deep size of the document)."""
    from pympler.asizeof import asizeof

    query = SHAPES[shape]
    assert charge(query) >= asizeof(parse(query, max_tokens=5000))


def test_the_cache_stays_within_its_bytes_and_keeps_no_big_query():
    budget = 2 * 1024 * 1024
    s = build_schema(ApiLimits(document_cache_bytes=budget))
    cache: DocumentCache = s.document_cache
    import asyncio

    async def run(q: str):
        return await s.execute(q)

    big = "#" + "x" * (budget // 16 // 512) + "\n{ __typename }"  # charged more than a sixteenth of the budget
    assert asyncio.run(run(big)).data == {"__typename": "Query"} and len(cache) == 0
    sizes = []
    for i in range(200):  # distinct queries, ~25 KB charged each: 200 of them would be ~5 MB
        asyncio.run(run("{ a%d: __typename }" % i + " " * 30))
        sizes.append(cache.bytes)
    assert max(sizes) <= budget and 0 < len(cache) < 200
    assert cache.bytes == sum(charge("{ a%d: __typename }" % i + " " * 30) for i in range(200 - len(cache), 200))
    kept = len(cache)
    asyncio.run(run("{ a199: __typename }" + " " * 30))  # a repeat is a hit: nothing added
    assert len(cache) == kept


def test_a_repeated_query_is_validated_once():
    s = build_schema()
    import asyncio

    q = "{ organisation(id: 1) { nope } }"
    first, second = (asyncio.run(s.execute(q)) for _ in range(2))
    assert [e.message for e in first.errors] == [e.message for e in second.errors]
    assert "nope" in first.errors[0].message and len(s.document_cache) == 1


# -- asOf ---------------------------------------------------------------------------------------------
AT = '{ organisations(asOf: "%s") { totalCount } }'


def test_as_of_edges_are_allowed():
    assert inputs.as_of(dt.date(1970, 1, 1)) == dt.date(1970, 1, 1)
    assert inputs.as_of(dt.date(2037, 12, 31)) == dt.date(2037, 12, 31)


@pytest.mark.parametrize("day", ["1969-12-31", "1949-10-01", "1900-01-01", "2038-01-01", "2085-05-17"])
def test_as_of_outside_the_range_is_refused_naming_it(world, day):
    result = execute(world, AT % day)
    [err] = result.errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "asOf"} and day in err.message


def test_as_of_first_allowed_day_runs(world):
    # nothing in the world existed on 1970-01-01 (it starts 2017-05-01)
    assert data(world, AT % "1970-01-01")["organisations"]["totalCount"] == 0


# -- cursors ----------------------------------------------------------------------------------------
def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


PAGE = """query($after: String) { organisations(kind: [VILLAGE, COMMUNITY], asOf: "%s", first: 3, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage } nodes { id } } }""" % D
NESTED = """query($after: String) { organisation(id: "T1", asOf: "%s") { children(first: 3, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage } nodes { id } } } }""" % D


@pytest.mark.parametrize("offset", [4611686018427387904, 2**32, pagination.MAX_OFFSET + 1])
@pytest.mark.parametrize("query", [PAGE, NESTED])
def test_a_cursor_no_list_could_give_is_refused(world, query, offset):
    [err] = execute(world, query, after=_cursor(offset)).errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


@pytest.mark.parametrize("offset", ["+2", " 2", "2 ", "\u0662", "0_2", "-0", ""])
def test_a_cursor_offset_is_ascii_digits_only(world, offset):
    """`int()` read "+2", " 2", "٢" (Arabic-Indic two) and "0_2" as 2: no cursor this API gives."""
    cursor = base64.b64encode(f"offset:{offset}".encode()).decode()
    [err] = execute(world, PAGE, after=cursor).errors
    assert err.extensions == {"code": "BAD_USER_INPUT", "argument": "after"}


@pytest.mark.parametrize("offset", [5, 10, pagination.MAX_OFFSET])
def test_a_cursor_past_the_end_gives_an_empty_page(world, offset):
    """5 villages and communities exist on AS_OF (V1-V5; cursors 0-4), 6 children of T1 (cursors 0-5): the
    page after cursor 5 or later is empty in both."""
    conn = data(world, PAGE, after=_cursor(offset))["organisations"]
    assert conn == {"totalCount": 5, "pageInfo": {"hasNextPage": False, "hasPreviousPage": True}, "nodes": []}
    kids = data(world, NESTED, after=_cursor(offset))["organisation"]["children"]
    assert kids == {"totalCount": 6, "pageInfo": {"hasNextPage": False, "hasPreviousPage": True}, "nodes": []}


def test_a_cursor_inside_the_list_still_pages(world):
    conn = data(world, PAGE, after=_cursor(2))["organisations"]
    assert [n["id"] for n in conn["nodes"]] == ["V4", "V5"]
