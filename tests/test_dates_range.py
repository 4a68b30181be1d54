"""The one range of dates the graph stores and compares (redengine/domain/dates.py), on the engine and
at every door: `asOf`, the mutations' dates, the rosters' dates.

FalkorDB compares two dates right only while they are under 2^31 seconds apart; the expected answers
below are Python's own date comparisons, not the engine's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from apiclient import open_api
from test_api_mutations import OPEN_CASE, START_LIAISON, build_world, snapshot

from redengine.domain.dates import FIRST_DATE, LAST_DATE, in_range, out_of_range
from redengine.graph.statements import read


@pytest.fixture
def api(runner):
    build_world(runner)
    with open_api(runner) as api:
        yield api


COMPARE = read("test.dates.compare", "RETURN date($a) < date($b) AS lt, date($b) < date($a) AS gt")


def test_the_range_is_under_two_to_the_31_seconds_and_covers_the_programme():
    assert (LAST_DATE - FIRST_DATE).total_seconds() < 2 ** 31
    assert FIRST_DATE <= dt.date(2017, 1, 1) and dt.date.today() <= LAST_DATE
    assert in_range(FIRST_DATE) and in_range(LAST_DATE)
    assert out_of_range(FIRST_DATE - dt.timedelta(days=1)) and out_of_range(LAST_DATE + dt.timedelta(days=1))


@pytest.mark.parametrize("a,b", [(FIRST_DATE, LAST_DATE), (FIRST_DATE, FIRST_DATE + dt.timedelta(days=1)),
                                 (LAST_DATE - dt.timedelta(days=1), LAST_DATE), (FIRST_DATE, dt.date(2026, 11, 30)),
                                 (dt.date(2017, 5, 1), LAST_DATE)])
def test_the_engine_compares_any_two_dates_of_the_range_right(runner, a, b):
    assert runner.read(COMPARE, {"a": a.isoformat(), "b": b.isoformat()}) == [{"lt": a < b, "gt": b < a}]


LIAISONS = '{ organisation(id: "V2", asOf: "%s") { liaisonCadres { nodes { person { id } from } } } }'


def test_a_link_from_2026_is_not_in_force_in_the_past(api, runner):
    """The reviewer's case: a link starting 2026-11-30 was listed as in force on 1949-10-01."""
    assert api.gql(START_LIAISON, {"p": "P2", "u": "V2", "from": "2026-11-30"})["data"]["startLiaison"]["ok"]
    body = api.gql(LIAISONS % "1949-10-01")
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "asOf"}
    assert "1970-01-01 .. 2037-12-31" in body["errors"][0]["message"]
    for day, listed in [("1970-01-01", []), ("2026-11-29", []), ("2026-11-30", ["P2"]), ("2037-12-31", ["P2"])]:
        nodes = api.gql(LIAISONS % day)["data"]["organisation"]["liaisonCadres"]["nodes"]
        assert [n["person"]["id"] for n in nodes] == listed, day


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2038-01-01"])
def test_a_mutation_date_out_of_range_is_refused_naming_it_and_writes_nothing(api, runner, day):
    before = snapshot(runner)
    body = api.gql(START_LIAISON, {"p": "P2", "u": "V2", "from": day})
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "$from"}
    literal = OPEN_CASE.replace("$in: OpenWeakCaseInput!", "").replace("()", "").replace(
        "input: $in", f'input: {{unitId: "V2", flaggedOn: "{day}", reasons: []}}')
    body = api.gql(literal)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "input.flaggedOn"}
    body = api.gql(OPEN_CASE, {"in": {"unitId": "V2", "flaggedOn": day, "reasons": []}})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "$in.flaggedOn"}
    assert snapshot(runner) == before


@pytest.mark.parametrize("day", ["1970-01-01", "2037-12-31"])
def test_the_range_ends_are_accepted(api, runner, day):
    out = api.gql(START_LIAISON, {"p": "P2", "u": "V2", "from": day})["data"]["startLiaison"]
    assert out["ok"] is True and out["link"]["from"] == day


def test_a_date_default_out_of_range_is_refused_naming_the_variable(api, runner):
    body = api.gql('query($d: Date = "1949-10-01") { organisations(asOf: $d) { totalCount } }')
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "$d"}
