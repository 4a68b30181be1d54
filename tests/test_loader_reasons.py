"""Every reason code on a deliberately broken roster: reported with file, row and column, and nothing written.

Each case loads the broken file together with a valid people roster that adds P3: a load is all
or nothing, so P3 must not appear either. The graph is compared in full (every node and link
with its properties) and by counts before and after.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import LINKS, PEOPLE, UNITS, csv_file, district, graph_state, xlsx_file

from redengine.errors import ValidationError
from redengine.graph.statements import read
from redengine.loaders import load_rosters

BASE, LATER = dt.date(2017, 5, 1), dt.date(2018, 2, 1)
DISTRICT = [  # spreadsheet rows 2..9
    ["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"], ["C1", "张河片区域综合党委", "区域综合党委", "T1"],
    ["V1", "张河村", "村", "T1", "C1"], ["V2", "李湾村", "村", "T1", "C1"], ["T2", "六指街道", "街道", "D"],
    ["V3", "甘棠铺村", "村", "T2"], ["B1", "区委组织部", "机关", "D"],
]
LINK_P1_V1 = ["P1", "联系村", "V1", "2017-05-01"]
COUNTS = read("test.loaders.counts", "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels")


def units_with(**changes) -> list[list[str]]:
    """The district's rows with some replaced (by unit code; None drops the row)."""
    rows = [changes.get(r[0], r) for r in DISTRICT]
    return [r for r in rows if r is not None]


def raw(name: str, data: bytes):
    return lambda d: (d / name).write_bytes(data) and d / name


def roster(name: str, header: list[str], rows: list[list[str]]):
    return lambda d: csv_file(d / name, header, rows)


def workbook(name: str, header: list[str], rows: list[list[str]]):
    return lambda d: xlsx_file(d / name, header, rows)


#: case → (files, load options, expected problems as (reason, file, row, column), with the valid people roster?)
CASES = {
    "unreadable": ([raw("u.xls", b"old excel")], {}, {("UNREADABLE", "u.xls", None, None)}, True),
    "encoding": ([raw("u.csv", "编码,名称,类型\n".encode() + b"\x81\x30\xff\xff,x,y\n")], {},
                 {("ENCODING", "u.csv", None, None)}, True),
    "no header": ([roster("x.csv", ["a", "b"], [["1", "2"]])], {}, {("NO_HEADER", "x.csv", None, None)}, True),
    "unknown kind": ([roster("x.csv", ["人员编码", "关系", "单位编码"], [["P1", "联系村", "V1"]])], {},
                     {("UNKNOWN_KIND", "x.csv", None, None)}, True),
    "missing column": ([roster("x.csv", ["人员编码", "关系", "单位编码"], [["P1", "联系村", "V1"]])], {"kind": "links"},
                       {("MISSING_COLUMN", "x.csv", None, None)}, False),
    "duplicate column": ([roster("u.csv", UNITS[:3] + ["name"], [r[:3] + [r[1]] for r in DISTRICT])], {},
                         {("DUPLICATE_COLUMN", "u.csv", None, "name")}, True),
    "required value": ([roster("u.csv", UNITS, units_with(T1=["T1", "", "街道", "D"]))], {},
                       {("REQUIRED", "u.csv", 3, "名称")}, True),
    "bad value": ([roster("u.csv", UNITS, units_with(D=["D", "黄陂区", "区县"]))], {}, {("BAD_VALUE", "u.csv", 2, "类型")}, True),
    "bad date": ([roster("u.csv", UNITS, units_with(V1=["V1", "张河村", "村", "T1", "C1", "2017-02-30"]))], {},
                 {("BAD_DATE", "u.csv", 5, "生效日期")}, True),
    "ambiguous date": ([roster("u.csv", UNITS, units_with(V1=["V1", "张河村", "村", "T1", "C1", "03/04/2017"]))], {},
                       {("BAD_DATE", "u.csv", 5, "生效日期")}, True),
    # FalkorDB compares dates over 2^31 s apart wrongly: 1969 and 2038 are outside the range stored
    "date out of range": ([roster("l.csv", LINKS, [["P1", "联系村", "V1", "2017-05-01", "2038-01-01"],
                                                    ["P1", "联系村", "V2", "1969-12-31"]])], {},
                          {("DATE_OUT_OF_RANGE", "l.csv", 2, "结束日期"), ("DATE_OUT_OF_RANGE", "l.csv", 3, "开始日期")}, True),
    "to before from": ([roster("l.csv", LINKS, [["P1", "联系村", "V1", "2017-05-01", "2017-04-01"]])], {},
                       {("BAD_ORDER", "l.csv", 2, "结束日期")}, True),
    "duplicate id": ([roster("u.csv", UNITS, DISTRICT + [["V1", "张河村", "村", "T1", "C1"]])], {},
                     {("DUPLICATE_ROW", "u.csv", 10, "编码")}, True),
    "unknown parent": ([roster("u.csv", UNITS, units_with(V3=["V3", "甘棠铺村", "村", "T9"]))], {},
                       {("UNKNOWN_REF", "u.csv", 8, "上级编码")}, True),
    "unknown unit and person": ([roster("l.csv", LINKS, [["P1", "联系村", "V404", "2017-05-01"],
                                                          ["X9", "联系村", "V1", "2017-05-01"], LINK_P1_V1])], {},
                                {("UNKNOWN_REF", "l.csv", 2, "单位编码"), ("UNKNOWN_REF", "l.csv", 3, "人员编码")}, True),
    "village under a village": ([roster("u.csv", UNITS, units_with(V2=["V2", "李湾村", "村", "V1"]))], {},
                                {("WRONG_KIND", "u.csv", 6, "上级编码")}, True),
    "commissioner of a township": ([roster("l.csv", LINKS, [["P2", "党建专员", "T1", "2017-05-01"], LINK_P1_V1])], {},
                                   {("WRONG_KIND", "l.csv", 2, "单位编码")}, True),
    "own parent": ([roster("u.csv", UNITS, units_with(V1=["V1", "张河村", "村", "V1", "C1"]))], {},
                   {("CYCLE", "u.csv", 5, "上级编码")}, True),
    "cycle": ([roster("u.csv", UNITS, units_with(T1=["T1", "蔡店街道", "街道", "T2"], T2=["T2", "六指街道", "街道", "T1"]))], {},
              {("CYCLE", "u.csv", 3, "上级编码"), ("WRONG_KIND", "u.csv", 3, "上级编码"), ("WRONG_KIND", "u.csv", 7, "上级编码")},
              True),
    "outside the scope": ([roster("u.csv", UNITS, [DISTRICT[2], DISTRICT[3], DISTRICT[4], DISTRICT[6]])], {"scope": "T1"},
                          {("OUT_OF_SCOPE", "u.csv", 5, "编码")}, False),
    "liaison overlapping an open one": ([roster("l.csv", LINKS, [["P1", "联系村", "V1", "2018-01-01"]])], {},
                                        {("CONFLICT", "l.csv", 2, "开始日期")}, True),
    "NUL in a name": ([roster("u.csv", UNITS, units_with(V1=["V1", "张河\x00村", "村", "T1", "C1"]))], {},
                      {("CONTROL_CHAR", "u.csv", 5, "名称")}, True),
    "NUL in an id, as the engine would see it": ([roster("l.csv", LINKS, [["P1\x00", "联系村", "V1", "2018-01-01"]])], {},
                                                 {("CONTROL_CHAR", "l.csv", 2, "人员编码")}, True),
    "escape character in a date": ([roster("l.csv", LINKS, [["P2", "联系村", "V2", "2018-01-01\x1b"]])], {},
                                   {("CONTROL_CHAR", "l.csv", 2, "开始日期")}, True),
    "line break inside an id": ([roster("u.csv", UNITS, units_with(V3=["V3", "甘棠铺村", "村", "T\n2"]))], {},
                                {("CONTROL_CHAR", "u.csv", 8, "上级编码")}, True),
    "zero-width space in an id": ([roster("u.csv", UNITS, units_with(V3=["V3", "甘棠铺村", "村", "T\u200b2"]))], {},
                                  {("INVISIBLE_CHAR", "u.csv", 8, "上级编码")}, True),
    "BOM inside a cell": ([roster("l.csv", LINKS, [["P2", "联系村", "\ufeffV2", "2018-01-01"]])], {},
                          {("INVISIBLE_CHAR", "l.csv", 2, "单位编码")}, True),
    "bidi override in a name": ([roster("u.csv", UNITS, units_with(V2=["V2", "李\u202e湾村", "村", "T1", "C1"]))], {},
                                {("INVISIBLE_CHAR", "u.csv", 6, "名称")}, True),
    "zero-width joiner in a workbook id": ([workbook("u.xlsx", UNITS, units_with(V2=["V\u200d2", "李湾村", "村", "T1", "C1"]))],
                                           {}, {("INVISIBLE_CHAR", "u.xlsx", 6, "编码")}, True),
    "BOM in a workbook name": ([workbook("u.xlsx", UNITS, units_with(T2=["T2", "六指\ufeff街道", "街道", "D"]))], {},
                               {("INVISIBLE_CHAR", "u.xlsx", 7, "名称")}, True),
    "mass end": ([roster("u.csv", UNITS, [DISTRICT[0], DISTRICT[7]])], {}, {("MASS_END", "u.csv", None, None)}, True),
}


@pytest.fixture
def world(runner, tmp_path):
    base = tmp_path / "base"
    base.mkdir()
    load_rosters(runner, [district(base), csv_file(base / "p.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "B1"]]),
                          csv_file(base / "l.csv", LINKS, [LINK_P1_V1])], as_of=BASE)
    return runner


@pytest.mark.parametrize("case", list(CASES))
def test_every_reason_code_is_reported_and_nothing_is_written(world, tmp_path, case):
    makers, options, expected, with_people = CASES[case]
    files = [make(tmp_path) for make in makers]
    if with_people:  # valid on its own: it must not be applied either
        files.append(csv_file(tmp_path / "p.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "B1"], ["P3", "新人", "B1"]]))
    before, counts = graph_state(world), world.read(COUNTS)
    with pytest.raises(ValidationError) as e:
        load_rosters(world, files, as_of=LATER, **options)
    assert {(p.reason.name, p.file, p.row, p.column) for p in e.value.problems} == expected
    assert all(not p.warning for p in e.value.problems)
    assert world.read(COUNTS) == counts
    assert graph_state(world) == before


def test_the_cases_cover_every_error_reason():
    from redengine.errors import COMMAND_ONLY
    from redengine.loaders.problems import Reason

    warnings_only = {Reason.EXTRA_COLUMN, Reason.CONVENTION}
    covered = {reason for _, _, expected, _ in CASES.values() for reason, *_ in expected}
    assert covered == {r.name for r in Reason} - {r.name for r in warnings_only | COMMAND_ONLY}


@pytest.mark.parametrize("day", [dt.date(1969, 12, 31), dt.date(2038, 1, 1)])
def test_a_snapshot_date_out_of_range_is_refused_and_nothing_is_written(world, tmp_path, day):
    """The snapshot date is written as the end of whatever the roster no longer lists."""
    before, counts = graph_state(world), world.read(COUNTS)
    with pytest.raises(ValidationError) as e:
        load_rosters(world, [roster("u.csv", UNITS, [DISTRICT[0]])(tmp_path)], as_of=day, allow_mass_end=True)
    [problem] = e.value.problems
    assert problem.reason.name == "DATE_OUT_OF_RANGE" and "--as-of" in problem.message
    assert world.read(COUNTS) == counts and graph_state(world) == before
