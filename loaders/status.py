"""A load's `(:Sync)` never stays `running` once its writes stopped.

A load whose write fails marks its syncs `failed` with the error before it re-raises. A load that
cannot (killed, or the engine died under it) leaves them `running`; each records the host, pid and
process start time of its loader, so a reader tells a load still running from one whose process
is gone, and shows the second as failed. The next load reports every unfinished load (and marks
the dead ones failed); a load of the same file again finishes its job (`interrupted` in history).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from redengine.graph.statements import read, write
from redengine.types import Runner

RUNNING, DONE, FAILED, INTERRUPTED = "running", "done", "failed", "interrupted"
GONE = "its loading process is gone (killed, or the machine restarted)"
#: Test hook (never set in production), like sync.KILL_HOOK: after this many write steps the loader
#: sends a statement the engine refuses (a division by zero), as a failed write would.
FAIL_HOOK = "REDENGINE_TEST_FAIL_AFTER_STEPS"

UNFINISHED = read(
    "loaders.unfinished_syncs",
    """
    MATCH (s:Sync)
    WHERE s.status IN ['running', 'failed']
    RETURN s.id AS id, s.kind AS kind, s.file AS file, s.sha256 AS sha256, s.as_of AS as_of, s.scope AS scope,
           s.status AS status, s.failure AS failure, s.host AS host, s.pid AS pid, s.proc AS proc
    ORDER BY s.stamp
    """,
)

MARK_FAILED = write(
    "loaders.mark_failed",
    """
    UNWIND $rows AS r
    MATCH (s:Sync {id: r.id})
    WHERE s.status = 'running'
    SET s.status = 'failed', s.failure = r.why, s.failed_at = localdatetime()
    RETURN count(s) AS marked
    """,
)

BOOM = write("loaders.test_fail", "UNWIND [0] AS zero RETURN 1 / zero AS boom")


def owner() -> dict[str, object]:
    """This process, as a Sync records it."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "proc": _started(os.getpid())}


def _started(pid: int) -> str | None:
    """The process's start time (clock ticks since boot): a reused pid has another one."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def _alive(pid: int, proc: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, but another user's
    return proc is None or _started(pid) in (None, proc)


def is_gone(sync: dict) -> bool:
    """A running Sync whose loader is known to be gone: same host, and no such process any more."""
    return (sync.get("status") == RUNNING and sync.get("pid") is not None
            and sync.get("host") == socket.gethostname() and not _alive(int(sync["pid"]), sync.get("proc")))


def shown(sync: dict) -> dict:
    """The Sync as a reader should see it: a running one whose process is gone is failed."""
    if is_gone(sync):
        return {**sync, "status": FAILED, "failure": GONE}
    return sync


def unfinished(runner: Runner) -> list[dict]:
    """Loads that did not finish (failed, or running with their process gone), oldest first; a load
    still running in a live process (or on another host) is left out."""
    return [shown(s) for s in runner.read(UNFINISHED) if s["status"] == FAILED or is_gone(s)]


def mark_failed(runner: Runner, ids: list[str], why: str) -> None:
    """Best effort (the engine may be what failed): a Sync left running is read as failed anyway
    once this process is gone."""
    if not ids:
        return
    try:
        runner.write(MARK_FAILED, {"rows": [{"id": i, "why": why[:300]} for i in ids]})
    except Exception:  # noqa: BLE001 - the original error is the one to report
        pass
