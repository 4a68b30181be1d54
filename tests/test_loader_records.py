"""Weak-organisation rosters (a snapshot of open cases) and appointment records (events, never removed)."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import APPOINTMENT, PEOPLE, WEAK, csv_file, district, graph_state

from redengine.errors import ValidationError
from redengine.graph.statements import read
from redengine.loaders import load_file
from redengine.loaders import queries as lq

D = dt.date
BASE = D(2017, 5, 1)
OPINIONS = read("test.loaders.opinions", "MATCH (o:Opinion)-[:GIVEN_BY]->(u:Unit) "
                "RETURN o.id AS id, u.id AS unit, o.date AS date, o.conclusion AS conclusion, o.doc_no AS doc_no")
NOTICES = read("test.loaders.notices", "MATCH (n:Notice)-[:POSTED_IN]->(u:Unit) RETURN n.id AS id, u.id AS unit, n.from AS from, n.to AS to")
NOTICE_DOC = read("test.loaders.notice_doc", "MATCH (n:Notice) RETURN n.doc_no AS doc_no")


@pytest.fixture
def world(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    load_file(runner, csv_file(tmp_path / "p.csv", PEOPLE, [["P1", "王芳", "B1"]]), as_of=BASE)
    return runner


def cases(runner):
    return {(c["unit_id"], c["flagged_on"]): (c["status"], c["lifted_on"], tuple(c["reasons"] or ()))
            for c in runner.read(lq.WEAK_CASES)}


def test_weak_cases_add_update_and_lift_when_missing(world, tmp_path):
    f = csv_file(tmp_path / "w.csv", WEAK, [["V1", "2017-06-01", "班子不团结、战斗力弱", "整顿中"], ["V3", "2017-06-01", "", "整顿中"]])
    assert load_file(world, f, as_of=D(2017, 7, 1)).counts == {"weak cases added": 2}
    f2 = csv_file(tmp_path / "w2.csv", WEAK, [["V1", "2017-06-01", "班子不团结、战斗力弱", "已摘帽", "2018-03-01"]])
    report = load_file(world, f2, as_of=D(2018, 6, 1))
    assert report.counts == {"weak cases updated": 1, "weak cases lifted (not listed)": 1}
    assert [w.message for w in report.warnings] == [
        "the case of V3 flagged on 2017-06-01 is not in this roster; recorded as lifted (已摘帽) on 2018-06-01"]
    assert cases(world) == {("V1", D(2017, 6, 1)): ("lifted", D(2018, 3, 1), ("班子不团结", "战斗力弱")),
                            ("V3", D(2017, 6, 1)): ("lifted", D(2018, 6, 1), ())}
    before = graph_state(world)
    assert load_file(world, f2, as_of=D(2018, 7, 1)).counts == {}  # lifted cases are history: nothing to end
    assert graph_state(world) == before


def test_weak_row_checks(world, tmp_path):
    f = csv_file(tmp_path / "w.csv", WEAK, [
        ["V1", "2017-06-01", "", "已摘帽"],                  # lifted needs 摘帽日期
        ["V2", "2017-06-01", "", "整顿中", "2018-01-01"],     # rectifying has none
        ["V3", "2017-06-01", "", "好"],                      # unknown status
        ["V3", "2017-06-01", "", "已摘帽", "2017-05-01"],     # lifted before flagged
    ])
    with pytest.raises(ValidationError) as e:
        load_file(world, f, as_of=D(2018, 6, 1))
    assert sorted((p.row, p.column) for p in e.value.problems) == [(2, "摘帽日期"), (3, "摘帽日期"), (4, "整顿状态"), (5, "摘帽日期")]


def test_appointment_records_add_correct_and_never_remove(world, tmp_path):
    f = csv_file(tmp_path / "a.csv", APPOINTMENT, [
        ["P1", "V1", "书面意见", "2018-01-05", "", "同意", "黄组函〔2018〕1号"],
        ["P1", "V2", "书面意见", "2018-01-05", "", ""],
        ["P1", "V1", "任前公示", "2018-01-06", "2018-01-12"],
    ])
    assert load_file(world, f, as_of=D(2018, 2, 1)).counts == {"opinions added": 2, "notices added": 1}
    f2 = csv_file(tmp_path / "a2.csv", APPOINTMENT, [["P1", "V2", "书面意见", "2018-01-05", "", "不同意", "黄组函〔2018〕2号"]])
    assert load_file(world, f2, as_of=D(2018, 2, 2)).counts == {"opinions corrected": 1}
    ops = {o["unit"]: (o["date"], o["conclusion"], o["doc_no"]) for o in world.read(OPINIONS)}
    assert ops == {"V1": (D(2018, 1, 5), "for", "黄组函〔2018〕1号"), "V2": (D(2018, 1, 5), "against", "黄组函〔2018〕2号")}
    assert [(n["unit"], n["from"], n["to"]) for n in world.read(NOTICES)] == [("V1", D(2018, 1, 6), D(2018, 1, 12))]
    before = graph_state(world)
    assert load_file(world, f2, as_of=D(2018, 2, 3)).counts == {}
    assert graph_state(world) == before


def test_appointment_empty_cells_keep_what_is_stored(world, tmp_path):
    """Empty cells mean "not given": a re-listed record with empty 结论/文号/结束日期 keeps the stored values."""
    f = csv_file(tmp_path / "a.csv", APPOINTMENT, [
        ["P1", "V2", "书面意见", "2020-05-02", "", "不同意", "黄组函〔2020〕2号"],
        ["P1", "V1", "任前公示", "2020-05-03", "2020-05-09", "", "公示〔2020〕1号"],
    ])
    assert load_file(world, f, as_of=D(2020, 6, 1)).counts == {"opinions added": 1, "notices added": 1}
    before = graph_state(world)
    bare = csv_file(tmp_path / "a2.csv", APPOINTMENT, [
        ["P1", "V2", "书面意见", "2020-05-02", "", "", ""],
        ["P1", "V1", "任前公示", "2020-05-03", "", "", ""],
    ])
    assert load_file(world, bare, as_of=D(2020, 6, 2)).counts == {}   # nothing given, nothing corrected
    assert graph_state(world) == before
    # a row giving only some values corrects those and keeps the rest
    some = csv_file(tmp_path / "a3.csv", APPOINTMENT, [
        ["P1", "V2", "书面意见", "2020-05-02", "", "", "黄组函〔2020〕3号"],
        ["P1", "V1", "任前公示", "2020-05-03", "2020-05-10", "", ""],
    ])
    assert load_file(world, some, as_of=D(2020, 6, 3)).counts == {"opinions corrected": 1, "notices corrected": 1}
    assert [(o["unit"], o["conclusion"], o["doc_no"]) for o in world.read(OPINIONS)] == [("V2", "against", "黄组函〔2020〕3号")]
    assert [(n["unit"], n["to"]) for n in world.read(NOTICES)] == [("V1", D(2020, 5, 10))]
    assert world.read(NOTICE_DOC) == [{"doc_no": "公示〔2020〕1号"}]


def test_appointment_rows_of_one_record_that_leave_different_cells_empty_are_combined(world, tmp_path):
    f = csv_file(tmp_path / "a.csv", APPOINTMENT, [
        ["P1", "V2", "书面意见", "2020-05-02", "", "不同意", ""],
        ["P1", "V2", "书面意见", "2020-05-02", "", "", "黄组函〔2020〕2号"],   # the same opinion, its 文号 given here
    ])
    report = load_file(world, f, as_of=D(2020, 6, 1))
    assert report.counts == {"opinions added": 1}
    assert [(w.row, w.reason.name) for w in report.warnings] == [(3, "DUPLICATE_ROW")]
    assert [(o["conclusion"], o["doc_no"]) for o in world.read(OPINIONS)] == [("against", "黄组函〔2020〕2号")]


def test_appointment_checks(world, tmp_path):
    f = csv_file(tmp_path / "a.csv", APPOINTMENT, [
        ["P1", "T1", "书面意见", "2018-01-05", "", "同意"],      # a township gives no opinion
        ["P9", "V1", "任前公示", "2018-01-06"],                 # unknown person
        ["P1", "V1", "书面意见", "2018-01-05", "", "同意"],
        ["P1", "V1", "书面意见", "2018-01-05", "", "不同意"],    # same record, other conclusion
    ])
    with pytest.raises(ValidationError) as e:
        load_file(world, f, as_of=D(2018, 2, 1))
    assert sorted((p.row, p.reason.name) for p in e.value.problems) == [
        (2, "WRONG_KIND"), (3, "UNKNOWN_REF"), (5, "DUPLICATE_ROW")]


def test_fields_of_the_other_record_type_are_ignored_with_a_warning(world, tmp_path):
    f = csv_file(tmp_path / "a.csv", APPOINTMENT, [
        ["P1", "V1", "任前公示", "2018-01-06", "2018-01-12", "同意"],
        ["P1", "V1", "书面意见", "2018-01-05", "2018-01-09", "同意"],
    ])
    report = load_file(world, f, as_of=D(2018, 2, 1))
    assert sorted((w.row, w.column) for w in report.warnings) == [(2, "结论"), (3, "结束日期")]
    assert report.counts == {"notices added": 1, "opinions added": 1}
    assert [(n["from"], n["to"]) for n in world.read(NOTICES)] == [(D(2018, 1, 6), D(2018, 1, 12))]
    assert [(o["date"], o["conclusion"]) for o in world.read(OPINIONS)] == [(D(2018, 1, 5), "for")]
