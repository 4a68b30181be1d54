"""A load whose write fails, or whose process dies, is shown failed, and the next load says so.

The failure is real: the loader's test hook sends a statement the engine refuses (a division by
zero) half-way through the writes, or the loader is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from rosters import LINKS, PEOPLE, csv_file, district

from redengine.cli import main
from redengine.loaders.status import FAIL_HOOK
from redengine.loaders.sync import KILL_HOOK


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return tmp_path


def test_a_failed_write_is_shown_failed_and_the_next_load_says_so(env, capsys, monkeypatch):
    units = district(env)
    assert main(["load", str(units), "--as-of", "2017-05-01", "--quiet"]) == 0
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "B1"]])
    monkeypatch.setenv(FAIL_HOOK, "1")
    assert main(["load", str(people), "--as-of", "2017-05-01", "--quiet"]) == 1
    monkeypatch.delenv(FAIL_HOOK)
    capsys.readouterr()
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "running" not in out and "[failed: EngineError" in out and "p.csv" in out
    links = csv_file(env / "l.csv", LINKS, [["P1", "联系村", "V1", "2017-05-01"]])
    assert main(["load", str(people), str(links), "--as-of", "2017-05-01", "--quiet"]) == 0
    assert "warning: an earlier load of p.csv did not finish" not in capsys.readouterr().err  # this load finished it
    other = csv_file(env / "p2.csv", PEOPLE, [["P1", "王芳", "B1"], ["P2", "李明", "B1"]])
    monkeypatch.setenv(FAIL_HOOK, "1")
    assert main(["load", str(other), "--as-of", "2017-05-01", "--quiet"]) == 1
    monkeypatch.delenv(FAIL_HOOK)
    capsys.readouterr()
    assert main(["load", str(links), "--as-of", "2018-01-01", "--quiet"]) == 0  # another file: says so
    assert "warning: an earlier load of p2.csv did not finish" in capsys.readouterr().err
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "[interrupted: finished by a later load of the same file" in out and "[failed: EngineError" in out


def test_a_killed_load_is_shown_failed_when_read(env):
    units = district(env)
    cmd = [sys.executable, "-m", "redengine.cli"]
    base = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", KILL_HOOK, FAIL_HOOK)}
    assert subprocess.run(cmd + ["load", str(units), "--as-of", "2017-05-01", "-q"], env=base, timeout=120).returncode == 0
    people = csv_file(env / "p.csv", PEOPLE, [["P1", "王芳", "B1"]])
    killed = subprocess.run(cmd + ["load", str(people), "--as-of", "2017-05-01", "-q"], env=base | {KILL_HOOK: "1"},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    shown = subprocess.run(cmd + ["history"], env=base, capture_output=True, text=True, timeout=120)
    assert "[failed: its loading process is gone" in shown.stdout and "running" not in shown.stdout
    nxt = subprocess.run(cmd + ["load", str(units), "--as-of", "2017-05-01", "-q"], env=base,
                         capture_output=True, text=True, timeout=120)
    assert "warning: an earlier load of p.csv did not finish" in nxt.stderr and "process is gone" in nxt.stderr
