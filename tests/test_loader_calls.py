"""Several rosters in one call: checked together (later files may name what earlier ones add), applied
in dependency order or not at all, and a dry run reports exactly what a real run then applies."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import LINKS, PEOPLE, UNITS, csv_file, district, first_call, graph_state, second_call

from redengine.domain import statements as dated_reads
from redengine.errors import ValidationError
from redengine.loaders import history, load_rosters

BASE, LATER = dt.date(2017, 5, 1), dt.date(2018, 1, 1)


def held(runner, rel, day):
    return {(r["src"], r["dst"]) for r in runner.read(dated_reads.AS_OF[rel], {"as_of": day})}


def test_later_files_may_name_what_earlier_files_of_the_call_add(runner, tmp_path):
    report = load_rosters(runner, first_call(tmp_path), as_of=BASE, who="组织部")
    assert [p.kind for p in report.parts] == ["units", "people", "links", "weak", "appointment"]
    assert report.counts == {"units added": 8, "parent links opened": 7, "composite links opened": 2, "people added": 2,
                             "workplace links opened": 2, "links opened": 2, "weak cases added": 1, "opinions added": 1}
    assert held(runner, "LIAISES_WITH", BASE) == {("P1", "V1")} and held(runner, "SECRETARY_OF", BASE) == {("P2", "V1")}
    assert [s["kind"] for s in history(runner)] == ["appointment", "weak", "links", "people", "units"]
    assert {s["id"] for s in history(runner)} == set(report.sync_ids) and all(s["status"] == "done" for s in history(runner))
    before = graph_state(runner)
    again = load_rosters(runner, first_call(tmp_path), as_of=BASE)
    assert again.counts == {} and again.sync_ids == [] and graph_state(runner) == before


def test_dry_run_reports_exactly_what_the_real_run_applies(runner, tmp_path):
    load_rosters(runner, first_call(tmp_path), as_of=BASE)
    before = graph_state(runner)
    dry = load_rosters(runner, second_call(tmp_path), as_of=LATER, dry_run=True)
    assert graph_state(runner) == before and dry.sync_ids == [] and dry.dry_run
    expected = {"units added": 1, "parent links opened": 1, "units ended": 1, "parent links ended": 1,
                "people added": 1, "workplace links opened": 1, "links ended": 1, "links opened": 2}
    assert dry.counts == expected
    real = load_rosters(runner, second_call(tmp_path), as_of=LATER)
    assert real.counts == dry.counts
    assert [(p.kind, p.counts, p.examples) for p in real.parts] == [(p.kind, p.counts, p.examples) for p in dry.parts]
    # the liaison moved between villages on LATER; the old one is ended, not deleted
    assert held(runner, "LIAISES_WITH", LATER - dt.timedelta(days=1)) == {("P1", "V1")}
    assert held(runner, "LIAISES_WITH", LATER) == {("P1", "V4")}
    assert held(runner, "COMMISSIONER_OF", LATER) == {("P3", "V4")}
    assert real.part("links").examples["links ended"] == [f"P1 → V1 (to {LATER})"]
    assert load_rosters(runner, second_call(tmp_path), as_of=LATER).counts == {}


def test_a_links_file_alone_cannot_name_units_and_people_it_does_not_bring(runner, tmp_path):
    load_rosters(runner, first_call(tmp_path), as_of=BASE)
    l2 = second_call(tmp_path)[0]
    with pytest.raises(ValidationError) as e:
        load_rosters(runner, [l2], as_of=LATER, dry_run=True)
    assert {(p.reason.name, p.row, p.column) for p in e.value.problems} == {
        ("UNKNOWN_REF", 2, "单位编码"), ("UNKNOWN_REF", 4, "人员编码"), ("UNKNOWN_REF", 4, "单位编码")}


def test_a_unit_ended_by_the_call_cannot_be_named_as_holding_by_its_links(runner, tmp_path):
    load_rosters(runner, first_call(tmp_path), as_of=BASE)
    before = graph_state(runner)
    l2, p2, u2 = second_call(tmp_path)
    bad = csv_file(tmp_path / "l3.csv", LINKS, [["P1", "联系村", "V3", "2018-01-01"], ["P2", "书记", "V1", "2016-01-01"]])
    with pytest.raises(ValidationError) as e:
        load_rosters(runner, [bad, p2, u2], as_of=LATER)
    assert [(p.file, p.row, p.reason.name) for p in e.value.problems] == [("l3.csv", 2, "UNKNOWN_REF")]
    assert graph_state(runner) == before  # units and people files were valid, and not applied either


def test_errors_of_every_file_are_reported_together(runner, tmp_path):
    people = csv_file(tmp_path / "p.csv", PEOPLE, [["P1", "王芳", "X404"], ["P1", "王芳", "B1"]])
    units = csv_file(tmp_path / "u.csv", UNITS, [["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D9"]])
    with pytest.raises(ValidationError) as e:
        load_rosters(runner, [people, units], as_of=BASE)
    assert [(p.file, p.row, p.reason.name) for p in e.value.problems] == [
        ("u.csv", 3, "UNKNOWN_REF"), ("p.csv", 2, "UNKNOWN_REF"), ("p.csv", 3, "DUPLICATE_ROW")]
    assert history(runner) == []


def test_two_rosters_of_one_kind_in_one_call_are_refused(runner, tmp_path):
    a = district(tmp_path)
    b = csv_file(tmp_path / "u2.csv", UNITS, [["D", "黄陂区", "区"]])
    with pytest.raises(ValidationError, match="1 problem"):
        load_rosters(runner, [a, b], as_of=BASE)


def test_mass_end_guard_at_a_fifth_of_the_scope(runner, tmp_path):
    head = [["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"]]
    villages = [[f"V{i:02d}", f"村{i}", "村", "T1"] for i in range(1, 99)]  # 100 units in all
    load_rosters(runner, [csv_file(tmp_path / "u.csv", UNITS, head + villages)], as_of=BASE)
    before = graph_state(runner)
    without_21 = csv_file(tmp_path / "u21.csv", UNITS, head + villages[21:])  # 21 of 100: more than 20%
    with pytest.raises(ValidationError) as e:
        load_rosters(runner, [without_21], as_of=LATER)
    [p] = e.value.problems
    assert p.reason.name == "MASS_END" and "leaves out 21 of the 100 units" in p.message
    assert graph_state(runner) == before
    without_19 = csv_file(tmp_path / "u19.csv", UNITS, head + villages[19:])  # 19%: passes
    assert load_rosters(runner, [without_19], as_of=LATER).counts["units ended"] == 19
    without_17_more = csv_file(tmp_path / "u17.csv", UNITS, head + villages[36:])  # 17 of the 81 left: 21%
    with pytest.raises(ValidationError, match="1 problem"):
        load_rosters(runner, [without_17_more], as_of=LATER + dt.timedelta(days=1))
    report = load_rosters(runner, [without_17_more], as_of=LATER + dt.timedelta(days=1), allow_mass_end=True)
    assert report.counts["units ended"] == 17


def test_a_graph_that_never_had_the_schema_gets_it_first(runner, tmp_path):
    from redengine.graph.apply import schema_version
    from redengine.schema.model import SCHEMA_VERSION

    runner.delete_graph()
    assert schema_version(runner) is None
    load_rosters(runner, [district(tmp_path)], as_of=BASE)
    assert schema_version(runner) == SCHEMA_VERSION
