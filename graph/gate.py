"""The graph's write gate: a load holds it while it plans and writes; mutations refuse while it is held.

A load plans from one reading of the graph and then writes many statements, so another load or an
API mutation landing in between would be overwritten or contradicted. The gate lives in the graph
(properties on the `(:SchemaMeta {id: 'schema'})` node), so it works across processes, servers and on
both engines: taking it is one conditional write that first writes the node (on Neo4j: its write
lock, so two takers serialise), and every mutation statement touches the same node and checks it
(`GUARD`, redengine/services/atomic.py). A holder that dies does not keep it: the gate expires `ttl` seconds after
its last heartbeat, and a holder on this host whose process is gone is taken over at once.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redengine.errors import RedEngineError
from redengine.graph.runner import Runner
from redengine.graph.statements import read, write

TTL_ENV = "REDENGINE_LOAD_LOCK_TTL"
DEFAULT_TTL = 120.0

#: The head of every mutation statement: touch the gate node, go on only if no load holds it.
GUARD = """MERGE (gate:SchemaMeta {id: 'schema'})
SET gate._lock = true SET gate._lock = null
WITH gate
WHERE gate.load_owner IS NULL OR gate.load_until < $gate_now"""

ACQUIRE = write(
    "gate.acquire",
    """
    MERGE (g:SchemaMeta {id: 'schema'})
    SET g._lock = true SET g._lock = null
    WITH g
    WHERE g.load_owner IS NULL OR g.load_until < $now OR g.load_owner = $stale
    SET g.load_owner = $owner, g.load_until = $until, g.load_pid = $pid, g.load_host = $host, g.load_by = $by
    RETURN g.load_owner AS owner
    """,
)
RENEW = write(
    "gate.renew",
    """
    MATCH (g:SchemaMeta {id: 'schema'})
    WHERE g.load_owner = $owner
    SET g.load_until = $until
    RETURN g.load_owner AS owner
    """,
)
RELEASE = write(
    "gate.release",
    """
    MATCH (g:SchemaMeta {id: 'schema'})
    WHERE g.load_owner = $owner
    REMOVE g.load_owner, g.load_until, g.load_pid, g.load_host, g.load_by
    RETURN count(g) AS released
    """,
)
HOLDER = read(
    "gate.holder",
    """
    MATCH (g:SchemaMeta {id: 'schema'})
    WHERE g.load_owner IS NOT NULL
    RETURN g.load_owner AS owner, g.load_until AS until, g.load_pid AS pid, g.load_host AS host, g.load_by AS by
    """,
)


class LoadInProgress(RedEngineError):
    """Another load holds the graph's write gate."""


def _now() -> int:
    return int(time.time() * 1000)


def _ttl() -> float:
    try:
        return float(os.environ.get(TTL_ENV) or DEFAULT_TTL)
    except ValueError:
        return DEFAULT_TTL


def guard_params() -> dict[str, int]:
    """The parameter `GUARD` needs."""
    return {"gate_now": _now()}


def _holder(runner: Runner) -> dict[str, Any] | None:
    rows = runner.read(HOLDER)
    return rows[0] if rows else None


def _describe(h: dict[str, Any]) -> str:
    return f"by {h.get('by')}, pid {h.get('pid')} on {h.get('host')}"


def held_by(runner: Runner) -> str | None:
    """Who holds the gate now (a readable note), or None when it is free or expired."""
    h = _holder(runner)
    if h is None or (h.get("until") or 0) < _now():
        return None
    return _describe(h)


def _dead_here(h: dict[str, Any]) -> bool:
    if h.get("host") != socket.gethostname() or not isinstance(h.get("pid"), int):
        return False
    try:
        os.kill(h["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(runner: Runner, by: str) -> str:
    """Take the gate (one conditional write) and return the owner token; LoadInProgress if it is held."""
    owner = f"load:{secrets.token_hex(8)}"
    h = _holder(runner)
    stale = h["owner"] if h is not None and _dead_here(h) else None
    params = {"owner": owner, "now": _now(), "until": _now() + int(_ttl() * 1000), "pid": os.getpid(),
              "host": socket.gethostname(), "by": by, "stale": stale}
    if runner.write(ACQUIRE, params):
        return owner
    h = _holder(runner) or {}
    raise LoadInProgress(f"another load is writing to this graph ({_describe(h)}); nothing was changed. "
                         "Run this load again when it has finished")


def release(runner: Runner, owner: str) -> None:
    runner.write(RELEASE, {"owner": owner})


@contextmanager
def held(runner: Runner, by: str, skip: bool = False) -> Iterator[None]:
    """Hold the gate for the block, renewing it every quarter of its lifetime; `skip`: do nothing."""
    if skip:
        yield
        return
    owner = acquire(runner, by)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(_ttl() / 4):
            try:
                runner.write(RENEW, {"owner": owner, "until": _now() + int(_ttl() * 1000)})
            except Exception:  # the engine is gone: the load's own writes fail and say so
                return

    t = threading.Thread(target=beat, name="load-gate", daemon=True)
    t.start()
    try:
        yield
    finally:
        stop.set()
        t.join()
        release(runner, owner)
