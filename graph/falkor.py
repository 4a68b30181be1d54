"""The FalkorDB runner: named statements over the native protocol, on the embedded server
(graph/embedded.py) or any FalkorDB. On the embedded one it reconnects when the server was
restarted: a read is retried once; a write whose fate is unknown is not.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from redengine.errors import EngineError, EngineReadOnly, EngineTimeout, EngineUnavailable, UniquenessError
from redengine.graph import datadir, deadline, queries
from redengine.graph.embedded import LOCK_FILE, LOG_FILE, STATE_FILE, EmbeddedServer  # noqa: F401  (re-exported)
from redengine.graph.statements import Statement, schema
from redengine.graph.values import plain, to_params

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


def _gone_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError, ConnectionError)


_GONE = _gone_errors()
#: how long `compact` waits for a rewrite already running before it asks for its own
COMPACT_WAIT = 60.0
#: redis refusing writes: a failed save (MISCONF), memory (OOM), a replica (READONLY), a full disk
_REFUSES_WRITES = re.compile(r"^(MISCONF|OOM|READONLY)\b|No space left on device|maxmemory", re.M)
_UNIQUE = re.compile(r"unique constraint violation.*?type (\w+)", re.I | re.S)
#: FalkorDB's answer when a read ran past its `timeout`: the server aborted it
_TIMED_OUT = "Query timed out"


class FalkorRunner:
    """Runs named statements on one FalkorDB graph over the native protocol."""

    engine = "falkordb"

    transactional_batches = False  # write_batch runs its steps one by one (every batch is convergent)

    def __init__(self, socket_path: str | None = None, graph: str = "redengine", *, host: str | None = None,
                 port: int | None = None, server: EmbeddedServer | None = None):
        self._server = server
        self._where = {"unix_socket_path": socket_path} if socket_path else {"host": host, "port": port}
        self.graph_name = graph
        self._reconnect_guard = threading.Lock()
        self._marked = False
        try:
            self._connect()
        except _GONE as e:  # the server we attached to went with its owner between start and connect
            if not self._recover():
                raise EngineUnavailable(f"the embedded FalkorDB server is unreachable: {e}") from e
        self.round_trips = 0

    def _connect(self) -> None:
        import falkordb
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # redis-py retries a command after a connection error by default; for a write whose fate
        # is unknown that would be a silent second write, so retries are ours to decide.
        self._db = falkordb.FalkorDB(**self._where, retry=Retry(NoBackoff(), 0))
        self._graph = self._db.select_graph(self.graph_name)

    def _recover(self) -> bool:
        """After a connection error: get the embedded server back (restarted or adopted) and reconnect."""
        if self._server is None:
            return False
        with self._reconnect_guard:
            try:
                sock = self._server.ensure()
            except EngineUnavailable:
                return False
            with contextlib.suppress(Exception):
                self._db.connection.close()
            self._where = {"unix_socket_path": sock}
            self._connect()
            return True

    @property
    def data_dir(self) -> Path | None:
        """The embedded server's data folder (None for a FalkorDB this runner did not start or attach to)."""
        return self._server.data_dir if self._server is not None else None

    @property
    def connection(self) -> Any:
        """The underlying redis connection, for engine-level commands (memory, constraints)."""
        return self._db.connection

    def read(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run(statement, params, read_only=statement.mode != "write")

    def write(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = self._run(statement, params, read_only=False)
        if self._server is not None and not self._marked:  # from now on an empty start means lost data
            datadir.mark(self._server.data_dir)
            self._marked = True
        return rows

    def write_batch(self, steps: Sequence[tuple[Statement, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        # FalkorDB runs each statement atomically but has no multi-statement transactions; callers
        # make batches convergent (idempotent MERGE/SET), so a re-run after a crash finishes the job.
        return [self.write(st, p) for st, p in steps]

    def _run(self, statement: Statement, params: Mapping[str, Any] | None, read_only: bool) -> list[dict[str, Any]]:
        if not isinstance(statement, Statement):
            raise TypeError("runners take named Statements only (see redengine.graph.statements)")
        if "falkordb" not in statement.engines:
            raise EngineError(f"statement {statement.name} is not for FalkorDB", statement.name)
        p = to_params(dict(params or {}))
        left = deadline.read_timeout() if read_only else None
        # FalkorDB aborts a read past its timeout on the server (it ignores one on writes)
        timeout = None if left is None else max(1, int(left * 1000))
        self.round_trips += 1
        try:
            try:
                res = self._graph.ro_query(statement.cypher, p, timeout) if read_only else self._graph.query(statement.cypher, p)
            except _GONE:
                if not self._recover() or not read_only:
                    raise  # a write's fate is unknown: never sent twice behind the caller's back
                res = self._graph.ro_query(statement.cypher, p, timeout)
        except Exception as e:  # the client raises redis.ResponseError and ConnectionError
            if read_only and "empty key" in str(e):
                return []  # the graph has never been written to: nothing to read yet
            if read_only and timeout is not None and _TIMED_OUT in str(e):
                raise EngineTimeout(deadline.budget() or left or 0, statement.name) from e
            raise self._wrap(e, statement, p) from e
        names = [h[1] for h in res.header]
        return [{n: plain(v) for n, v in zip(names, row, strict=False)} for row in res.result_set]

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
        constraints, indexes, rel_types = list(constraints), list(indexes), list(rel_types)
        try:
            self._apply_schema(constraints, indexes, rel_types)
        except EngineUnavailable:
            # Every step checks what exists before it writes, so after the server came back (its
            # owner exited mid-way and this process adopted the folder) a second pass is safe.
            if not self._recover():
                raise
            self._apply_schema(constraints, indexes, rel_types)

    def _apply_schema(self, constraints: list[tuple[str, str]], indexes: list[tuple[str, str]],
                      rel_types: list[str]) -> None:
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
        created = False
        for label, prop in constraints:
            if (label, (prop,)) not in have:
                created = True
                try:
                    self.connection.execute_command("GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop)
                except Exception as e:
                    raise EngineError(f"could not create the unique constraint on {label}.{prop}: {e}") from e
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # constraints start PENDING while existing data is checked
            states = {(r["label"], tuple(r["properties"])): r["status"] for r in self.read(LIST_CONSTRAINTS)}
            pending = [k for k in constraints if states.get((k[0], (k[1],))) != "OPERATIONAL"]
            if not pending:
                if created:  # a replayed constraint command is logged again by FalkorDB (CRITICAL "already exists")
                    self.compact()
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
        if self._server is not None:
            with contextlib.suppress(Exception):
                if self.connection.dbsize() == 0:
                    datadir.unmark(self._server.data_dir)

    def compact(self) -> None:
        """Rewrite persistence as a snapshot (in the background), so the next start loads it instead
        of replaying every command; called after a load. If a rewrite is already running (the engine
        starts one by itself when the file has doubled), it began before the last writes, which would
        stay behind in the increment: wait for it (up to COMPACT_WAIT seconds), then ask again."""
        import redis

        deadline = time.monotonic() + COMPACT_WAIT
        while True:
            try:
                self.connection.bgrewriteaof()
                break
            except redis.ResponseError as e:
                if "already in progress" not in str(e) or time.monotonic() > deadline:
                    return  # the next start or growth compacts it
                time.sleep(0.1)
            except _GONE as e:
                raise EngineUnavailable(f"the embedded FalkorDB server is unreachable: {e}") from e
        if self._server is not None:
            with contextlib.suppress(Exception):
                if self.connection.dbsize() > 0:
                    datadir.mark(self._server.data_dir)

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
