"""The cost limit (estimated before anything runs) and the object cap (counted while it runs).

Every expected cost below is worked out by hand from the formula in api/cost.py: an object field
counts 1 per parent (a coverage 15,000 and a list of the Query type 3,000: they scan the district),
a list inside a field taking `first` counts `first` (50 when not given) per parent, any other list of
objects 10; scalars and introspection nothing.
"""

from __future__ import annotations

import pytest
from api_world import AS_OF, build, execute
from apiclient import open_api
from graphql import get_introspection_query, parse

from redengine.api.cost import estimate
from redengine.api.schema import schema
from redengine.config import ApiLimits, Settings
from redengine.graph.statements import read

D = str(AS_OF)
LIMIT = ApiLimits().max_cost

#: the fan-out of issue 9 (91k objects from a township, 175k from the district as admin)
FAN_OUT = ('{{ {alias}organisation(id: "{unit}") {{ children(first: 500) {{ nodes {{ parent {{ children(first: 500) '
           '{{ nodes {{ parent {{ children(first: 500) {{ nodes {{ parent {{ id }} }} }} }} }} }} }} }} }} }} }}')
# innermost up: a node with its parent is 2, a page of 500 of them plus the connection 1 + 500*2 = 1001,
# the parent holding it 1002, the node above 1003, its page 1 + 500*1003 = 501,501, that page's parent
# 501,502, the node above 501,503, the top page 1 + 500*501,503 = 250,751,501, the organisation + 1
FAN_OUT_COST = 1 + (1 + 500 * (1 + (1 + (1 + 500 * (1 + (1 + (1 + 500 * 2)))))))

README = """{
  coverage { villages villagesWithLiaison gaps(first: 5) { totalCount nodes { kind unit { id name } person { name } } } }
  appointmentCheck(personId: "P1") { verdict villages { unit { name } } blockers { kind unit { id name } } warnings { kind } }
}"""
# coverage 15,000 + gaps' connection 1 + 5 gaps * (gap, unit, person) = 15,016; appointmentCheck 1 + 10
# villages * 2 + 10 blockers * 2 + 10 warnings = 51 (its lists are not paged: 10 each)
README_COST = 15_016 + 51

VILLAGES = """query($after: String, $d: Date) { organisations(kind: [VILLAGE, COMMUNITY], asOf: $d, first: 500, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name parent { id name } compositeCommittee { id name secretary { person { name } } }
          liaisonCadres { nodes { from person { id name } } } commissioner { person { name } } } } }"""
# per village: itself, parent, composite + secretary + person (3), liaisonCadres' connection + 50 * (link,
# person), commissioner + person (2) = 1 + 1 + 3 + 101 + 2 = 108; 500 villages, pageInfo, the connection
# (a list of the Query type: 3,000)
VILLAGES_COST = 500 * 108 + 1 + 3_000

COVERAGE = """query($s: ID, $d: Date) { coverage(scope: $s, asOf: $d) {
  townships townshipsWithLeader leaders villages villagesWithComposite villagesWithLiaison
  villagesWithCommissioner composites compositesWithSecretary
  gaps(first: 500) { totalCount nodes { kind unit { id name } person { id name } count } } } }"""
COVERAGE_COST = 15_000 + 1 + 500 * 3


def cost(query: str, **variables) -> int:
    return estimate(schema._schema, parse(query), variables)


@pytest.mark.parametrize("query,variables,expected", [
    ('{ organisation(id: "T1") { id name } }', {}, 1),
    ('{ organisation(id: "T1") { children { nodes { id } } } }', {}, 1 + 1 + 50),
    ('{ organisation(id: "T1") { children(first: 3) { totalCount edges { cursor node { id } } pageInfo { hasNextPage } } } }',
     {}, 1 + 1 + 3 * 2 + 1),
    ('query($n: Int) { organisation(id: "T1") { children(first: $n) { nodes { id } } } }', {"n": 7}, 1 + 1 + 7),
    ('query($n: Int = 4) { organisation(id: "T1") { children(first: $n) { nodes { id } } } }', {}, 1 + 1 + 4),
    # more than 500 is refused by the resolver itself (naming `first`): at most 500 can run
    ('{ organisation(id: "T1") { children(first: 100000000) { nodes { id } } } }', {}, 1 + 1 + 500),
    # graphql-core coerces a whole float to Int: `500.0` runs as 500 and counts so (it used to count 50)
    ('query($n: Int) { organisation(id: "T1") { children(first: $n) { nodes { id } } } }', {"n": 500.0}, 1 + 1 + 500),
    # a value the estimate cannot read counts as the largest page, never the default
    ('query($n: Int) { organisation(id: "T1") { children(first: $n) { nodes { id } } } }', {"n": "many"}, 1 + 1 + 500),
    ('query($n: Int) { organisation(id: "T1") { children(first: $n) { nodes { id } } } }', {"n": None}, 1 + 1 + 50),
    ('{ organisation(id: "T1") { ...F } } fragment F on Organisation { children(first: 2) { nodes { id parent { id } } } }',
     {}, 1 + 1 + 2 * 2),
    ('{ organisation(id: "T1") { ... on Organisation { children(first: 2) { nodes { id parent { id } } } } } }',
     {}, 1 + 1 + 2 * 2),
    ('{ a: organisation(id: "T1") { id } b: organisation(id: "T2") { id parent { id } } }', {}, 1 + 2),
    ('query($no: Boolean!) { organisation(id: "T1") { children(first: 9) @include(if: $no) { nodes { id } } } }',
     {"no": False}, 1),
    ('{ organisation(id: "T1") { children(first: 9) @skip(if: true) { nodes { id } } } }', {}, 1),
    ('{ appointmentCheck(personId: "P1") { villages { unit { id } opinions { id } } } }', {}, 1 + 10 * (1 + 1 + 10)),
    ("{ __typename }", {}, 0),
    # introspection is costed like any field: __schema 1, its lists unpaged (10 each)
    ("{ __schema { queryType { name } } }", {}, 1 + 1),
    ("{ __schema { types { name } } }", {}, 1 + 10),
    ('{ __type(name: "Query") { fields { name type { name ofType { name } } } } }', {}, 1 + 10 * (1 + 1 + 1)),
])
def test_cost_of_small_queries(query, variables, expected):
    assert cost(query, **variables) == expected


def test_a_fragment_spread_many_times_costs_each_spread():
    """Spreads are costed where they are, each alias counts, and a fragment used 16x16 times is not walked
    16x16 times (the walk remembers a fragment's cost)."""
    q = ("{ " + " ".join(f"o{i}: organisation(id: \"T1\") {{ ...A }}" for i in range(16)) + " } "
         "fragment A on Organisation { " + " ".join(f"p{i}: parent {{ ...B }}" for i in range(16)) + " } "
         "fragment B on Organisation { id }")
    assert cost(q) == 16 * (1 + 16)


def test_the_everyday_queries_cost_what_the_formula_says():
    assert cost(README) == README_COST
    assert cost(VILLAGES, d=D) == VILLAGES_COST == 57_001
    assert cost(COVERAGE, s="D", d=D) == COVERAGE_COST == 16_501
    assert cost(FAN_OUT.format(alias="", unit="T1")) == FAN_OUT_COST == 250_751_502


def test_whole_district_fields_are_weighted():
    """A coverage scans the district: 15,000; a list of the Query type scans its scope for `totalCount`: 3,000."""
    assert cost('{ coverage { villages } }') == 15_000
    assert cost('{ organisations(first: 0) { totalCount } }') == 3_000
    assert cost('{ people(first: 2) { nodes { id } } }') == 3_000 + 2
    assert cost('{ weakOrganisations(first: 0) { totalCount } }') == 3_000
    assert cost('{ organisation(id: "T1") { children(first: 0) { totalCount } } }') == 1 + 1  # one unit's children


def test_thirty_coverages_are_refused_and_six_fit(world):
    """30 aliases of a coverage ran 27 s at scale 40 costing 30; the default limit admits 6 at most."""
    many = lambda n: "{ " + " ".join(f'a{i}: coverage(asOf: "2019-01-{i + 1:02d}") {{ villages }}' for i in range(n)) + " }"  # noqa: E731
    result, trips = _counted(world, lambda: execute(world, many(30)))
    assert trips == 0 and result.data is None
    assert result.errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 30 * 15_000, "limit": LIMIT}
    assert execute(world, many(7)).errors[0].extensions["cost"] == 105_000
    six = execute(world, many(6))
    assert not six.errors and six.extensions["cost"]["requested"] == 90_000


def test_default_limit_admits_the_everyday_queries_and_refuses_the_fan_out():
    assert max(README_COST, VILLAGES_COST, COVERAGE_COST) <= LIMIT < FAN_OUT_COST


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def _counted(runner, run):
    before = runner.round_trips
    result = run()
    return result, runner.round_trips - before


@pytest.mark.parametrize("who,unit,aliases", [
    (("township", "T1"), "T1", 1), (("admin", None), "D", 1),
    (("township", "T1"), "T1", 2), (("admin", None), "D", 30)])
def test_fan_out_is_refused_before_any_engine_call(world, who, unit, aliases):
    role, township = who
    q = "{ " + " ".join(FAN_OUT.format(alias=f"a{i}: ", unit=unit)[2:-2] for i in range(aliases)) + " }"
    result, trips = _counted(world, lambda: execute(world, q, role=role, township=township))
    assert trips == 0  # nothing was read: not the organisation, not the scope
    assert result.data is None
    [err] = result.errors
    assert err.extensions == {"code": "QUERY_TOO_COSTLY", "cost": aliases * FAN_OUT_COST, "limit": LIMIT}
    assert f"{aliases * FAN_OUT_COST:,}" in err.message and f"{LIMIT:,}" in err.message


def test_a_float_first_in_the_variables_is_costed_as_it_runs(world):
    """`{"f": 500.0}` is the Int 500 to the executor: the fan-out with it costs what it does with 500."""
    q = FAN_OUT.replace("first: 500", "first: $f").format(alias="", unit="D").replace("{ organisation", "query($f: Int) { organisation", 1)
    result, trips = _counted(world, lambda: execute(world, q, f=500.0))
    assert trips == 0 and result.data is None
    assert result.errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": FAN_OUT_COST, "limit": LIMIT}


def test_fan_out_over_http_costs_only_the_token_lookup(world):
    with open_api(world) as api:
        t1 = api.mint("township", township_id="T1")
        _, floor = _counted(world, lambda: api.post("{ __typename }", token=t1))  # the token lookup alone
        resp, trips = _counted(world, lambda: api.post(FAN_OUT.format(alias="", unit="T1"), token=t1))
    assert trips == floor
    body = resp.json()
    assert resp.status_code == 200 and body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_everyday_queries_are_admitted_and_report_their_cost(world):
    with open_api(world) as api:
        for query, variables, expected in [(README, {}, README_COST), (VILLAGES, {"d": D}, VILLAGES_COST),
                                           (COVERAGE, {"s": "D", "d": D}, COVERAGE_COST)]:
            body = api.gql(query, variables)
            assert "errors" not in body, body
            assert body["extensions"]["cost"] == {"requested": expected, "limit": LIMIT}
        intro = api.gql(get_introspection_query(descriptions=True))
        assert "errors" not in intro and 0 < intro["extensions"]["cost"]["requested"] <= LIMIT


def test_the_limit_is_a_setting(world):
    settings = Settings(api=ApiLimits(max_cost=VILLAGES_COST - 1))
    with open_api(world, settings=settings) as api:
        body = api.gql(VILLAGES, {"d": D})
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": VILLAGES_COST,
                                               "limit": VILLAGES_COST - 1}


# 15 units exist on AS_OF (V6 ended 2019-01-01); all but the district have a parent: the answer holds the
# connection, 15 units and 14 parents
UNITS_AND_PARENTS = '{ organisations(asOf: "%s", first: 20) { nodes { id parent { id } } } }' % D
UNITS_AND_PARENTS_OBJECTS = 1 + 15 + 14


def test_object_cap_admits_an_answer_of_exactly_the_cap(world):
    result = execute(world, UNITS_AND_PARENTS, limits=ApiLimits(max_objects=UNITS_AND_PARENTS_OBJECTS))
    assert not result.errors and len(result.data["organisations"]["nodes"]) == 15


def test_object_cap_stops_an_answer_one_object_over(world):
    cap = UNITS_AND_PARENTS_OBJECTS - 1
    result = execute(world, UNITS_AND_PARENTS, limits=ApiLimits(max_objects=cap))
    assert result.data is None
    [err] = result.errors
    assert err.extensions == {"code": "TOO_MANY_OBJECTS", "limit": cap} and f"{cap:,} objects" in err.message


def test_introspection_is_counted_by_the_cap(world):
    """`__schema { queryType { name } }` holds 2 objects (the schema, the query type)."""
    small = "{ __schema { queryType { name } } }"
    assert execute(world, small, limits=ApiLimits(max_objects=2)).data["__schema"]["queryType"]["name"] == "Query"
    result = execute(world, small, limits=ApiLimits(max_objects=1))
    assert result.data is None and result.errors[0].extensions == {"code": "TOO_MANY_OBJECTS", "limit": 1}


@pytest.mark.parametrize("options", [{}, {"specified_by_url": True, "directive_is_repeatable": True,
                                          "schema_description": True, "input_value_deprecation": True}])
def test_graphiqls_introspection_is_admitted_by_the_default_limits(world, options):
    result = execute(world, get_introspection_query(descriptions=True, **options))
    assert not result.errors and result.data["__schema"]["queryType"]["name"] == "Query"
    assert 0 < result.extensions["cost"]["requested"] <= LIMIT


def test_thirty_deep_introspections_are_refused_before_they_run(world):
    """The reviewer's query: 30 aliases of a deep walk of the schema's types took 4 s and cost nothing."""
    walk = "name fields { name args { name type { name } } type { name fields { name type { name } } } }"
    one = "__schema { types { " + walk + " } }"
    # per alias: __schema 1 + 10 types * (1 + 10 fields * (1 + 10 args * 2 + type (1 + 10 fields * 2)))
    per = 1 + 10 * (1 + 10 * (1 + 10 * 2 + 1 + 10 * 2))
    assert cost("{ " + one + " }") == per
    result = execute(world, "{ " + " ".join(f"a{i}: {one}" for i in range(30)) + " }")
    assert result.data is None
    assert result.errors[0].extensions == {"code": "QUERY_TOO_COSTLY", "cost": 30 * per, "limit": LIMIT}


def test_object_cap_stops_the_work_too(world):
    """A page of 15 units cannot fit under a cap of 10: no unit's parent is looked up."""
    _, uncapped = _counted(world, lambda: execute(world, UNITS_AND_PARENTS))
    result, capped = _counted(world, lambda: execute(world, UNITS_AND_PARENTS, limits=ApiLimits(max_objects=10)))
    assert result.errors[0].extensions["code"] == "TOO_MANY_OBJECTS"
    assert capped == 1 < uncapped  # the page's one read; the parents' batch never ran


def test_limits_are_read_from_the_environment_and_bad_values_named():
    from redengine.errors import ConfigError

    got = Settings.from_env({"REDENGINE_API_MAX_COST": "500", "REDENGINE_API_MAX_OBJECTS": "70"}).api
    assert (got.max_cost, got.max_objects, got.max_body_bytes) == (500, 70, ApiLimits().max_body_bytes)
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ConfigError, match="REDENGINE_API_MAX_BODY_BYTES"):
            Settings.from_env({"REDENGINE_API_MAX_BODY_BYTES": bad})


# three startLiaison aliases, each selecting `ok errors { code } link { unitId }`: payload 1 + errors
# (unpaged) 10 + link 1 = 12 each, 36 in all; the answer itself holds 3 payloads + 3 links = 6 objects
THREE_LIAISONS = "mutation { " + " ".join(
    f'm{i}: startLiaison(personId: "P4", unitId: "V{i + 1}", from: "2019-0{i + 1}-01") {{ ok errors {{ code }} link {{ unitId }} }}'
    for i in range(3)) + " }"
LIAISONS_OF_P4 = read("test.cost.p4_liaisons", "MATCH (:Person {id: $id})-[l:LIAISES_WITH]->(u:Unit) RETURN u.id AS unit ORDER BY unit")


def test_a_mutation_over_the_cap_is_refused_before_it_writes(world):
    """It used to run all three writes, then answer only TOO_MANY_OBJECTS: the writes were hidden."""
    assert cost(THREE_LIAISONS) == 36
    result = execute(world, THREE_LIAISONS, limits=ApiLimits(max_objects=5))
    assert result.data is None and result.errors[0].extensions == {"code": "TOO_MANY_OBJECTS", "limit": 5}
    assert world.read(LIAISONS_OF_P4, {"id": "P4"}) == []


def test_a_mutation_under_the_cap_keeps_its_whole_answer(world):
    result = execute(world, THREE_LIAISONS, limits=ApiLimits(max_objects=36))
    assert not result.errors
    assert [result.data[f"m{i}"]["link"]["unitId"] for i in range(3)] == ["V1", "V2", "V3"]
    assert world.read(LIAISONS_OF_P4, {"id": "P4"}) == [{"unit": "V1"}, {"unit": "V2"}, {"unit": "V3"}]
