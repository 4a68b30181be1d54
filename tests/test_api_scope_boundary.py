"""A township token learns nothing about ids outside its scope: an existing unit or person there and
a missing one get the very same answer, from every mutation and every query argument that takes an id.

The world is tests/api_world.py. T2's scope (worked out by hand, as in test_api_scope_walk.py): units
T2, C3, V4; people L2, S3, P2, P3, K3. Outside it: units D (the district), T1, V1 (T1's village), V5
(T3's), C1; people P1 (liaises in T1), L1, K4. Missing ids: D01, V99, P99999, weak:V99:2019-01-01.
"""

from __future__ import annotations

import pytest
from api_world import AS_OF, build, execute

D = str(AS_OF)
IN_UNIT, IN_PERSON = "V4", "P2"
OUTSIDE_UNITS = ["D", "T1", "V1", "V5", "C1"]
OUTSIDE_PEOPLE = ["P1", "L1", "K4"]
MISSING_UNITS = ["D01", "V99"]
MISSING_PEOPLE = ["P99999"]
EXISTING_CASE, MISSING_CASE = "weak:V2:2019-03-01", "weak:V99:2019-01-01"  # V2 is T1's

ERR = "ok errors { code field message }"
MUTATIONS = {
    "startLink": ("mutation($p: ID!, $u: ID!) { startLink(input: {role: LIAISON, personId: $p, unitId: $u, "
                  f'from: "{D}"}}) {{ {ERR} link {{ personId }} }} }}'),
    "endLink": ("mutation($p: ID!, $u: ID!) { endLink(input: {role: LIAISON, personId: $p, unitId: $u, "
                f'to: "{D}"}}) {{ {ERR} link {{ personId }} }} }}'),
    "startLiaison": f'mutation($p: ID!, $u: ID!) {{ startLiaison(personId: $p, unitId: $u, from: "{D}") {{ {ERR} }} }}',
    "endLiaison": f'mutation($p: ID!, $u: ID!) {{ endLiaison(personId: $p, unitId: $u, to: "{D}") {{ {ERR} }} }}',
    "recordOpinion": ("mutation($p: ID!, $u: ID!) { recordOpinion(input: {personId: $p, unitId: $u, "
                      f'date: "{D}", conclusion: FOR}}) {{ {ERR} opinion {{ id }} }} }}'),
    "recordNotice": ("mutation($p: ID!, $u: ID!) { recordNotice(input: {personId: $p, unitId: $u, "
                     f'from: "{D}", to: "2020-05-01"}}) {{ {ERR} notice {{ id }} }} }}'),
    "openWeakCase": ("mutation($p: String!, $u: ID!) { openWeakCase(input: {unitId: $u, "
                     f'flaggedOn: "{D}", reasons: [$p]}}) {{ {ERR} weakCase {{ id }} }} }}'),
}
CASE_MUTATIONS = {
    "updateWeakCase": f"mutation($c: ID!) {{ updateWeakCase(input: {{id: $c, reasons: [\"x\"]}}) {{ {ERR} }} }}",
    "liftWeakCase": f'mutation($c: ID!) {{ liftWeakCase(input: {{id: $c, liftedOn: "{D}"}}) {{ {ERR} }} }}',
}

#: (the query, the variable that carries the id, which kind of id)
QUERIES = [
    ("query($x: ID!, $d: Date) { organisation(id: $x, asOf: $d) { id name } }", "unit"),
    ("query($x: ID!, $d: Date) { person(id: $x, asOf: $d) { id name } }", "person"),
    ("query($x: ID!, $d: Date) { appointmentCheck(personId: $x, asOf: $d) { verdict } }", "person"),
    ("query($x: ID!, $d: Date) { coverage(scope: $x, asOf: $d) { villages gaps { totalCount } } }", "unit"),
    ("query($x: ID!, $d: Date) { organisations(scope: $x, asOf: $d) { totalCount nodes { id } } }", "unit"),
    ("query($x: ID!, $d: Date) { people(scope: $x, asOf: $d) { totalCount nodes { id } } }", "unit"),
    ("query($x: ID!, $d: Date) { weakOrganisations(scope: $x, asOf: $d) { totalCount nodes { id } } }", "unit"),
]


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def t2(runner, query, **variables):
    result = execute(runner, query, role="township", township="T2", **variables)
    assert not result.errors, result.errors
    return result.data


def _targets():
    """(person, unit) pairs, each with at least one id outside T2's scope, grouped so that every group
    has existing and missing ids in the same places."""
    return {
        "unit": [(IN_PERSON, u) for u in OUTSIDE_UNITS + MISSING_UNITS],
        "person": [(p, IN_UNIT) for p in OUTSIDE_PEOPLE + MISSING_PEOPLE],
        "both": [(p, u) for p in ("P1", "P99999") for u in ("V1", "D01")],
    }


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_every_mutation_answers_ids_outside_the_scope_alike_whether_they_exist_or_not(world, name):
    for group, pairs in _targets().items():
        answers = [t2(world, MUTATIONS[name], p=p, u=u)[name] for p, u in pairs]
        first = answers[0]
        assert first["ok"] is False and {e["code"] for e in first["errors"]} == {"FORBIDDEN"}, (group, first)
        for (p, u), answer in zip(pairs, answers, strict=False):
            assert answer == first, (group, p, u, answer, first)
            assert not any(x in e["message"] for e in answer["errors"] for x in (p, u) if x not in ("T2",)), answer


@pytest.mark.parametrize("name", sorted(CASE_MUTATIONS))
def test_weak_case_mutations_answer_an_outside_case_like_a_missing_one(world, name):
    existing = t2(world, CASE_MUTATIONS[name], c=EXISTING_CASE)[name]
    missing = t2(world, CASE_MUTATIONS[name], c=MISSING_CASE)[name]
    assert existing == missing and [e["code"] for e in existing["errors"]] == ["FORBIDDEN"]


def test_record_opinion_names_which_argument_is_outside_the_scope(world):
    """Each id outside the scope is one FORBIDDEN on its own field; an id inside passes that check."""
    q = MUTATIONS["recordOpinion"]
    fields = lambda out: sorted((e["code"], e["field"]) for e in out["errors"])  # noqa: E731
    assert fields(t2(world, q, p="P2", u="D")["recordOpinion"]) == [("FORBIDDEN", "unitId")]
    assert fields(t2(world, q, p="P1", u="V4")["recordOpinion"]) == [("FORBIDDEN", "personId")]
    assert fields(t2(world, q, p="P1", u="D")["recordOpinion"]) == [("FORBIDDEN", "personId"), ("FORBIDDEN", "unitId")]
    assert t2(world, q, p="P2", u="V4")["recordOpinion"]["ok"] is True  # both in scope: written


def test_admin_still_learns_what_is_wrong_with_an_id(world):
    """The uniform answer is for township tokens: the organisation department is told the real reason."""
    q = MUTATIONS["recordOpinion"]
    codes = lambda u: [e["code"] for e in execute(world, q, p="P2", u=u).data["recordOpinion"]["errors"]]  # noqa: E731
    assert codes("D") == ["WRONG_UNIT_KIND"] and codes("D01") == ["NOT_FOUND"]


@pytest.mark.parametrize("query, kind", QUERIES)
def test_every_query_argument_answers_ids_outside_the_scope_alike(world, query, kind):
    outside, missing = (["T1", "V1", "V5", "C1"], MISSING_UNITS) if kind == "unit" else (OUTSIDE_PEOPLE, MISSING_PEOPLE)
    answers = {x: t2(world, query, x=x, d=D) for x in outside + missing}
    first = answers[missing[0]]
    assert all(a == first for a in answers.values()), answers
    inside = t2(world, query, x="T2" if kind == "unit" else IN_PERSON, d=D)
    assert inside != first  # the test can tell an answer from a refusal
