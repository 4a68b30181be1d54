"""`compact()` while the engine is already rewriting its persistence: the writes made after that rewrite
began must end up in the snapshot base, not left behind in the increment."""

from __future__ import annotations

import time

from redengine.graph import datadir
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import write

FILL = write("test.compact.fill", "UNWIND range(1, $n) AS i CREATE (:Filler {i: i, pad: $pad}) RETURN count(*) AS n")
LATE = write("test.compact.late", "UNWIND range(1, $n) AS i CREATE (:Late {i: i, pad: $pad}) RETURN count(*) AS n")


def _increment_bytes(data_dir) -> int:
    aof = data_dir / datadir.AOF_DIR
    return sum(p.stat().st_size for p in aof.iterdir() if ".incr." in p.name)


def _rewriting(runner: FalkorRunner) -> bool:
    info = runner.connection.info("persistence")
    return bool(info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"])


def test_compact_waits_for_a_running_rewrite_and_then_rewrites_again(tmp_path):
    data = tmp_path / "data"
    server = EmbeddedServer(data).start()
    runner = FalkorRunner(server.socket_path, "g", server=server)
    try:
        runner.write(FILL, {"n": 150_000, "pad": "x" * 40})
        runner.connection.bgrewriteaof()      # a rewrite of the big graph starts (as the engine's own would)
        runner.write(LATE, {"n": 20_000, "pad": "y" * 40})   # written while it runs: goes to the increment
        assert _rewriting(runner) and _increment_bytes(data) > 0  # the race this test is about did happen
        runner.compact()
        deadline = time.monotonic() + 60
        while _rewriting(runner) and time.monotonic() < deadline:
            time.sleep(0.05)
        # The late write is in the base now: the increment holds only what came after the second
        # rewrite began, which is nothing (without waiting, the late command stays in the increment).
        assert _increment_bytes(data) == 0
    finally:
        runner.close()
