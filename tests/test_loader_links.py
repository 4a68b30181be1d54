"""Links rosters: dated person–unit links open, end and keep their history; conventions warn."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import LINKS, PEOPLE, csv_file, district, graph_state

from redengine.domain import statements as dated_reads
from redengine.errors import ValidationError
from redengine.loaders import load_file

D = dt.date
BASE = D(2017, 5, 1)


def held(runner, rel, day):
    return {(r["src"], r["dst"]) for r in runner.read(dated_reads.AS_OF[rel], {"as_of": day})}


@pytest.fixture
def world(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    load_file(runner, csv_file(tmp_path / "p.csv", PEOPLE, [
        ["L1", "区委书记甲", "D"], ["L2", "常委乙", "D"], ["P1", "王芳", "B1"], ["P2", "李明", "B1"], ["S1", "刘洋", "V1"]]),
        as_of=BASE)
    return runner


BASE_LINKS = [
    ["L1", "班子成员", "D", "2016-10-01"], ["L1", "联系街乡", "T1", "2017-04-28"],
    ["L2", "班子成员", "D", "2016-10-01"], ["L2", "联系街乡", "T2", "2017-04-28"],
    ["P1", "联系村", "V1", "2017-05-01"], ["P1", "联系村", "V2", "2017-05-01"],
    ["P2", "党建专员", "V3", "2017-06-01"], ["S1", "书记", "V1", "2015-01-01"],
]


def test_links_open_with_their_own_dates(world, tmp_path):
    report = load_file(world, csv_file(tmp_path / "l.csv", LINKS, BASE_LINKS), as_of=BASE)
    assert report.counts == {"links opened": 8} and report.warnings == []
    assert held(world, "LIAISES_WITH", BASE) == {("P1", "V1"), ("P1", "V2")}
    assert held(world, "COMMISSIONER_OF", BASE) == set()  # starts 2017-06-01
    assert held(world, "COMMISSIONER_OF", D(2017, 6, 1)) == {("P2", "V3")}
    assert held(world, "SECRETARY_OF", D(2016, 1, 1)) == {("S1", "V1")}


def test_snapshot_ends_missing_links_keeps_history_and_is_idempotent(world, tmp_path):
    load_file(world, csv_file(tmp_path / "l.csv", LINKS, BASE_LINKS), as_of=BASE)
    later = D(2018, 7, 1)
    rows = [r for r in BASE_LINKS if r[:3] != ["P1", "联系村", "V2"]]
    rows += [["P1", "联系村", "V3", "2018-07-01"],                      # new liaison
             ["S1", "书记", "V1", "2015-01-01", "2018-03-01"],          # replaces the open row: ended in the past
             ["S1", "联系村", "V2", "2016-01-01", "2016-12-31"]]        # pure history
    rows.remove(["S1", "书记", "V1", "2015-01-01"])
    f = csv_file(tmp_path / "l2.csv", LINKS, rows)
    report = load_file(world, f, as_of=later)
    assert report.counts == {"links ended": 2, "links opened": 2}
    assert held(world, "LIAISES_WITH", D(2018, 6, 30)) == {("P1", "V1"), ("P1", "V2")}
    assert held(world, "LIAISES_WITH", later) == {("P1", "V1"), ("P1", "V3")}
    assert held(world, "SECRETARY_OF", D(2018, 2, 28)) == {("S1", "V1")}
    assert held(world, "SECRETARY_OF", D(2018, 3, 1)) == set()
    assert held(world, "LIAISES_WITH", D(2016, 6, 1)) == {("S1", "V2")}
    before = graph_state(world)
    assert load_file(world, f, as_of=D(2018, 8, 1)).counts == {}
    assert graph_state(world) == before


def test_relisting_an_ended_link_reopens_it_with_a_warning(world, tmp_path):
    load_file(world, csv_file(tmp_path / "l.csv", LINKS, BASE_LINKS), as_of=BASE)
    load_file(world, csv_file(tmp_path / "l2.csv", LINKS, BASE_LINKS[:-1]), as_of=D(2018, 1, 1))  # S1 omitted
    assert held(world, "SECRETARY_OF", D(2018, 1, 1)) == set()
    report = load_file(world, csv_file(tmp_path / "l3.csv", LINKS, BASE_LINKS), as_of=D(2018, 1, 2))
    assert report.counts == {"link ends corrected": 1}
    assert [w.row for w in report.warnings] == [9]
    assert held(world, "SECRETARY_OF", D(2018, 1, 1)) == {("S1", "V1")}


def test_wrong_kind_unknown_person_and_overlaps_are_errors(world, tmp_path):
    before = graph_state(world)
    f = csv_file(tmp_path / "l.csv", LINKS, [
        ["P1", "联系村", "T1", "2017-05-01"],                 # a township is not a village
        ["X9", "联系村", "V1", "2017-05-01"],                 # unknown person
        ["P2", "班子成员", "V1", "2017-05-01"],               # committee members belong to district/township
        ["P1", "联系村", "V1", "2017-05-01", "2018-01-01"],
        ["P1", "联系村", "V1", "2017-12-01"],                 # overlaps the row above
        ["P1", "联系", "V1", "2017-05-01"],                   # no such role
        ["P1", "联系村", "V2", "2018-01-01", "2017-01-01"],   # ends before it starts
    ])
    with pytest.raises(ValidationError) as e:
        load_file(world, f, as_of=BASE)
    assert [(p.row, p.column, p.reason.name) for p in e.value.problems] == [
        (2, "单位编码", "WRONG_KIND"), (3, "人员编码", "UNKNOWN_REF"), (4, "单位编码", "WRONG_KIND"),
        (6, "开始日期", "DUPLICATE_ROW"), (7, "关系", "BAD_VALUE"), (8, "结束日期", "BAD_ORDER")]
    assert graph_state(world) == before


def test_conventions_warn_but_load(world, tmp_path):
    rows = BASE_LINKS + [
        ["P1", "联系街乡", "T1", "2017-05-01"], ["P1", "联系街乡", "T2", "2017-05-01"],   # not a district member
        ["L2", "联系街乡", "T1", "2017-05-01"],
        ["P1", "党建专员", "V1", "2017-05-01"], ["P1", "党建专员", "V2", "2017-05-01"],  # two villages
        ["P2", "书记", "V1", "2017-05-01"],                                              # V1's second secretary
    ]
    rows.append(["L1", "联系街乡", "T2", "2017-05-01"])  # two townships: within the rule
    report = load_file(world, csv_file(tmp_path / "l.csv", LINKS, rows), as_of=D(2017, 6, 1))
    text = sorted(w.message for w in report.warnings)
    assert text == sorted([
        "P1 contacts townships but is not a member (班子成员) of the district committee",
        "P1 is commissioner of 2 villages; one each is the rule",
        "V1 has 2 书记 at once: P2、S1",
    ])
    assert report.counts == {"links opened": 15}  # 8 + 7 rows, all loaded


def test_a_leader_with_three_townships_is_warned(world, tmp_path):
    load_file(world, csv_file(tmp_path / "u.csv", ["编码", "名称", "类型", "上级编码"], [
        ["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"], ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
        ["V1", "张河村", "村", "T1"], ["V2", "李湾村", "村", "T1"], ["T2", "六指街道", "街道", "D"], ["V3", "甘棠铺村", "村", "T2"],
        ["B1", "区委组织部", "机关", "D"], ["T3", "木兰乡", "乡", "D"]]), as_of=BASE)
    rows = BASE_LINKS + [["L1", "联系街乡", "T2", "2017-05-01"], ["L1", "联系街乡", "T3", "2017-05-01"]]
    report = load_file(world, csv_file(tmp_path / "l.csv", LINKS, rows), as_of=D(2017, 6, 1))
    assert [w.message for w in report.warnings] == ["L1 contacts 3 townships; a leader contacts 1–2"]


def test_a_links_roster_leaving_out_most_links_is_refused(world, tmp_path):
    rows = [["P1", "联系村", v, "2017-05-01"] for v in ("V1", "V2", "V3")]
    rows += [[p, "班子成员", "T1", "2017-05-01"] for p in ("P1", "P2", "L1", "L2", "S1")]
    rows += [[p, "班子成员", "T2", "2017-05-01"] for p in ("P1", "P2", "L1", "L2", "S1")]
    load_file(world, csv_file(tmp_path / "l.csv", LINKS, rows), as_of=BASE)  # 13 links
    with pytest.raises(ValidationError) as e:
        load_file(world, csv_file(tmp_path / "l2.csv", LINKS, rows[:2]), as_of=D(2018, 1, 1))
    assert "leaves out 11 of the 13 links" in e.value.problems[0].message
    assert held(world, "COMMITTEE_MEMBER_OF", D(2018, 1, 1)) != set()


def test_a_link_ended_on_the_day_it_began_can_be_listed_again(world, tmp_path):
    load_file(world, csv_file(tmp_path / "l.csv", LINKS, BASE_LINKS), as_of=BASE)  # P1 liaises with V1 from BASE
    without = [r for r in BASE_LINKS if r[:3] != ["P1", "联系村", "V1"]]
    load_file(world, csv_file(tmp_path / "l2.csv", LINKS, without), as_of=BASE)  # same-day fix: ended on BASE
    assert ("P1", "V1") not in held(world, "LIAISES_WITH", BASE)
    report = load_file(world, csv_file(tmp_path / "l3.csv", LINKS, BASE_LINKS), as_of=BASE)  # fixed back
    assert report.counts == {"links opened": 1}
    assert ("P1", "V1") in held(world, "LIAISES_WITH", BASE)
    assert load_file(world, csv_file(tmp_path / "l3.csv", LINKS, BASE_LINKS), as_of=BASE).counts == {}
