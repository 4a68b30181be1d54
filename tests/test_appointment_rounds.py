"""Appointment rounds on the engine: the service and the GraphQL check on tests/api_world.py's district,
with records about P3 at V4 (甘棠铺村, P3's only village) added per test.

P3's own records in the world (opinion 2020-05-04, notice 2020-05-11..17) are years before every
check date here, so they are stale. Working days are counted by hand in tests/unit/test_rounds_rule.py's
docstring calendar (2026-01-01 is a Thursday; 国庆 10-01..07, make-up 9-20 Sun and 10-10 Sat; 中秋 9-25).
"""

from __future__ import annotations

import datetime as dt

import pytest
from api_world import _notice, _opinion, build, data

from redengine.config import Settings
from redengine.errors import ConfigError
from redengine.graph import records
from redengine.services.appointment import appointment_check

D = dt.date
CHECK = """
query($p: ID!, $asOf: Date) {
  appointmentCheck(personId: $p, asOf: $asOf) {
    asOf windowFrom windowTo verdict
    villages { unit { id } opinion { date } notice { from to } notices { from } }
    blockers { kind unit { id } }
  }
}
"""


@pytest.fixture
def world(runner):
    build(runner)
    return runner


def put(runner, opinions=(), notices=()):
    if opinions:
        runner.write(records.UPSERT_OPINIONS, {"rows": [_opinion("P3", "V4", d, "for", None) for d in opinions]})
    if notices:
        runner.write(records.UPSERT_NOTICES, {"rows": [_notice("P3", "V4", f, t) for f, t in notices]})


def blockers(runner, day, **kw):
    return [b.value for b in (b["kind"] for b in appointment_check(runner, "P3", day, **kw)["blockers"])]


def test_a_2019_round_does_not_satisfy_a_2026_check(world):
    """The issue's 周家畈村 case: an opinion and a notice of 2019 passed a 2026 check (the old code said READY)."""
    put(world, ["2019-03-01"], [("2019-03-04", "2019-03-08")])  # Mon..Fri: 5 working days
    assert blockers(world, D(2019, 3, 20)) == []                 # that round's own check
    assert blockers(world, D(2026, 10, 20)) == ["OPINION_STALE", "NOTICE_STALE"]


def test_the_window_edge_day_180_in_day_181_out(world):
    """Check 2026-10-20: the window starts 2026-04-23 (180 days before, included)."""
    put(world, ["2026-04-23"], [("2026-04-23", "2026-04-29")])  # Thu 23, Fri 24, Mon 27, Tue 28, Wed 29: 5
    assert blockers(world, D(2026, 10, 20)) == []
    assert blockers(world, D(2026, 10, 21)) == ["OPINION_STALE", "NOTICE_STALE"]  # now day 181


def test_a_notice_ending_on_the_check_date_counts_and_the_day_before_it_is_running(world):
    put(world, ["2026-06-01"], [("2026-06-08", "2026-06-12")])  # Mon..Fri
    assert blockers(world, D(2026, 6, 12)) == []
    assert blockers(world, D(2026, 6, 11)) == ["NOTICE_RUNNING"]  # ends the day after the check


def test_a_notice_without_a_last_day_is_running(world):
    put(world, ["2026-06-01"], [("2026-06-08", None)])
    assert blockers(world, D(2026, 7, 1)) == ["NOTICE_RUNNING"]


def test_a_one_day_notice_is_too_short(world):
    put(world, ["2026-06-01"], [("2026-06-08", "2026-06-08")])
    assert blockers(world, D(2026, 6, 20)) == ["NOTICE_TOO_SHORT"]


@pytest.mark.parametrize("first,last,expected", [
    ("2026-09-28", "2026-10-08", ["NOTICE_TOO_SHORT"]),  # Mon 28, 29, 30, Thu 8: 4 (10-01..07 holiday and weekend)
    ("2026-09-28", "2026-10-09", []),                    # ... Fri 9: 5
    ("2026-10-08", "2026-10-12", ["NOTICE_TOO_SHORT"]),  # Thu 8, Fri 9, Sat 10 (make-up), Mon 12: 4
    ("2026-10-08", "2026-10-13", []),                    # ... Tue 13: 5, the make-up Saturday among them
    ("2026-09-21", "2026-09-25", ["NOTICE_TOO_SHORT"]),  # Mon 21..Thu 24: 4, Fri 25 中秋
    ("2026-09-20", "2026-09-24", []),                    # Sun 20 a make-up working day: 5
])
def test_a_notice_around_national_day_2026(world, first, last, expected):
    put(world, ["2026-09-01"], [(first, last)])
    assert blockers(world, D(2026, 10, 20)) == expected


def test_the_window_is_a_setting(world, monkeypatch):
    put(world, ["2026-06-01"], [("2026-06-08", "2026-06-12")])
    assert blockers(world, D(2026, 10, 20)) == []
    assert blockers(world, D(2026, 10, 20), window_days=30) == ["OPINION_STALE", "NOTICE_STALE"]
    assert Settings.from_env({}).appointment_window_days == 180
    assert Settings.from_env({"REDENGINE_APPOINTMENT_WINDOW_DAYS": "30"}).appointment_window_days == 30
    with pytest.raises(ConfigError, match="REDENGINE_APPOINTMENT_WINDOW_DAYS"):
        Settings.from_env({"REDENGINE_APPOINTMENT_WINDOW_DAYS": "-1"})
    with pytest.raises(ConfigError, match="REDENGINE_APPOINTMENT_WINDOW_DAYS=3661 must be at most 3660"):
        Settings.from_env({"REDENGINE_APPOINTMENT_WINDOW_DAYS": "3661"})  # a date before year 1 is not a window
    assert Settings.from_env({"REDENGINE_APPOINTMENT_WINDOW_DAYS": "3660"}).appointment_window_days == 3660


def test_graphql_names_the_window_and_the_new_blockers(world):
    put(world, ["2026-06-01"], [("2026-06-08", "2026-06-12"), ("2026-06-15", None)])
    c = data(world, CHECK, p="P3", asOf="2026-06-11")["appointmentCheck"]
    assert (c["asOf"], c["windowFrom"], c["windowTo"]) == ("2026-06-11", "2025-12-13", "2026-06-11")
    assert c["blockers"] == [{"kind": "NOTICE_RUNNING", "unit": {"id": "V4"}}] and c["verdict"] == "BLOCKED"
    [v] = c["villages"]
    assert v["opinion"] == {"date": "2026-06-01"}
    assert [n["from"] for n in v["notices"]] == ["2020-05-11", "2026-06-08"]  # 06-15 not yet posted
    later = data(world, CHECK, p="P3", asOf="2026-06-20")["appointmentCheck"]
    assert later["verdict"] == "READY" and later["villages"][0]["notice"] == {"from": "2026-06-08", "to": "2026-06-12"}
    old = data(world, CHECK, p="P3", asOf="2026-12-31")["appointmentCheck"]  # window from 2026-07-04
    assert old["windowFrom"] == "2026-07-04"
    assert [b["kind"] for b in old["blockers"]] == ["OPINION_STALE", "NOTICE_STALE"]  # even the open 06-15 one began before it
