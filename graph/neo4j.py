"""The production engine: Neo4j 5 through the official driver.

Reads are routed as reads (a `neo4j://` cluster URI spreads them over readers); writes run in
managed transactions, which the driver retries, so every write statement is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from redengine.config import Neo4jSettings
from redengine.errors import ConfigError, EngineError, EngineReadOnly, EngineTimeout, EngineUnavailable, UniquenessError
from redengine.graph import deadline, queries
from redengine.graph.statements import Statement, schema
from redengine.graph.values import plain, to_params

SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
#: Neo4j refusing writes: a read-only database or follower, memory exhausted
_READ_ONLY_CODES = frozenset({
    "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase", "Neo.ClientError.Cluster.NotALeader",
    "Neo.TransientError.General.OutOfMemoryError", "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
})
#: a transaction ended by its timeout (TransactionTimedOut, …TimedOutClientConfiguration)
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
_ALREADY = re.compile(r"already exists with label `(\w+)` and property `\w+` = '([^']*)'")


def constraint_statement(label: str, prop: str) -> Statement:
    return schema(
        f"neo4j.constraint.{label}.{prop}",
        f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE",
        {"neo4j"},
    )


def index_statement(label: str, prop: str) -> Statement:
    return schema(
        f"neo4j.index.{label}.{prop}",
        f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})",
        {"neo4j"},
    )


class Neo4jRunner:
    engine = "neo4j"

    transactional_batches = True  # write_batch is one managed transaction

    def __init__(self, settings: Neo4jSettings):
        import neo4j
        from neo4j import exceptions as nx

        scheme = settings.uri.split("://", 1)[0] if "://" in settings.uri else ""
        if scheme not in SCHEMES:
            raise ConfigError(f"NEO4J_URI {settings.uri!r} must start with one of {', '.join(s + '://' for s in SCHEMES)}")
        self.settings = settings
        self._neo4j = neo4j
        self.round_trips = 0
        try:
            self._driver = neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password))
            self._driver.verify_connectivity()
        except nx.AuthError as e:
            raise EngineUnavailable(f"Neo4j at {settings.uri}: authentication failed for user {settings.user!r} (check NEO4J_USER / NEO4J_PASSWORD)") from e
        except (nx.ServiceUnavailable, nx.SessionExpired, OSError, ValueError, nx.ConfigurationError) as e:
            raise EngineUnavailable(f"Neo4j at {settings.uri} is unreachable: {_first_line(e)}") from e
        except nx.Neo4jError as e:
            raise EngineUnavailable(f"Neo4j at {settings.uri}: {_first_line(e)}") from e

    def read(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self._check(statement)
        left = deadline.read_timeout()  # the server ends the transaction past it (and frees its resources)
        query = statement.cypher if left is None else self._neo4j.Query(statement.cypher, timeout=left)
        return self._call(statement, lambda: self._driver.execute_query(  # type: ignore[no-any-return]
            query, to_params(dict(params or {})), database_=self.settings.database,
            routing_=self._neo4j.RoutingControl.READ,
            result_transformer_=lambda r: [plain(rec.data()) for rec in r],
        ))

    def write(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.write_batch([(statement, params or {})])[0]

    def write_batch(self, steps: Sequence[tuple[Statement, Mapping[str, Any]]]) -> list[list[dict[str, Any]]]:
        for st, _ in steps:
            self._check(st)
        prepared = [(st, to_params(dict(p or {}))) for st, p in steps]

        def work(tx: Any) -> list[list[dict[str, Any]]]:
            return [[plain(rec.data()) for rec in tx.run(st.cypher, p)] for st, p in prepared]

        def call() -> list[list[dict[str, Any]]]:
            # Share execute_query's bookmark manager, so a read routed to a cluster reader after this
            # write sees it (read-your-writes across the two APIs).
            with self._driver.session(database=self.settings.database,
                                      bookmark_manager=self._driver.execute_query_bookmark_manager) as session:
                return session.execute_write(work)

        return cast("list[list[dict[str, Any]]]", self._call(prepared[0][0] if prepared else None, call))

    def _check(self, statement: Statement) -> None:
        if not isinstance(statement, Statement):
            raise TypeError("runners take named Statements only (see redengine.graph.statements)")
        if "neo4j" not in statement.engines:
            raise EngineError(f"statement {statement.name} is not for Neo4j", statement.name)

    def _call(self, statement: Statement | None, fn: Callable[[], Any]) -> Any:
        from neo4j import exceptions as nx

        self.round_trips += 1
        name = statement.name if statement else "(empty batch)"
        try:
            return fn()
        except nx.ConstraintError as e:
            m = _ALREADY.search(str(e.message or e))
            label, ids = (m.group(1), [m.group(2)]) if m else ("node", [])
            raise UniquenessError(label, ids, name) from e
        except (nx.ServiceUnavailable, nx.SessionExpired) as e:
            raise EngineUnavailable(f"Neo4j at {self.settings.uri} is unreachable: {_first_line(e)}") from e
        except nx.Neo4jError as e:
            if (e.code or "").startswith(_TIMED_OUT):
                raise EngineTimeout(deadline.budget() or 0, name) from e
            if e.code in _READ_ONLY_CODES or "No space left on device" in str(e):
                raise EngineReadOnly(f"Neo4j refuses writes ({name}): {_first_line(e)}", name) from e
            raise EngineError(f"Neo4j rejected {name}: {_first_line(e)}", name) from e

    def apply_schema(self, constraints: Iterable[tuple[str, str]], indexes: Iterable[tuple[str, str]],
                     rel_types: Iterable[str] = ()) -> None:  # Neo4j plans need no priming
        constraints = list(constraints)
        steps: list[tuple[Statement, dict[str, Any]]] = [(constraint_statement(lbl, p), {}) for lbl, p in constraints]
        steps += [(index_statement(lbl, p), {}) for lbl, p in indexes if (lbl, p) not in constraints]
        for st, p in steps:  # schema statements cannot share a transaction with each other's data
            self.write(st, p)

    def delete_graph(self) -> None:
        self.write(queries.WIPE)

    def compact(self) -> None:
        """Nothing to do: Neo4j manages its own transaction logs and checkpoints."""

    def ping(self) -> bool:
        try:
            return bool(self.read(queries.PING))
        except Exception:
            return False

    def close(self) -> None:
        self._driver.close()


def _first_line(e: BaseException) -> str:
    """The driver's message folded onto one line (some span several lines)."""
    text = " ".join(str(getattr(e, "message", None) or e).split())
    return text or type(e).__name__
