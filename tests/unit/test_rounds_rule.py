"""Appointment rounds, engine-free: working days and one village's findings, worked out by hand.

Weekdays checked on a paper calendar (2026-01-01 is a Thursday). Holidays and make-up days are the
State Council's 2026 notice: 中秋 9-25 (Fri); 国庆 10-01..10-07, make-up working days 9-20 (Sun)
and 10-10 (Sat); 劳动节 5-01..5-05, make-up 5-09 (Sat). 2019-03 has none.
"""

from __future__ import annotations

import datetime as dt

import pytest

from redengine.domain import appointment as rule
from redengine.domain.workdays import covered_years, is_working_day, working_days

D = dt.date
B = rule.Blocker


@pytest.mark.parametrize("first,last,expected", [
    (D(2026, 6, 8), D(2026, 6, 12), 5),     # Mon..Fri, no holiday
    (D(2026, 6, 8), D(2026, 6, 8), 1),      # a one-day notice
    (D(2026, 6, 6), D(2026, 6, 7), 0),      # Sat, Sun
    (D(2026, 6, 12), D(2026, 6, 8), 0),     # last before first
    (D(2026, 9, 28), D(2026, 10, 8), 4),    # Mon 28, 29, 30; 10-01..07 holiday; Thu 8
    (D(2026, 9, 28), D(2026, 10, 9), 5),    # ... and Fri 9
    (D(2026, 9, 21), D(2026, 9, 25), 4),    # Mon..Thu; Fri 25 is 中秋
    (D(2026, 9, 20), D(2026, 9, 24), 5),    # Sun 20 is a make-up working day
    (D(2026, 10, 8), D(2026, 10, 12), 4),   # Thu 8, Fri 9, Sat 10 (make-up), Mon 12
    (D(2026, 10, 8), D(2026, 10, 13), 5),   # ... and Tue 13
    (D(2026, 4, 27), D(2026, 5, 9), 8),     # Mon 27..Thu 30 (4), 5-01/04/05 holiday, Wed 6..Fri 8 (3), Sat 9 make-up
])
def test_working_days_first_and_last_included(first, last, expected):
    assert working_days(first, last) == expected


def test_the_table_covers_2016_to_2026_and_a_later_year_counts_weekdays():
    assert covered_years() == frozenset(range(2016, 2027))
    assert not is_working_day(D(2016, 2, 8))   # 春节 2016 (Monday)
    assert is_working_day(D(2016, 2, 6))       # Saturday worked for 春节 2016
    assert is_working_day(D(2027, 1, 1)) and not is_working_day(D(2027, 1, 2))  # no 2027 rows: Fri yes, Sat no


def test_the_window_is_180_days_back_both_ends_included():
    # 2026-10-20 back 180 days: 20 (to 9-30) + 30 + 31 + 31 + 30 + 31 (to 4-30: 173) + 7 = 4-23
    assert rule.window_from(D(2026, 10, 20)) == D(2026, 4, 23)
    assert rule.window_from(D(2026, 10, 20), 30) == D(2026, 9, 20)


def op(day, recent=True, conclusion="for"):
    return {"id": f"o{day}", "date": day, "conclusion": conclusion, "recent": recent}


def notice(first, last, recent=True, ended=True):
    return {"id": f"n{first}", "from": first, "to": last, "recent": recent, "ended": ended}


GOOD = notice(D(2026, 6, 8), D(2026, 6, 12))


@pytest.mark.parametrize("opinions,notices,expected", [
    ([op(D(2026, 6, 1))], [GOOD], []),
    ([], [], [B.OPINION_MISSING, B.NOTICE_MISSING]),
    ([op(D(2019, 3, 1), recent=False)], [notice(D(2019, 3, 4), D(2019, 3, 8), recent=False)],
     [B.OPINION_STALE, B.NOTICE_STALE]),
    ([op(D(2019, 3, 1), recent=False), op(D(2026, 6, 1))], [GOOD], []),          # a recent one beside an old one
    ([op(D(2026, 6, 1))], [notice(D(2026, 6, 8), D(2026, 6, 12), ended=False)], [B.NOTICE_RUNNING]),
    ([op(D(2026, 6, 1))], [notice(D(2026, 6, 8), None, ended=False)], [B.NOTICE_RUNNING]),  # no last day
    ([op(D(2026, 6, 1))], [notice(D(2026, 6, 8), D(2026, 6, 8))], [B.NOTICE_TOO_SHORT]),  # one day
    ([op(D(2026, 6, 1))], [notice(D(2026, 9, 28), D(2026, 10, 8))], [B.NOTICE_TOO_SHORT]),  # 4 working days
    # a standing notice decides even beside a running or a short one
    ([op(D(2026, 6, 1))], [GOOD, notice(D(2026, 6, 15), None, ended=False)], []),
    # running beats too short: the round is not over yet
    ([op(D(2026, 6, 1))], [notice(D(2026, 6, 1), D(2026, 6, 1)), notice(D(2026, 6, 8), None, ended=False)],
     [B.NOTICE_RUNNING]),
    ([op(D(2026, 6, 1))], [notice(D(2019, 3, 4), D(2019, 3, 8), recent=False), notice(D(2026, 6, 8), D(2026, 6, 8))],
     [B.NOTICE_TOO_SHORT]),
])
def test_village_findings(opinions, notices, expected):
    assert rule.village_findings(opinions, notices).blockers == expected


def test_the_latest_recent_opinion_decides_and_warns_when_against():
    f = rule.village_findings([op(D(2026, 5, 1), conclusion="against"), op(D(2026, 6, 1))], [GOOD])
    assert f.opinion["date"] == D(2026, 6, 1) and f.warnings == []
    f = rule.village_findings([op(D(2026, 6, 1), conclusion="against"), op(D(2026, 9, 1), recent=False)], [GOOD])
    assert f.opinion["date"] == D(2026, 6, 1) and f.warnings == [rule.Warning_.OPINION_AGAINST]
