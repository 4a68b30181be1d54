"""Units rosters on real engines: snapshots add, change from the as-of date, end what is missing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from rosters import LINKS, PEOPLE, UNITS, csv_file, district, graph_state

from redengine.domain import statements as dated_reads
from redengine.errors import ValidationError
from redengine.graph import records
from redengine.graph.statements import read
from redengine.loaders import history, load_file

D = dt.date
BASE = D(2017, 5, 1)
ENDED_UNITS = read("test.loaders.ended_units", "MATCH (u:Unit) WHERE u.to IS NOT NULL RETURN u.id AS id, u.to AS to")


def units_on(runner, day):
    return {u["id"]: u["name"] for u in runner.read(dated_reads.UNITS_AS_OF, {"as_of": day})}


def pairs(runner, rel, day):
    return {(r["src"], r["dst"]) for r in runner.read(dated_reads.AS_OF[rel], {"as_of": day})}


def rows_of(path):
    import csv

    with open(path, encoding="utf-8") as f:
        return [r for r in csv.reader(f)][1:]


def test_first_load_builds_the_hierarchy(runner, tmp_path):
    report = load_file(runner, district(tmp_path), as_of=BASE, who="组织部")
    assert report.counts == {"units added": 8, "parent links opened": 7, "composite links opened": 2}
    [sync] = history(runner)
    assert (sync["id"], sync["status"], sync["by"], sync["as_of"], sync["counts"]) == (
        report.sync_id, "done", "组织部", BASE, report.counts)
    assert sync["sha256"] == hashlib.sha256(district(tmp_path).read_bytes()).hexdigest()
    assert set(units_on(runner, BASE)) == {"D", "T1", "C1", "V1", "V2", "T2", "V3", "B1"}
    assert pairs(runner, "PART_OF", BASE) == {("T1", "D"), ("C1", "T1"), ("V1", "T1"), ("V2", "T1"), ("T2", "D"),
                                              ("V3", "T2"), ("B1", "D")}
    assert pairs(runner, "COORDINATED_BY", BASE) == {("V1", "C1"), ("V2", "C1")}
    assert units_on(runner, BASE - dt.timedelta(days=1)) == {}  # nothing existed before the snapshot date


def test_loading_the_same_file_again_changes_nothing(runner, tmp_path):
    f = district(tmp_path)
    load_file(runner, f, as_of=BASE)
    before = graph_state(runner)
    again = load_file(runner, f, as_of=D(2018, 3, 1))  # also on a later day
    assert again.counts == {} and again.sync_id is None
    assert graph_state(runner) == before


def test_changes_take_effect_from_the_as_of_date(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = rows_of(district(tmp_path))
    rows[4] = ["V2", "李湾新村", "村", "T2", ""]  # renamed, moved to T2, no longer under C1
    change = D(2018, 1, 1)
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=change)
    assert report.counts == {"units changed": 1, "parent links ended": 1, "parent links opened": 1,
                             "composite links ended": 1, "unit events": 1}
    assert report.part("units").moves == ["V2 李湾新村: T1 → T2 (2018-01-01)"]
    assert report.part("units").examples["units changed"] == ["V2 李湾村 → 李湾新村"]
    day_before = change - dt.timedelta(days=1)
    assert ("V2", "T1") in pairs(runner, "PART_OF", day_before) and ("V2", "T2") not in pairs(runner, "PART_OF", day_before)
    assert ("V2", "T2") in pairs(runner, "PART_OF", change) and ("V2", "T1") not in pairs(runner, "PART_OF", change)
    assert ("V2", "C1") in pairs(runner, "COORDINATED_BY", day_before)
    assert ("V2", "C1") not in pairs(runner, "COORDINATED_BY", change)
    [event] = runner.read(records.UNIT_EVENTS)
    assert (event["kind"], event["on"], event["note"]) == ("rename", change, "李湾村 → 李湾新村")


def test_valid_from_dates_a_change_and_must_not_precede_the_old_link(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = rows_of(district(tmp_path))
    rows[6] = ["V3", "甘棠铺村", "村", "T1", "", "2017-09-01"]
    load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2018, 1, 1))
    assert ("V3", "T2") in pairs(runner, "PART_OF", D(2017, 8, 31))
    assert ("V3", "T1") in pairs(runner, "PART_OF", D(2017, 9, 1))
    before = graph_state(runner)
    rows[6] = ["V3", "甘棠铺村", "村", "T2", "", "2017-08-01"]  # back, but dated before the current link began
    with pytest.raises(ValidationError) as e:
        load_file(runner, csv_file(tmp_path / "u3.csv", UNITS, rows), as_of=D(2018, 2, 1))
    [p] = e.value.problems
    assert (p.row, p.column) == (8, "生效日期") and "2017-09-01" in p.message
    assert graph_state(runner) == before


def test_a_valid_from_copied_forward_dates_the_change_at_the_snapshot_with_a_warning(runner, tmp_path):
    """Next year's roster keeps the old 生效日期 on rows it changes: the changes are not backdated to it.

    All links began on BASE (the first roster's date). On 2018-06-01: V1 moves to composite C2 (new), V2 leaves
    C1, V3 moves to T1 and gains composite C1, all rows still dated BASE. A genuine dated change (after the
    link's start, or the unit's when it had no such link) would keep its date; these are on it, so they take
    effect on the snapshot date, each with a warning on its row's 生效日期, and the old links hold until then.
    """
    rows = rows_of(district(tmp_path))
    rows.insert(3, ["C2", "李家片区域综合党委", "区域综合党委", "T1", ""])
    load_file(runner, csv_file(tmp_path / "u.csv", UNITS, rows), as_of=BASE)
    dated = [r[:5] + [BASE.isoformat()] for r in rows]   # every row now carries the first roster's date
    dated[4] = ["V1", "张河村", "村", "T1", "C2", BASE.isoformat()]        # file row 6
    dated[5] = ["V2", "李湾村", "村", "T1", "", BASE.isoformat()]          # file row 7
    dated[7] = ["V3", "甘棠铺村", "村", "T1", "C1", BASE.isoformat()]      # file row 9
    later = D(2018, 6, 1)
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, dated), as_of=later)
    assert sorted((w.file.endswith("u2.csv"), w.row, w.column) for w in report.warnings) == [
        (True, 6, "生效日期"), (True, 7, "生效日期"), (True, 9, "生效日期"), (True, 9, "生效日期")]
    assert all(str(BASE) in w.message and str(later) in w.message for w in report.warnings)
    assert report.counts == {"composite links ended": 2, "composite links opened": 2,
                             "parent links ended": 1, "parent links opened": 1}
    assert report.part("units").moves == [f"V3 甘棠铺村: T2 → T1 ({later})"]
    before = D(2017, 12, 1)
    assert pairs(runner, "COORDINATED_BY", before) == {("V1", "C1"), ("V2", "C1")}
    assert ("V3", "T2") in pairs(runner, "PART_OF", before) and ("V3", "T1") not in pairs(runner, "PART_OF", before)
    assert pairs(runner, "COORDINATED_BY", later) == {("V1", "C2"), ("V3", "C1")}
    assert ("V3", "T1") in pairs(runner, "PART_OF", later) and ("V3", "T2") not in pairs(runner, "PART_OF", later)
    state = graph_state(runner)
    assert load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, dated), as_of=D(2018, 7, 1)).counts == {}
    assert graph_state(runner) == state


def test_a_valid_from_on_the_snapshot_day_is_a_same_day_correction(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = rows_of(district(tmp_path))
    rows[3] = ["V1", "张河村", "村", "T2", "", BASE.isoformat()]   # corrected on the day the links began
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=BASE)
    assert [w for w in report.warnings if w.column == "生效日期"] == []
    assert ("V1", "T2") in pairs(runner, "PART_OF", BASE) and ("V1", "T1") not in pairs(runner, "PART_OF", BASE)
    assert ("V1", "C1") not in pairs(runner, "COORDINATED_BY", BASE)


def test_missing_unit_is_ended_with_its_links_and_kept(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    load_file(runner, csv_file(tmp_path / "p.csv", PEOPLE, [["P1", "王芳", "B1"]]), as_of=BASE)
    load_file(runner, csv_file(tmp_path / "l.csv", LINKS, [["P1", "联系村", "V2", "2017-05-01"]]), as_of=BASE)
    rows = [r for r in rows_of(district(tmp_path)) if r[0] != "V2"]
    gone = D(2019, 1, 1)
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=gone)
    assert report.counts == {"units ended": 1, "parent links ended": 1, "composite links ended": 1,
                             "person links ended with their unit": 1}
    assert "V2" in units_on(runner, gone - dt.timedelta(days=1)) and "V2" not in units_on(runner, gone)
    assert pairs(runner, "LIAISES_WITH", gone - dt.timedelta(days=1)) == {("P1", "V2")}
    assert pairs(runner, "LIAISES_WITH", gone) == set()
    nodes, _ = graph_state(runner)
    assert any("'V2'" in n for n in nodes)  # ended, not deleted


def test_merge_recorded_as_event_from_predecessor_codes(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = [r for r in rows_of(district(tmp_path)) if r[0] not in ("V1", "V2")]
    rows.append(["V9", "张李村", "村", "T1", "C1", "", "V1、V2"])
    merged = D(2019, 1, 1)
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=merged)
    assert report.counts["units added"] == 1 and report.counts["units ended"] == 2 and report.counts["unit events"] == 1
    [event] = runner.read(records.UNIT_EVENTS)
    assert (event["kind"], sorted(event["from_ids"]), event["to_ids"], event["on"]) == ("merge", ["V1", "V2"], ["V9"], merged)
    assert {"V1", "V2"} & set(units_on(runner, merged)) == set()
    assert {"V1", "V2"} <= set(units_on(runner, merged - dt.timedelta(days=1)))  # ended on the merge date, not deleted
    ended = {r["id"]: r["to"] for r in runner.read(ENDED_UNITS)}
    assert ended == {"V1": merged, "V2": merged}
    assert pairs(runner, "PART_OF", merged) >= {("V9", "T1")} and pairs(runner, "COORDINATED_BY", merged) >= {("V9", "C1")}
    assert load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2019, 2, 1)).counts == {}


def test_split_recorded_as_one_event(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = [r for r in rows_of(district(tmp_path)) if r[0] != "V3"]
    rows += [["V3A", "甘棠铺东村", "村", "T2", "", "", "V3"], ["V3B", "甘棠铺西村", "村", "T2", "", "", "V3"]]
    load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2019, 1, 1))
    [event] = runner.read(records.UNIT_EVENTS)
    assert (event["kind"], event["from_ids"], sorted(event["to_ids"])) == ("split", ["V3"], ["V3A", "V3B"])


def test_reference_and_kind_errors_are_all_reported(runner, tmp_path):
    f = csv_file(tmp_path / "u.csv", UNITS, [
        ["D", "黄陂区", "区"],
        ["T1", "蔡店街道", "街道", "D"],
        ["V1", "张河村", "村", "T9"],             # 3+1: unknown parent
        ["V2", "李湾村", "村", "D"],              # a village belongs to a township
        ["V3", "王家村", "村"],                   # parent required
        ["B1", "组织部", "机关", "D", "T1"],       # a department is not coordinated
        ["V4", "赵家村", "村", "T1", "T1"],        # T1 is not a composite committee
        ["V1", "张河村", "村", "T1"],             # given twice
        ["V5", "新村", "村", "T1", "", "2030-01-01"],  # after the snapshot date
    ])
    before = graph_state(runner)
    with pytest.raises(ValidationError) as e:
        load_file(runner, f, as_of=BASE)
    got = sorted((p.row, p.column) for p in e.value.problems)
    assert got == [(4, "上级编码"), (5, "上级编码"), (6, "上级编码"), (7, "综合党委编码"), (8, "综合党委编码"),
                   (9, "编码"), (10, "生效日期")]
    assert graph_state(runner) == before


def test_scope_covers_one_subtree_only(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    later = D(2018, 1, 1)
    # T1's own roster: V2 gone, V4 new; nothing outside T1 is touched
    f = csv_file(tmp_path / "t1.csv", UNITS, [
        ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
        ["V1", "张河村", "村", "T1", "C1"],
        ["V4", "新建村", "村", "T1", "C1"],
    ])
    report = load_file(runner, f, as_of=later, scope="T1")
    assert report.counts["units added"] == 1 and report.counts["units ended"] == 1
    assert set(units_on(runner, later)) == {"D", "T1", "C1", "V1", "V4", "T2", "V3", "B1"}
    outside = csv_file(tmp_path / "t1b.csv", UNITS, [
        ["C1", "张河片区域综合党委", "区域综合党委", "T1"], ["V1", "张河村", "村", "T1", "C1"], ["V3", "甘棠铺村", "村", "T2"]])
    with pytest.raises(ValidationError) as e:
        load_file(runner, outside, as_of=later, scope="T1")
    assert [(p.row, p.reason.name) for p in e.value.problems] == [(4, "OUT_OF_SCOPE")]


def test_unknown_scope_is_an_error(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    with pytest.raises(ValidationError, match="1 problem"):
        load_file(runner, csv_file(tmp_path / "x.csv", UNITS, [["V1", "张河村", "村", "T1"]]), as_of=BASE, scope="T404")


def test_dry_run_reports_without_writing(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    before = graph_state(runner)
    rows = [r for r in rows_of(district(tmp_path)) if r[0] != "V3"]
    report = load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2018, 1, 1), dry_run=True)
    assert report.counts["units ended"] == 1 and report.dry_run and report.sync_id is None
    assert graph_state(runner) == before


def test_a_roster_leaving_out_most_units_is_refused_unless_allowed(runner, tmp_path):
    villages = [[f"V{i:02d}", f"村{i}", "村", "T1"] for i in range(1, 16)]
    head = [["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"]]
    load_file(runner, csv_file(tmp_path / "u.csv", UNITS, head + villages), as_of=BASE)
    before = graph_state(runner)
    partial = csv_file(tmp_path / "u2.csv", UNITS, head + villages[:4])  # 11 of 17 units left out: > 10 and > 25%
    with pytest.raises(ValidationError) as e:
        load_file(runner, partial, as_of=D(2018, 1, 1))
    [p] = e.value.problems
    assert p.reason.name == "MASS_END" and "leaves out 11 of the 17 units" in p.message
    assert graph_state(runner) == before
    report = load_file(runner, partial, as_of=D(2018, 1, 1), allow_mass_end=True)
    assert report.counts["units ended"] == 11
    small = csv_file(tmp_path / "u3.csv", UNITS, head + villages[:3])  # one more left out: well within the rule
    assert load_file(runner, small, as_of=D(2018, 2, 1)).counts["units ended"] == 1


def test_a_unit_listed_again_after_being_ended_is_reopened_with_a_warning(runner, tmp_path):
    full = district(tmp_path)
    load_file(runner, full, as_of=BASE)
    rows = [r for r in rows_of(full) if r[0] != "V3"]
    load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2018, 1, 1))
    report = load_file(runner, full, as_of=D(2018, 2, 1))
    assert report.counts == {"units reopened": 1, "parent links opened": 1}
    assert [(w.row, w.reason.name) for w in report.warnings] == [(8, "CONFLICT")]
    assert "V3" in units_on(runner, D(2018, 2, 1))
    assert pairs(runner, "PART_OF", D(2018, 1, 15)) >= {("V1", "T1")} and ("V3", "T2") not in pairs(runner, "PART_OF", D(2018, 1, 15))
    assert ("V3", "T2") in pairs(runner, "PART_OF", D(2018, 2, 1))


def test_row_errors_and_graph_errors_come_in_one_report_without_knock_on_errors(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    rows = rows_of(district(tmp_path))
    rows[1] = ["T1", "蔡店街道", "街", "D"]        # row 3: bad kind; V1, V2 and C1 still name T1 as parent
    rows[6] = ["V3", "甘棠铺村", "村", "T9"]        # row 8: unknown parent
    with pytest.raises(ValidationError) as e:
        load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, rows), as_of=D(2018, 1, 1))
    assert [(p.row, p.column, p.reason.name) for p in e.value.problems] == [
        (3, "类型", "BAD_VALUE"), (8, "上级编码", "UNKNOWN_REF")]


def test_same_day_flip_back_reopens_the_link_ended_that_day(runner, tmp_path):
    full = district(tmp_path)
    load_file(runner, full, as_of=BASE)
    rows = rows_of(full)
    moved = [r if r[0] != "V2" else ["V2", "李湾村", "村", "T2"] for r in rows]
    load_file(runner, csv_file(tmp_path / "u2.csv", UNITS, moved), as_of=BASE)  # same day: V2 to T2
    assert ("V2", "T2") in pairs(runner, "PART_OF", BASE) and ("V2", "T1") not in pairs(runner, "PART_OF", BASE)
    report = load_file(runner, full, as_of=BASE)                               # same day: back to T1
    assert report.counts == {"parent links ended": 1, "parent links opened": 1, "composite links opened": 1}
    assert ("V2", "T1") in pairs(runner, "PART_OF", BASE) and ("V2", "T2") not in pairs(runner, "PART_OF", BASE)
    assert ("V2", "C1") in pairs(runner, "COORDINATED_BY", BASE)
    assert load_file(runner, full, as_of=BASE).counts == {}
