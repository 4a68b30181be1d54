"""The engine port: what every runner (FalkorDB, Neo4j) offers the layers above, in one small file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeAlias

from redengine.graph.statements import Statement

Row: TypeAlias = dict[str, Any]
Params: TypeAlias = Mapping[str, Any]


class Runner(Protocol):
    """Runs named statements on one engine and returns plain Python rows."""

    engine: str
    #: True when `write_batch` is one transaction (Neo4j); False when it runs step by step (FalkorDB),
    #: so a caller may write a long batch in parts and show progress between them
    transactional_batches: bool

    def read(self, statement: Statement, params: Params | None = None) -> list[Row]: ...

    def write(self, statement: Statement, params: Params | None = None) -> list[Row]: ...

    def write_batch(self, steps: Sequence[tuple[Statement, Params]]) -> list[list[Row]]:
        """Run several writes as one unit: one transaction where the engine has them."""
        ...

    def apply_schema(self, constraints: Iterable[tuple[str, str]], indexes: Iterable[tuple[str, str]],
                     rel_types: Iterable[str] = ()) -> None:
        """Make sure each (label, property) unique constraint and index exists, and each relationship type is usable."""
        ...

    def compact(self) -> None:
        """Compact persistence after a large write (embedded engine: snapshot the log; Neo4j: nothing)."""
        ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...

    def delete_graph(self) -> None:
        """Drop every node and link of this graph (tests, `demo --fresh`)."""
        ...
