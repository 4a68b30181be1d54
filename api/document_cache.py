"""Parsed and validated documents, kept for the queries clients repeat, in a cache bounded in bytes.

Validation dominates a small query's cost (measured: ~60% of an appointmentCheck), so a document
is parsed and validated once. Strawberry's ParserCache and ValidationCache bound only the number of
entries and keep the query text as the key: 60 distinct 5 MB queries kept ~10 MB each. Here the key
is the sha256 of the text (32 bytes), each entry is charged an upper bound of what its document
holds, and the cache (cachetools' LRU) drops the least recently used entries to stay under its byte
budget. A document charged more than a sixteenth of the budget is not kept at all.

The charge: graphql-core's document keeps its source text and every token (`loc`), measured with
pympler's `asizeof` at up to 384 bytes per character of query (`@b@b@b…`), ~61 for GraphiQL's
introspection query, ~6 KB for `{ __typename }`; so an entry is charged 8 KiB + 512 bytes a character.
"""

from __future__ import annotations

import builtins
import hashlib
import threading
from collections.abc import Iterator
from typing import Any

from cachetools import LRUCache
from graphql import parse
from strawberry.extensions import SchemaExtension

FIXED_BYTES = 8 * 1024
BYTES_PER_CHAR = 512


def charge(query: str) -> int:
    """The bytes an entry for `query` is counted as (an upper bound of its document's size)."""
    return FIXED_BYTES + BYTES_PER_CHAR * len(query)


class DocumentCache:
    """sha256(query) → (document, validation errors), at most `max_bytes` of charged entries."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 16
        self._lru: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[0])
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """The charged bytes the cache holds now (its own accounting)."""
        return int(self._lru.currsize)

    def __len__(self) -> int:
        return len(self._lru)

    @staticmethod
    def key(query: str) -> builtins.bytes:  # `bytes` here is the property below
        return hashlib.sha256(query.encode("utf-8", "surrogatepass")).digest()

    def get(self, key: builtins.bytes) -> tuple[Any, tuple] | None:
        with self._lock:
            entry = self._lru.get(key)
        return None if entry is None else entry[1:]

    def put(self, key: builtins.bytes, query: str, document: Any, errors: list) -> None:
        size = charge(query)
        if size > self.max_entry:
            return
        with self._lock:
            self._lru[key] = (size, document, tuple(errors))


class CachedDocuments(SchemaExtension):
    """Parses and validates through a DocumentCache: a repeated query is neither parsed nor validated again."""

    def __init__(self, cache: DocumentCache):
        super().__init__()
        self.cache = cache
        self.key: bytes | None = None
        self.hit: tuple[Any, tuple] | None = None

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.query:
            self.key = self.cache.key(ctx.query)
            self.hit = self.cache.get(self.key)
            ctx.graphql_document = self.hit[0] if self.hit else parse(ctx.query, **ctx.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if self.hit is not None:
            ctx.pre_execution_errors = list(self.hit[1])  # not None: strawberry skips its own validation
        yield
        if self.hit is None and self.key is not None and ctx.pre_execution_errors is not None:
            self.cache.put(self.key, ctx.query or "", ctx.graphql_document, ctx.pre_execution_errors)
