"""A big data folder restarts: after a scale-10 demo its persistence is a snapshot base with a small
increment (no history to replay), and a new process opens it. Restart times are measured by
benchmarks/bench_restart.py, never asserted here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from test_demo import ROSTER_HEADERS, District

from redengine.cli import main
from redengine.config import Settings
from redengine.graph import datadir
from redengine.graph.engine import connect
from redengine.graph.statements import read

UNITS = read("test.restart.units", "MATCH (u:Unit) RETURN count(u) AS n")


@pytest.mark.slow
def test_a_scale_10_folder_is_compacted_and_opens_in_a_new_process(tmp_path, monkeypatch, capsys):
    data, rosters = tmp_path / "data", tmp_path / "rosters"
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(data))
    assert main(["demo", "--scale", "10", "--out", str(rosters)]) == 0
    capsys.readouterr()

    listed = datadir.manifest_files(data)
    [base] = [data / datadir.AOF_DIR / f for f, t in listed if t == "b"]
    incr = sum((data / datadir.AOF_DIR / f).stat().st_size for f, t in listed if t == "i")
    assert base.name.endswith(".rdb") and base.read_bytes()[:5] == b"REDIS"  # a snapshot, not commands
    assert incr < base.stat().st_size / 4, (incr, base.stat().st_size)  # never-compacted: 0 base, 17.7 MB of commands

    env = dict(os.environ, REDENGINE_DATA_DIR=str(data), REDENGINE_START_TIMEOUT="600")
    res = subprocess.run([sys.executable, "-m", "redengine.cli", "history"], env=env, capture_output=True,
                         text=True, timeout=900)
    assert res.returncode == 0, res.stderr
    assert all(f"{k}." in res.stdout for k in ROSTER_HEADERS)  # the five roster loads, read after the restart
    d = District({k: next(rosters.glob(f"{k}.*")) for k in ROSTER_HEADERS})
    with connect(Settings.from_env()) as runner:
        assert runner.read(UNITS) == [{"n": len(d.rows["units"])}]
