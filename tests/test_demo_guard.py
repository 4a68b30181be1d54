"""The demo never touches real data: it loads into an empty graph or an earlier demo only, and `--fresh`
drops only an earlier demo, after asking (or with --yes), never a graph with other data."""

from __future__ import annotations

import hashlib
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from atomic_world import attached
from rosters import graph_state
from test_demo import ROSTER_HEADERS, District

from redengine.cli import main
from redengine.demo import generate_rosters, load_demo
from redengine.graph.statements import read, write

MARKER = read("test.demo_guard.marker", "MATCH (m:SchemaMeta {id: 'demo'}) RETURN m.rosters AS rosters")
BOOKKEEPING = read("test.demo_guard.bookkeeping",
                   "MATCH (n) WHERE n:ApiToken OR n:AuditEntry RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label")
UNITS = read("test.demo_guard.units", "MATCH (u:Unit) RETURN count(u) AS n")
FOREIGN_SYNC = write("test.demo_guard.foreign_sync",
                     "CREATE (s:Sync {id: 'sync:x', sha256: 'c', file: 'x.csv'}) RETURN s.id AS id")
FOREIGN_UNIT = write("test.demo_guard.foreign_unit", "CREATE (u:Unit {id: 'U1', name: '张河村'}) RETURN u.id AS id")


def _hashes(folder: Path) -> list[str]:
    return sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir())


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(folder))
    return folder


def _state(folder: Path):
    with attached(folder) as runner:
        return graph_state(runner), runner.read(BOOKKEEPING), runner.read(MARKER)


def _real_folder(tmp_path: Path, capsys) -> None:
    """A folder holding a hand-made roster loaded by `redengine load`, a token and its audit entry."""
    from rosters import first_call

    rosters = tmp_path / "real"
    rosters.mkdir()
    assert main(["load", "--as-of", "2017-06-01", "-q", *map(str, first_call(rosters))]) == 0
    assert main(["token", "create", "--role", "admin", "--name", "组织部"]) == 0
    capsys.readouterr()


def test_demo_on_an_empty_graph_loads_and_marks_it_as_the_demo(runner, tmp_path):
    load_demo(runner, scale=0.1, out_dir=tmp_path)
    [marker] = runner.read(MARKER)
    assert sorted(marker["rosters"]) == _hashes(tmp_path)  # the five files it loaded, hashed here
    d = District({k: next(tmp_path.glob(f"{k}.*")) for k in ROSTER_HEADERS})
    assert runner.read(UNITS) == [{"n": len(d.rows["units"])}]


def test_demo_again_on_an_earlier_demo_works(data, tmp_path, capsys):
    assert main(["demo", "--scale", "0.1"]) == 0
    assert main(["token", "create", "--role", "admin"]) == 0  # a demo played with: its own token and audit
    capsys.readouterr()
    before = _state(data)
    assert before[2], "the demo left no marker"
    assert main(["demo", "--scale", "0.1"]) == 0
    assert "already loaded (nothing changed)" in capsys.readouterr().out
    assert _state(data)[1] == before[1]  # the demo's token and audit entry are still there


@pytest.mark.parametrize("argv", [["demo", "--scale", "0.1"], ["demo", "--scale", "0.1", "--fresh"],
                                  ["demo", "--scale", "0.1", "--fresh", "--yes"], ["serve", "--demo", "--port", "0"]],
                         ids=["demo", "fresh", "fresh-yes", "serve-demo"])
def test_demo_refuses_a_graph_with_real_rosters_and_changes_nothing(data, tmp_path, capsys, argv):
    _real_folder(tmp_path, capsys)
    before = _state(data)
    assert [r["label"] for r in before[1]] == ["ApiToken", "AuditEntry"]
    if argv[0] == "serve":  # in a process of its own: if it served, it would not return
        res = subprocess.run([sys.executable, "-m", "redengine.cli", *argv], capture_output=True, text=True,
                             timeout=120, env=dict(os.environ))
        code, err = res.returncode, res.stderr
    else:
        code, err = main(argv), capsys.readouterr().err
    assert code == 2, err
    assert "not the demo's" in err and f"{data}" in err and "REDENGINE_DATA_DIR=" in err
    assert "Nothing was changed" in err and "Traceback" not in err
    if "--fresh" in argv:
        assert "never a graph with other data, its tokens or its audit log" in err
    assert _state(data) == before  # tokens and audit entries included


def test_demo_refuses_a_demo_graph_that_a_real_load_was_mixed_into(data, tmp_path, capsys):
    from rosters import UNITS as UNIT_HEADERS
    from rosters import csv_file

    assert main(["demo", "--scale", "0.1"]) == 0
    mixed = csv_file(tmp_path / "ours.csv", UNIT_HEADERS, [["Q1", "我们区", "区"]])
    assert main(["load", "--allow-mass-end", "-q", str(mixed)]) == 0
    capsys.readouterr()
    before = _state(data)
    for argv in (["demo", "--scale", "0.1"], ["demo", "--scale", "0.1", "--fresh", "--yes"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "ours.csv" in err and "not the demo's" in err
    assert _state(data) == before


def test_a_token_alone_is_not_an_empty_graph(data, capsys):
    assert main(["token", "create", "--role", "admin"]) == 0
    capsys.readouterr()
    before = _state(data)
    assert main(["demo", "--scale", "0.1"]) == 2
    assert "1 API tokens" in capsys.readouterr().err
    assert _state(data) == before


def test_fresh_without_a_terminal_needs_yes(data, capsys):
    assert main(["demo", "--scale", "0.1"]) == 0
    capsys.readouterr()
    before = _state(data)
    assert main(["demo", "--scale", "0.1", "--fresh"]) == 2  # pytest's stdin is not a terminal
    err = capsys.readouterr().err
    assert "add --yes" in err and "Nothing was changed" in err
    assert _state(data) == before


def test_fresh_with_yes_drops_an_earlier_demo_and_loads_again(data, tmp_path, capsys):
    assert main(["demo", "--scale", "0.1"]) == 0
    assert main(["token", "create", "--role", "admin"]) == 0
    capsys.readouterr()
    assert main(["demo", "--scale", "0.1", "--seed", "5", "--fresh", "--yes", "--out", str(tmp_path / "s5")]) == 0
    d = District(generate_rosters(tmp_path / "expected", seed=5, scale=0.1))
    _, bookkeeping, [marker] = _state(data)
    assert bookkeeping == []  # the demo's own token went with it
    assert sorted(marker["rosters"]) == _hashes(tmp_path / "s5")
    with attached(data) as runner:
        assert runner.read(UNITS) == [{"n": len(d.rows["units"])}]


def _on_a_terminal(data: Path, answer: bytes) -> tuple[int, str]:
    """`redengine demo --fresh` with a pseudo-terminal as stdin, answering its question with `answer`."""
    master, slave = pty.openpty()
    env = dict(os.environ, REDENGINE_DATA_DIR=str(data), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "redengine.cli", "demo", "--scale", "0.1", "--fresh"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    os.close(slave)
    os.write(master, answer + b"\n")
    out = proc.communicate(timeout=120)[0].decode()
    os.close(master)
    return proc.returncode, out


@pytest.mark.slow
def test_fresh_on_a_terminal_asks_first(data, capsys):
    assert main(["demo", "--scale", "0.1"]) == 0
    assert main(["token", "create", "--role", "admin"]) == 0
    capsys.readouterr()
    before = _state(data)
    code, out = _on_a_terminal(data, b"n")
    assert code == 1 and "Drop the whole graph" in out and "1 API tokens" in out
    assert _state(data) == before
    code, out = _on_a_terminal(data, b"y")
    assert code == 0 and "loaded (" in out
    assert _state(data)[1] == []  # dropped with the demo: its token and audit entries


def test_the_claim_marks_only_an_empty_graph_or_a_demo(runner):
    from redengine.demo import guard as demo_guard

    assert demo_guard.claim(runner, ["a" * 64]) is True  # the fixture's graph: the schema only
    assert demo_guard.claim(runner, ["b" * 64]) is True  # an earlier demo
    assert sorted(runner.read(MARKER)[0]["rosters"]) == ["a" * 64, "b" * 64]
    runner.write(FOREIGN_SYNC)
    before = graph_state(runner)
    assert demo_guard.claim(runner, ["d" * 64]) is False  # a load that is not the demo's
    assert graph_state(runner) == before


def test_the_claim_refuses_data_without_a_marker(runner):
    from redengine.demo import guard as demo_guard

    runner.write(FOREIGN_UNIT)
    before = graph_state(runner)
    assert demo_guard.claim(runner, ["a" * 64]) is False
    assert graph_state(runner) == before


class _LoadSlipsIn:
    """The real engine; another load writes its Sync record just before the demo claims the graph."""

    def __init__(self, runner):
        self._runner = runner

    def __getattr__(self, name):
        return getattr(self._runner, name)

    def write(self, stmt, params=None):
        if stmt.name == "demo.claim":
            self._runner.write(FOREIGN_SYNC)
        return self._runner.write(stmt, params)


def test_a_load_between_the_check_and_the_claim_keeps_the_demo_out(runner):
    from redengine.demo.guard import NotADemoGraph

    with pytest.raises(NotADemoGraph, match="1 Sync"):
        load_demo(_LoadSlipsIn(runner), scale=0.1)
    assert runner.read(MARKER) == [] and runner.read(UNITS) == [{"n": 0}]
