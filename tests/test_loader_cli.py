"""`redengine load` and `redengine history` end to end on the embedded engine."""

from __future__ import annotations

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
    assert "links opened: 1" in out
    assert main(args) == 0
    assert capsys.readouterr().out.count("nothing to change") == 3
    assert main(["history", "--limit", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "links" in out[0] and "by 组织部" in out[0] and "people" in out[2] and len(out) == 4


def test_bad_roster_exits_2_with_every_problem(env, capsys):
    bad = csv_file(env / "u.csv", UNITS, [["D", "黄陂区", "区县"], ["T1", "", "街道", "D"]])
    assert main(["load", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "u.csv row 2 [类型]" in err and "u.csv row 3 [名称]" in err and "nothing was changed" in err


def test_a_later_file_failing_says_what_was_loaded(env, capsys):
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "X404"]])
    assert main(["load", str(people), str(district(env)), "--as-of", "2017-05-01"]) == 2
    err = capsys.readouterr().err
    assert "already loaded: " in err and "units.csv" in err and "stopped at" in err and "X404" in err


def test_bad_options(env, capsys):
    f = district(env)
    assert main(["load", str(f), "--as-of", "2017-13-01"]) == 2
    assert "--as-of" in capsys.readouterr().err
    assert main(["history"]) == 0
    assert "no roster has been loaded yet" in capsys.readouterr().out


def test_json_output_lists_each_report(env, capsys):
    import json

    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "B1"], ["P1", "王芳", "B1"]])
    assert main(["load", str(district(env)), "--as-of", "2017-05-01", "--json"]) == 0
    [units] = json.loads(capsys.readouterr().out)
    assert (units["kind"], units["rows"], units["as_of"], units["counts"]["units added"]) == ("units", 8, "2017-05-01", 8)
    assert units["sync_id"].startswith("sync:units:") and units["warnings"] == []
    assert main(["load", str(people), "--as-of", "2017-05-01", "--json", "--dry-run"]) == 2  # P1 twice
    assert "row 3" in capsys.readouterr().err
