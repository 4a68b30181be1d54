"""Kill a load half-way, then run it again: the graph ends exactly as after an uninterrupted load.

On the embedded engine the writes of a load are convergent steps, not one transaction. The test
kills a real `redengine load` process with SIGKILL after N write steps (the loader's test hook
REDENGINE_TEST_KILL_AFTER_STEPS), re-runs the same command to completion, and compares the whole
graph (every node and link with its properties, leaving out who-wrote-it-when properties) with an
uninterrupted run on a fresh graph. The embedded server belongs to the test process, so it
survives the killed loader (which attaches to it through the data directory).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from rosters import first_call, merge_call, second_call, stable_state

from redengine.graph.apply import apply_schema
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.loaders import history
from redengine.loaders.sync import KILL_HOOK

BASE, LATER, MERGED = "2017-05-01", "2018-01-01", "2019-01-01"
DATES = (BASE, LATER, MERGED)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = EmbeddedServer(tmp_path_factory.mktemp("kill") / "data").start()
    yield server
    server.stop()


def redengine(server, graph: str, args: list[str], kill_after: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", KILL_HOOK)}
    env |= {"REDENGINE_DATA_DIR": str(server.data_dir), "REDENGINE_GRAPH": graph}
    if kill_after is not None:
        env[KILL_HOOK] = str(kill_after)
    return subprocess.run([sys.executable, "-m", "redengine.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def fresh(server, graph: str) -> FalkorRunner:
    runner = FalkorRunner(server.socket_path, graph)
    runner.delete_graph()
    apply_schema(runner)
    return runner


def load_args(files, as_of: str) -> list[str]:
    return ["load", *map(str, files), "--as-of", as_of, "--who", "test", "--quiet"]


@pytest.fixture(scope="module")
def rosters(tmp_path_factory):
    d = tmp_path_factory.mktemp("rosters")
    return first_call(d), second_call(d), merge_call(d)


@pytest.fixture(scope="module")
def reference(server, rosters):
    """The states after uninterrupted loads: the first call; the second on top of it; the merge on top of it."""
    runner = fresh(server, "reference")
    assert redengine(server, "reference", load_args(rosters[0], BASE)).returncode == 0
    first = stable_state(runner)
    assert redengine(server, "reference", load_args(rosters[1], LATER)).returncode == 0
    second = stable_state(runner)
    runner = fresh(server, "reference")
    assert redengine(server, "reference", load_args(rosters[0], BASE)).returncode == 0
    assert redengine(server, "reference", load_args(rosters[2], MERGED)).returncode == 0
    merged = stable_state(runner)
    runner.delete_graph()
    runner.close()
    assert len({repr(first), repr(second), repr(merged)}) == 3
    return first, second, merged


@pytest.mark.parametrize("call", [0, 1, 2], ids=["first load", "changes", "merge"])
@pytest.mark.parametrize("steps", [1, 3, 6, 8, 12, 17])
def test_a_killed_load_run_again_converges(server, rosters, reference, call, steps):
    graph = f"kill{call}_{steps}"
    runner = fresh(server, graph)
    if call > 0:
        assert redengine(server, graph, load_args(rosters[0], BASE)).returncode == 0
    before = stable_state(runner)
    args = load_args(rosters[call], DATES[call])
    killed = redengine(server, graph, args, kill_after=steps)
    if killed.returncode == 0:  # fewer write steps than that: nothing to interrupt
        assert steps >= 12 and stable_state(runner) == reference[call]
        return
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = stable_state(runner)
    assert partial != reference[call]  # it really stopped half-way
    if steps > 3:
        assert partial != before       # ... after writing something
    shown_before = history(runner, 50)
    assert "running" not in {s["status"] for s in shown_before}  # its process is gone: read as failed
    running = [s["id"] for s in shown_before if s["status"] == "failed"]
    assert len(running) <= 1  # the sync it was in the middle of (none if it died between two files)
    again = redengine(server, graph, args)
    assert again.returncode == 0, again.stderr
    assert stable_state(runner) == reference[call]
    syncs = {s["id"]: s["status"] for s in history(runner, 50)}
    assert [i for i, status in syncs.items() if status == "interrupted"] == running
    assert set(syncs.values()) - {"interrupted"} == {"done"}
    assert redengine(server, graph, args + ["--json"]).stdout.count('"changed": false') == 1  # nothing left to do
    shown = redengine(server, graph, ["history", "--limit", "50"]).stdout
    assert ("[interrupted: finished by a later load of the same file" in shown) == bool(running)
    runner.delete_graph()
    runner.close()

