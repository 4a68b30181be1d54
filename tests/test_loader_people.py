"""People rosters: workplaces move from the as-of date, personal data stays apart and unechoed."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import LINKS, PEOPLE, csv_file, district, graph_state

from redengine.domain import statements as dated_reads
from redengine.errors import ValidationError
from redengine.graph.statements import read, write
from redengine.loaders import load_file

D = dt.date
BASE = D(2017, 5, 1)
PERSONAL = read("test.loaders.personal", "MATCH (p:Person)-[:HAS_PERSONAL_DATA]->(d:PersonalData) "
                "RETURN p.id AS id, d.id_number AS id_number, d.phone AS phone")
PEOPLE_NODES = read("test.loaders.people", "MATCH (p:Person) RETURN p.id AS id, p.name AS name, p.to AS to")


def works(runner, day):
    return {(r["src"], r["dst"], r["title"]) for r in runner.read(dated_reads.AS_OF["WORKS_AT"], {"as_of": day})}


@pytest.fixture
def world(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=BASE)
    f = csv_file(tmp_path / "p.csv", PEOPLE, [
        ["P1", "王芳", "B1", "副部长", "42011619800101001X", "13800000001"],
        ["P2", "李明", "T1", "党委书记"],
        ["P3", "张强", "T2"],
    ])
    load_file(runner, f, as_of=BASE)
    return runner


def test_people_and_workplaces_added_and_a_reload_changes_nothing(world, tmp_path):
    assert works(world, BASE) == {("P1", "B1", "副部长"), ("P2", "T1", "党委书记"), ("P3", "T2", None)}
    assert world.read(PERSONAL) == [{"id": "P1", "id_number": "42011619800101001X", "phone": "13800000001"}]
    before = graph_state(world)
    assert load_file(world, tmp_path / "p.csv", as_of=D(2018, 1, 1)).counts == {}  # sensitive cells included
    assert graph_state(world) == before
    f = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "副部长", "", "13900000002"], ["P2", "李明", "T1", "党委书记"],
                                             ["P3", "张强", "T2"]])
    assert load_file(world, f, as_of=D(2018, 1, 1)).counts == {"personal data set": 1}
    assert world.read(PERSONAL) == [{"id": "P1", "id_number": "42011619800101001X", "phone": "13900000002"}]


def test_move_and_title_change_are_dated_and_empty_cells_keep_personal_data(world, tmp_path):
    later = D(2018, 3, 1)
    f = csv_file(tmp_path / "p2.csv", PEOPLE, [
        ["P1", "王芳", "T1", "副部长"],      # moved; sensitive cells left empty
        ["P2", "李明", "T1", "党工委书记"],  # new title
        ["P3", "张强", "T2", "", "", "027-85551234"],
    ])
    report = load_file(world, f, as_of=later)
    assert report.counts == {"personal data set": 1, "workplace links ended": 2, "workplace links opened": 2}
    [part] = report.parts
    assert part.moves == ["P1 王芳: B1 → T1"]  # P2 only changed title: no move
    assert part.summary() == {"added": 2, "changed": 1, "ended": 2, "moved": 1}
    assert works(world, later - dt.timedelta(days=1)) == {("P1", "B1", "副部长"), ("P2", "T1", "党委书记"), ("P3", "T2", None)}
    assert works(world, later) == {("P1", "T1", "副部长"), ("P2", "T1", "党工委书记"), ("P3", "T2", None)}
    got = {r["id"]: (r["id_number"], r["phone"]) for r in world.read(PERSONAL)}
    assert got == {"P1": ("42011619800101001X", "13800000001"), "P3": (None, "027-85551234")}


def test_same_day_title_fix_corrects_in_place(world, tmp_path):
    f = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "部长"], ["P2", "李明", "T1", "党委书记"], ["P3", "张强", "T2"]])
    report = load_file(world, f, as_of=BASE)
    assert report.counts == {"job titles corrected": 1}
    assert ("P1", "B1", "部长") in works(world, BASE)
    assert load_file(world, f, as_of=BASE).counts == {}


def test_missing_person_is_ended_and_warned_about_held_links(world, tmp_path):
    load_file(world, csv_file(tmp_path / "l.csv", LINKS, [["P3", "联系村", "V3", "2017-05-01"]]), as_of=BASE)
    later = D(2019, 1, 1)
    report = load_file(world, csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "副部长"], ["P2", "李明", "T1", "党委书记"]]),
                       as_of=later)
    assert report.counts == {"workplace links ended": 1, "people ended": 1}
    assert [w.message for w in report.warnings] == [
        "person P3 leaves the roster but still holds 1 link(s) (liaison, secretary, ...); end them with a links roster"]
    nodes = {r["id"]: r["to"] for r in world.read(PEOPLE_NODES)}
    assert nodes == {"P1": None, "P2": None, "P3": later}


def test_scoped_roster_ends_only_the_workplace_in_scope(world, tmp_path):
    later = D(2019, 1, 1)
    report = load_file(world, csv_file(tmp_path / "t1.csv", PEOPLE, [["P4", "赵敏", "V1"]]), as_of=later, scope="T1")
    assert report.counts == {"people added": 1, "workplace links opened": 1, "workplace links ended": 1}
    assert works(world, later) == {("P1", "B1", "副部长"), ("P3", "T2", None), ("P4", "V1", None)}
    assert {r["id"]: r["to"] for r in world.read(PEOPLE_NODES)}["P2"] is None  # not ended: may work elsewhere


def test_bad_sensitive_values_are_reported_without_echoing_them(world, tmp_path):
    before = graph_state(world)
    f = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "", "4201161980", "12345"], ["P5", "孙丽", "X9"]])
    with pytest.raises(ValidationError) as e:
        load_file(world, f, as_of=BASE)
    text = "\n".join(map(str, e.value.problems))
    assert [(p.row, p.column) for p in e.value.problems] == [(2, "身份证号"), (2, "手机"), (3, "工作单位编码")]
    assert "4201161980" not in text and "12345" not in text
    assert graph_state(world) == before


def test_unknown_workplace_is_an_error(world, tmp_path):
    with pytest.raises(ValidationError) as e:
        load_file(world, csv_file(tmp_path / "p2.csv", PEOPLE, [["P5", "孙丽", "X9"]]), as_of=BASE)
    [p] = e.value.problems
    assert (p.row, p.column, p.reason.name) == (2, "工作单位编码", "UNKNOWN_REF")


def test_a_person_listed_again_is_reopened(world, tmp_path):
    two = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "副部长"], ["P2", "李明", "T1", "党委书记"]])
    load_file(world, two, as_of=D(2018, 1, 1))
    report = load_file(world, tmp_path / "p.csv", as_of=D(2018, 6, 1))
    assert report.counts == {"people reopened": 1, "workplace links opened": 1}
    assert {r["id"]: r["to"] for r in world.read(PEOPLE_NODES)}["P3"] is None
    assert ("P3", "T2", None) in works(world, D(2018, 6, 1)) and ("P3", "T2", None) not in works(world, D(2018, 3, 1))


def test_same_day_move_and_back_restores_the_workplace_and_title(world, tmp_path):
    moved = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "T1", "挂职"], ["P2", "李明", "T1", "党委书记"], ["P3", "张强", "T2"]])
    load_file(world, moved, as_of=BASE)
    back = csv_file(tmp_path / "p3.csv", PEOPLE, [["P1", "王芳", "B1", "部长"], ["P2", "李明", "T1", "党委书记"], ["P3", "张强", "T2"]])
    report = load_file(world, back, as_of=BASE)
    assert report.counts == {"workplace links ended": 1, "workplace links opened": 1}
    assert works(world, BASE) == {("P1", "B1", "部长"), ("P2", "T1", "党委书记"), ("P3", "T2", None)}
    assert load_file(world, back, as_of=BASE).counts == {}


PUT_UNDATED_PERSON = write("test.loaders.put_undated_person", "CREATE (p:Person {id: $id, name: $name}) RETURN p.id AS id")


def test_a_person_with_no_start_is_not_in_the_roster_domain(world, tmp_path):
    """By the domain's "holds on D" (a missing `from` is not in force), a stored person without a start
    is nobody the roster covers: leaving them out of the roster neither counts nor ends them."""
    world.write(PUT_UNDATED_PERSON, {"id": "P9", "name": "无日期"})
    f = csv_file(tmp_path / "p2.csv", PEOPLE, [["P1", "王芳", "B1", "副部长"], ["P2", "李明", "T1", "党委书记"],
                                             ["P3", "张强", "T2"]])
    report = load_file(world, f, as_of=D(2018, 1, 1))
    assert "people ended" not in report.counts
    assert [r["to"] for r in world.read(PEOPLE_NODES) if r["id"] == "P9"] == [None]
