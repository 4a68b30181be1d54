"""`redengine export` end to end on the embedded engine: a file others can open, or one clear error line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_analysis_export import world

from redengine.analysis.files import load_graph
from redengine.config import Settings
from redengine.graph.apply import apply_schema
from redengine.graph.engine import connect
from redengine.services import audit


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "data"
    with connect(Settings(data_dir=path)) as runner:
        apply_schema(runner)
        world(runner)
    return path


def run(args, data_dir, cwd):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "REDENGINE_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "redengine.cli", "export", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=cwd)


def test_export_graphml_as_of(data_dir, tmp_path):
    out = tmp_path / "huangpi.graphml"
    res = run(["--out", str(out), "--as-of", "2018-01-01"], data_dir, tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {out} (graphml): 13 nodes, 16 edges"
    g = load_graph(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (13, 16)
    assert "王芳" not in out.read_text(encoding="utf-8")


def test_export_scope_without_people_as_json(data_dir, tmp_path):
    out = tmp_path / "t1.data"
    res = run(["--format", "json", "--out", str(out), "--scope", "T1", "--no-people"], data_dir, tmp_path)
    assert res.returncode == 0, res.stderr
    assert sorted(load_graph(out, "json").nodes) == ["C1", "E1", "T1", "V1", "V2"]


def test_bad_date_is_one_line_and_writes_nothing(data_dir, tmp_path):
    out = tmp_path / "x.gexf"
    res = run(["--out", str(out), "--as-of", "2018-02-30"], data_dir, tmp_path)
    assert res.returncode != 0 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: Invalid value for '--as-of': not a date: '2018-02-30' (day is out of range for month)"]
    assert not out.exists()


def test_unknown_format_suffix_is_refused(data_dir, tmp_path):
    res = run(["--out", str(tmp_path / "x.csv")], data_dir, tmp_path)
    assert res.returncode != 0 and "--format" in res.stderr and "Traceback" not in res.stderr


def test_personal_export_is_local_only_on_request_and_audited(data_dir, tmp_path):
    out = tmp_path / "people.json"
    res = run(["--out", str(out), "--no-pseudonymise", "--as-of", "2018-01-01"], data_dir, tmp_path)
    assert res.returncode == 0, res.stderr
    g = load_graph(out)
    assert g.nodes["P1"]["name"] == "王芳" and g.nodes["P1"]["phone"] == "13912345678"
    with connect(Settings(data_dir=data_dir)) as runner:
        assert [e["action"] for e in audit.recent(runner)] == ["export.personal"]
