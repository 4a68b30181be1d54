"""`redengine load` and `redengine history` end to end on the embedded engine."""

from __future__ import annotations

import json

import pytest
from rosters import LINKS, PEOPLE, UNITS, csv_file, district

from redengine.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return tmp_path


def test_load_several_files_in_dependency_order_then_history(env, capsys):
    links = csv_file(env / "l.csv", LINKS, [["P1", "联系村", "V1", "2017-05-01"]])
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "B1"]])
    args = ["load", str(links), str(people), str(district(env)), "--as-of", "2017-05-01", "--who", "组织部"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.index("units.csv") < out.index("p.csv") < out.index("l.csv")
    assert "links opened" in out and "P1 → V1" in out and "P1 王芳" in out  # counts with their first rows
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.count("nothing to change") == 4  # each file, and the load
    assert main(["history", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "links" in out[0] and "by 组织部" in out[0] and "people" in out[2] and len(out) == 4


def test_bad_roster_exits_2_with_every_problem(env, capsys):
    bad = csv_file(env / "u.csv", UNITS, [["D", "黄陂区", "区县"], ["T1", "", "街道", "D"]])
    assert main(["load", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "u.csv row 2 [类型]" in err and "u.csv row 3 [名称]" in err and "nothing was changed" in err


def test_an_error_in_any_file_applies_none_and_lists_every_file_s_problems(env, capsys):
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "X404"]])
    links = csv_file(env / "l.csv", LINKS, [["P1", "联系村", "V404", "2017-05-01"]])
    assert main(["load", str(people), str(links), str(district(env)), "--as-of", "2017-05-01"]) == 2
    err = capsys.readouterr().err
    assert "p.csv row 2 [工作单位编码]" in err and "X404" in err and "l.csv row 2 [单位编码]" in err and "V404" in err
    assert main(["history"]) == 0
    assert "no roster has been loaded yet" in capsys.readouterr().out  # the valid units file was not applied


def test_bad_options(env, capsys):
    f = district(env)
    assert main(["load", str(f), "--as-of", "2017-13-01"]) == 2
    assert "--as-of" in capsys.readouterr().err
    assert main(["load", str(f), "--mass-end-share", "1.5"]) == 2
    assert "--mass-end-share" in capsys.readouterr().err
    assert main(["history"]) == 0
    assert "no roster has been loaded yet" in capsys.readouterr().out


def test_json_output_is_one_object_for_the_call(env, capsys):
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "T1"]])
    assert main(["load", str(district(env)), str(people), "--as-of", "2017-05-01", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["as_of"], got["dry_run"], got["changed"], got["warnings"]) == ("2017-05-01", False, True, [])
    units, ppl = got["parts"]
    assert (units["kind"], units["rows"], units["counts"]["units added"]) == ("units", 8, 8)
    assert units["summary"] == {"added": 8 + 7 + 2, "changed": 0, "ended": 0, "moved": 0}
    assert ppl["examples"]["people added"] == ["P1 王芳", "P2 李明"]
    assert [p["sync_id"].split(":")[1] for p in got["parts"]] == ["units", "people"] == [i.split(":")[1] for i in got["sync_ids"]]
    dup = csv_file(env / "p2.csv", PEOPLE, [["P1", "王芳", "B1"], ["P1", "王芳", "B1"]])
    assert main(["load", str(dup), "--as-of", "2017-05-01", "--json", "--dry-run"]) == 2  # P1 twice
    assert "row 3" in capsys.readouterr().err


def test_dry_run_prints_the_change_set_and_writes_nothing(env, capsys):
    assert main(["load", str(district(env)), "--as-of", "2017-05-01", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing written" in out and "units added" in out and "recorded as" not in out
    assert main(["history"]) == 0
    assert "no roster has been loaded yet" in capsys.readouterr().out


def test_quiet_prints_nothing_but_errors(env, capsys):
    assert main(["load", str(district(env)), "--as-of", "2017-05-01", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")
    bad = csv_file(env / "u.csv", UNITS, [["D", "黄陂区", "区县"]])
    assert main(["load", str(bad), "-q"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "u.csv row 2 [类型]" in err


def test_mass_end_share_is_an_option(env, capsys):
    head = [["D", "黄陂区", "区"], ["T1", "蔡店街道", "街道", "D"]]
    villages = [[f"V{i:02d}", f"村{i}", "村", "T1"] for i in range(1, 19)]  # 20 units
    assert main(["load", str(csv_file(env / "u.csv", UNITS, head + villages)), "--as-of", "2017-05-01", "-q"]) == 0
    fewer = csv_file(env / "u2.csv", UNITS, head + villages[:12])  # leaves out 6 of 20: 30%
    assert main(["load", str(fewer), "--as-of", "2018-01-01", "-q"]) == 2
    assert "6 of the 20 units" in capsys.readouterr().err
    assert main(["load", str(fewer), "--as-of", "2018-01-01", "-q", "--mass-end-share", "0.3"]) == 0
