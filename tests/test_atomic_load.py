"""Loads are exclusive against each other and against mutations: the graph's write gate.

Semantics on each engine (a held gate refuses a second load and every mutation, changing nothing; it
expires; a dead holder on this host is taken over), then real processes: `redengine load` against a
held gate, two loads and a burst of mutations racing on one data folder."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from atomic_world import OPINION, START, attached, burst, check_invariants, ok_entries, prepare
from rosters import first_call, second_call
from test_api_app import serving
from test_api_mutations import build_world, snapshot

from redengine.api.context import Principal, RoleName
from redengine.graph import gate
from redengine.loaders import history
from redengine.schema import model
from redengine.schema.model import Role
from redengine.services import codes
from redengine.services import commands as cmd

ADMIN = Principal("t1", "组织部", RoleName.ADMIN)


def _start(runner, person="P2", unit="V2", on=dt.date(2018, 3, 1)) -> cmd.Outcome:
    return cmd.execute(runner, ADMIN, lambda: cmd.plan_start_link(runner, ADMIN, Role.LIAISON, person, unit, on))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_held_gate_refuses_a_second_load_and_every_mutation_changing_nothing(runner):
    build_world(runner)
    owner = gate.acquire(runner, "first load")
    before = snapshot(runner)
    with pytest.raises(gate.LoadInProgress, match="another load is writing to this graph .*by first load"):
        gate.acquire(runner, "second load")
    out = _start(runner)
    assert [e.code for e in out.errors] == [codes.ErrorCode.LOAD_IN_PROGRESS] and out.result is None
    assert "first load" in out.errors[0].message
    opinion = cmd.execute(runner, ADMIN, lambda: cmd.plan_record_opinion(
        runner, ADMIN, "P1", "V1", dt.date(2018, 1, 5), model.Conclusion.FOR, None))
    assert [e.code for e in opinion.errors] == [codes.ErrorCode.LOAD_IN_PROGRESS]
    assert snapshot(runner) == before
    refused = [k for k in ok_entries(runner)]
    assert refused == []  # audited as refused, never as done
    gate.release(runner, owner)
    assert gate.held_by(runner) is None
    assert _start(runner).errors == []


def test_an_expired_gate_is_taken_and_only_its_owner_releases_it(runner, monkeypatch):
    monkeypatch.setenv(gate.TTL_ENV, "0.05")
    first = gate.acquire(runner, "crashed load")
    time.sleep(0.2)  # past the expiry; not a timing assertion
    second = gate.acquire(runner, "next load")
    gate.release(runner, first)  # the first, come back late, cannot release the second's gate
    monkeypatch.setenv(gate.TTL_ENV, "60")
    assert "next load" in (gate.held_by(runner) or "") or gate.held_by(runner) is None
    [holder] = runner.read(gate.HOLDER)
    assert holder["owner"] == second
    gate.release(runner, second)
    assert runner.read(gate.HOLDER) == []


def test_a_dead_holder_on_this_host_is_taken_over_at_once(runner):
    far = int(time.time() * 1000) + 3_600_000
    runner.write(gate.ACQUIRE, {"owner": "load:dead", "now": 0, "until": far, "pid": _dead_pid(),
                                "host": socket.gethostname(), "by": "killed load", "stale": None})
    assert "killed load" in gate.held_by(runner)
    owner = gate.acquire(runner, "next load")
    assert runner.read(gate.HOLDER)[0]["owner"] == owner
    gate.release(runner, owner)


def _load(data, files, as_of: str, kill_after: int | None = None) -> subprocess.CompletedProcess:
    from redengine.loaders.sync import KILL_HOOK

    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", KILL_HOOK)}
    env["REDENGINE_DATA_DIR"] = str(data)
    if kill_after is not None:
        env[KILL_HOOK] = str(kill_after)
    return subprocess.run([sys.executable, "-m", "redengine.cli", "load", *map(str, files), "--as-of", as_of,
                           "--who", "test", "--quiet"], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_loads_and_mutations_racing_on_one_folder(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("REDENGINE_DATA_DIR", str(data))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    token = prepare(data, world=False)
    assert _load(data, first_call(tmp_path), "2017-05-01").returncode == 0
    files = second_call(tmp_path)
    with serving() as (_, url):
        # a load (here: the test) holds the gate: another load and the API's mutations are refused
        with attached(data) as runner:
            owner = gate.acquire(runner, "held by the test")
            before = snapshot(runner)
            refused = _load(data, files, "2018-01-01")
            assert refused.returncode == 1 and "another load is writing to this graph" in refused.stderr
            assert "held by the test" in refused.stderr and "Traceback" not in refused.stderr
            answers = burst([url], token, [(START, {"in": {"role": "LIAISON", "personId": "P2", "unitId": "V2",
                                                           "from": "2018-01-01"}})] * 3)
            assert [a["errors"][0]["code"] for a in answers] == ["LOAD_IN_PROGRESS"] * 3
            assert snapshot(runner) == before
            gate.release(runner, owner)
        # a load killed half-way does not keep the gate: its pid is gone
        killed = _load(data, files, "2018-01-01", kill_after=2)
        assert killed.returncode == -9, killed.stderr
        # two loads and mutations at once: each load finishes or is refused whole, mutations likewise
        with ThreadPoolExecutor(2) as pool:
            loads = [pool.submit(_load, data, files, "2018-01-01") for _ in range(2)]
            answers = burst([url], token, [(OPINION, {"in": {"personId": "P1", "unitId": "V1",
                                                             "date": f"2018-02-{d:02d}", "conclusion": "FOR"}})
                                           for d in range(1, 21)])
            results = [f.result() for f in loads]
        assert all(r.returncode == 0 or (r.returncode == 1 and "another load is writing" in r.stderr)
                   for r in results), [r.stderr for r in results]
        assert any(r.returncode == 0 for r in results)
        codes = {a["errors"][0]["code"] if a["errors"] else "ok" for a in answers}
        assert codes <= {"ok", "LOAD_IN_PROGRESS"}, answers
    with attached(data) as runner:
        check_invariants(runner)
        assert gate.held_by(runner) is None and runner.read(gate.HOLDER) == []
        assert {s["status"] for s in history(runner, 50)} <= {"done", "interrupted"}
        ok = ok_entries(runner)
        for d, a in zip(range(1, 21), answers, strict=False):
            assert ok["opinion.record", f"opinion:P1:V1:2018-02-{d:02d}"] == (1 if a["ok"] else 0)
