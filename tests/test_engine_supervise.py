"""A supervised engine: killed or orphaned servers come back by themselves, concurrent starts share one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from engine_world import add_units, unit_ids
from starlette.testclient import TestClient

from redengine.api.app import create_app
from redengine.config import Settings
from redengine.errors import EngineUnavailable
from redengine.graph.engine import connect, open_runner

pytestmark = pytest.mark.slow

HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from engine_world import add_units
    from redengine.config import Settings
    from redengine.graph.engine import connect
    with connect(Settings(data_dir=Path(sys.argv[1]))) as r:
        add_units(r, "L1", "L2")
        print("ready", flush=True)
        sys.stdin.readline()   # stays until told to exit, like a load that finishes
""")


def _server_pid(data) -> int:
    return json.loads((data / "server.json").read_text())["pid"]


def _ready_again(client, tries: int = 200) -> bool:
    """Poll /readyz as an orchestrator would; each probe may restart the engine."""
    return any(client.get("/readyz").status_code == 200 for _ in range(tries))


def test_kill_9_of_the_engine_while_the_api_serves(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        runner = client.app.state.runner
        add_units(runner, "A1", "A2")          # acknowledged writes
        add_units(runner, "A3")
        old = _server_pid(settings.data_dir)
        os.kill(old, signal.SIGKILL)
        os.waitpid(old, 0)
        assert _ready_again(client)
        assert client.get("/healthz").status_code == 200
        assert _server_pid(settings.data_dir) != old
        assert unit_ids(runner) == ["A1", "A2", "A3"]  # no acknowledged write lost


def test_serve_attached_to_a_load_survives_the_load_exiting(tmp_path):
    data = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), os.path.dirname(__file__)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with TestClient(create_app(Settings(data_dir=data))) as client:
            runner = client.app.state.runner
            assert client.get("/readyz").status_code == 200
            assert json.loads((data / "server.json").read_text())["owner"] == holder.pid  # attached, not owner
            holder.stdin.close()                # the load finishes and exits, taking its engine along
            assert holder.wait(timeout=60) == 0
            assert _ready_again(client)
            assert json.loads((data / "server.json").read_text())["owner"] == os.getpid()  # adopted the folder
            assert unit_ids(runner)[:2] == ["L1", "L2"]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_concurrent_starts_on_one_folder_all_succeed(tmp_path):
    # Races seen here: an owner exiting between a later process's start and its first connect, and
    # two processes removing each other's write probe in a new folder. Two rounds of four widen the window.
    for round_ in range(2):
        env = {**os.environ, "REDENGINE_DATA_DIR": str(tmp_path / f"data{round_}")}
        env.pop("NEO4J_URI", None)
        procs = [subprocess.Popen([sys.executable, "-m", "redengine.cli", "history"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        assert [code for code, _ in results] == [0, 0, 0, 0], results


def test_a_write_on_a_dead_engine_is_not_retried_but_the_next_one_works(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with connect(settings) as runner:
        add_units(runner, "W1")
        pid = _server_pid(settings.data_dir)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with pytest.raises(EngineUnavailable):
            add_units(runner, "W2")             # fate unknown to the caller: it must decide, not us
        add_units(runner, "W3")                 # the engine was restarted meanwhile
        assert unit_ids(runner) == ["W1", "W3"]


def test_a_read_on_a_restarted_engine_is_retried(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    with connect(settings) as runner:
        add_units(runner, "R1")
        pid = _server_pid(settings.data_dir)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        assert unit_ids(runner) == ["R1"]


def test_second_runner_waits_for_and_shares_the_first(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = open_runner(settings)
    try:
        second = open_runner(settings)
        try:
            add_units(first, "S1")
            assert unit_ids(second) == ["S1"]
            assert not second._server.owned
        finally:
            second.close()
        assert first.ping()
    finally:
        first.close()
