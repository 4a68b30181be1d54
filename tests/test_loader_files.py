"""Roster files as they arrive: encodings, Excel cells, header forms, kind detection, layout errors."""

from __future__ import annotations

import datetime as dt

import pytest
from rosters import PEOPLE, UNITS, csv_file, district, graph_state, xlsx_file

from redengine.domain import statements as dated_reads
from redengine.errors import ValidationError
from redengine.loaders.sync import kind_of, load_file, read_roster

D = dt.date


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_read_the_same_chinese(tmp_path, encoding):
    f = csv_file(tmp_path / "u.csv", UNITS, [["D", "黄陂区", "区"], ["T1", "蔡家榨街道", "街道", "D"]], encoding)
    table = read_roster(f)
    assert table.headers == UNITS
    assert [cells[:4] for _, cells in table.rows] == [["D", "黄陂区", "区", None], ["T1", "蔡家榨街道", "街道", "D"]]


def test_undecodable_csv_is_a_layout_error(tmp_path):
    f = tmp_path / "u.csv"
    f.write_bytes("编码,名称,类型\n".encode() + b"\x81\x30\xff\xff,x,y\n")  # invalid in UTF-8 and GB18030
    with pytest.raises(ValidationError) as e:
        read_roster(f)
    assert "neither UTF-8 nor GB18030" in str(e.value.problems[0])


def test_xlsx_with_title_row_date_cells_and_numeric_codes(runner, tmp_path):
    xlsx_file(tmp_path / "u.xlsx", UNITS, [
        [420116, "黄陂区", "区"],
        [420116001, "前川街道", "街道", 420116, None, dt.datetime(2017, 4, 28)],
    ], title="黄陂区组织名册（2017年）")
    report = load_file(runner, tmp_path / "u.xlsx", as_of=D(2017, 5, 1))
    assert report.counts["units added"] == 2
    [part] = runner.read(dated_reads.AS_OF["PART_OF"], {"as_of": "2017-05-01"})
    # codes stored as text without ".0"; the Excel date cell is the link's start
    assert (part["src"], part["dst"], part["from"]) == ("420116001", "420116", D(2017, 4, 28))


def test_aliases_any_order_starred_headers_and_extra_columns(runner, tmp_path):
    f = csv_file(tmp_path / "u.csv", ["kind", "备注", "名称*", "ID", "parent_id"], [
        ["区", "x", "黄陂区", "D", ""], ["街道", "y", "蔡店街道", "T1", "D"]])
    report = load_file(runner, f, as_of=D(2017, 5, 1))
    assert report.kind == "units" and report.counts["units added"] == 2
    [w] = report.warnings
    assert "备注" in str(w) and "ignored" in str(w)


@pytest.mark.parametrize("header,kind", [
    (UNITS, "units"), (PEOPLE[:2], "people"), (["人员编码", "关系", "单位编码", "开始日期"], "links"),
    (["unit_id", "flagged_on", "status"], "weak"), (["人员编码", "单位编码", "类型", "日期", "结论"], "appointment"),
])
def test_kind_is_told_by_headers(tmp_path, header, kind):
    table = read_roster(csv_file(tmp_path / "x.csv", header, []))
    assert kind_of(table) == kind


def test_unknown_headers_say_the_closest_kind_and_what_is_missing(tmp_path):
    table = read_roster(csv_file(tmp_path / "x.csv", ["人员编码", "关系", "单位编码"], []))
    with pytest.raises(ValidationError) as e:
        kind_of(table)
    assert "closest is links" in str(e.value.problems[0]) and "开始日期" in str(e.value.problems[0])


def test_missing_required_column_and_duplicate_column(runner, tmp_path):
    f = csv_file(tmp_path / "u.csv", ["编码", "名称", "类型", "name"], [["D", "黄陂区", "区", "黄陂区"]])
    with pytest.raises(ValidationError) as e:
        load_file(runner, f, kind="people")  # `name` is people's 姓名, but 人员编码 (id) is missing
    assert [str(p) for p in e.value.problems] == ["u.csv: required column missing: required column 人员编码 (id) is missing"]
    with pytest.raises(ValidationError) as e:
        load_file(runner, f)  # as units: 名称 and name are the same column
    [p] = e.value.problems
    assert p.column == "name" and "appears twice" in p.message


def test_every_row_problem_is_reported_with_row_and_column_and_nothing_is_written(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=D(2017, 5, 1))
    before = graph_state(runner)
    f = csv_file(tmp_path / "bad.csv", UNITS, [
        ["D", "黄陂区", "区"],
        ["T1", "蔡店街道", "街", "D"],                  # row 3: bad kind
        ["V1", "张河村", "村", "T1", "", "2017-02-30"],  # row 4: bad date
        ["", "无名村", "村", "T1"],                     # row 5: no code
    ])
    with pytest.raises(ValidationError) as e:
        load_file(runner, f, as_of=D(2018, 1, 1))
    got = {(p.row, p.column) for p in e.value.problems}
    assert got == {(3, "类型"), (4, "生效日期"), (5, "编码")}
    assert graph_state(runner) == before


def test_empty_snapshot_is_refused_rather_than_ending_everything(runner, tmp_path):
    load_file(runner, district(tmp_path), as_of=D(2017, 5, 1))
    before = graph_state(runner)
    with pytest.raises(ValidationError, match="1 problem"):
        load_file(runner, csv_file(tmp_path / "empty.csv", UNITS, []), as_of=D(2018, 1, 1))
    assert graph_state(runner) == before


def test_unsupported_or_missing_file(tmp_path):
    (tmp_path / "u.xls").write_bytes(b"old")
    for name in ("u.xls", "nope.csv"):
        with pytest.raises(ValidationError) as e:
            read_roster(tmp_path / name)
        assert e.value.problems[0].reason.name == "UNREADABLE"


def test_id_number_stored_as_an_excel_number_is_refused(runner, tmp_path):
    from rosters import PEOPLE as HEAD

    load_file(runner, district(tmp_path), as_of=D(2017, 5, 1))
    f = xlsx_file(tmp_path / "p.xlsx", HEAD, [["P1", "王芳", "B1", None, 420116198001010011, 13800000001]])
    with pytest.raises(ValidationError) as e:
        load_file(runner, f, as_of=D(2017, 5, 1))
    [p] = e.value.problems
    assert (p.row, p.column) == (2, "身份证号") and "format the column as text" in p.message
    assert "42011619800101" not in str(p)


@pytest.mark.parametrize("encoding,name", [("gb18030", "䶮家岭村"), ("gbk", "蔡家榨村")])  # 䶮 is in GB18030, not in GBK
def test_bomless_gb18030_and_gbk_csv_load_their_chinese_names(runner, tmp_path, encoding, name):
    rows = [["D", "黄陂区", "区"], ["T1", "蔡家榨街道", "街道", "D"], ["V1", name, "村", "T1"]]
    f = csv_file(tmp_path / "u.csv", UNITS, rows, encoding)
    data = f.read_bytes()
    assert not data.startswith((b"\xef\xbb\xbf", b"\x84\x31\x95\x33"))  # no UTF-8 or GB18030 byte-order mark
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # so the loader must detect the encoding
    report = load_file(runner, f, as_of=D(2017, 5, 1))
    assert report.counts["units added"] == 3
    assert {u["id"]: u["name"] for u in runner.read(dated_reads.UNITS_AS_OF, {"as_of": D(2017, 5, 1)})} == {
        "D": "黄陂区", "T1": "蔡家榨街道", "V1": name}
