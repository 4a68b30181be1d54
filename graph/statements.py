"""Named Cypher statements.

Every statement the code can send is a `Statement` made by `read()` or `write()` at import time,
so a test can find them all (`registry()`) and lint each with Neo4j's own parser. The runners
accept nothing else: a bare string never reaches an engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["read", "write", "schema"]

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_REGISTRY: dict[str, Statement] = {}


@dataclass(frozen=True)
class Statement:
    name: str
    cypher: str
    mode: Mode
    engines: frozenset[str] = field(default=frozenset({"neo4j", "falkordb"}))

    @property
    def params(self) -> frozenset[str]:
        return frozenset(_PARAM.findall(self.cypher))

    def __str__(self) -> str:  # for error messages
        return self.name


def _register(name: str, cypher: str, mode: Mode, engines: frozenset[str] | None) -> Statement:
    st = Statement(name, cypher.strip(), mode, engines or frozenset({"neo4j", "falkordb"}))
    old = _REGISTRY.get(name)
    if old is not None and old != st:
        raise RuntimeError(f"two different Cypher statements are named {name!r}")
    _REGISTRY[name] = st
    return st


def read(name: str, cypher: str) -> Statement:
    """A statement that only reads; routed to readers on a Neo4j cluster."""
    return _register(name, cypher, "read", None)


def write(name: str, cypher: str) -> Statement:
    """A statement that writes; run in a managed (retried) transaction on Neo4j."""
    return _register(name, cypher, "write", None)


def schema(name: str, cypher: str, engines: set[str]) -> Statement:
    """A schema statement (index, constraint) for the named engines only."""
    return _register(name, cypher, "schema", frozenset(engines))


def registry() -> dict[str, Statement]:
    return dict(_REGISTRY)
