"""Requests' engine work runs off the event loop, in a bounded pool of worker threads, within a deadline.

The runners are synchronous, and GraphQL resolvers, DataLoaders and audit writes call them from
coroutines; run on the event loop, one heavy request (a district coverage) stalled every other
request and `/healthz` behind it. So each GraphQL execution runs *as a whole* in a worker thread,
on that thread's own event loop (DataLoader batching works there unchanged), and the server's loop
only parses HTTP and awaits the result. One hand-off per request rather than one per engine call:
a request makes several engine calls, and each hand-off back to a loop thread that another thread
keeps busy costs up to a GIL switch interval (measured: benchmarks/README.md).

The pool has `REDENGINE_API_WORKERS` threads; each uses at most one engine connection at a time
(the FalkorDB client's pool opens connections as threads need them; Neo4j's holds 100 by default),
so the pool bounds the engine work in flight. Every request runs within
`REDENGINE_API_TIMEOUT_SECONDS` (graph/deadline.py): each engine read gets the time left, and the
engine aborts a read that runs past it. Should Python-side work outlast the deadline, the client
is answered TIMEOUT anyway; the worker finishes in the background and its next read stops at once.

Except a mutation once it has begun executing: its writes are never cut short (graph/deadline.py),
so answering TIMEOUT "stopped" while its write still happens later would tell the client a lie. A
worker claims its request (`Outcome.claim`, from the `MutationsFinish` extension) before it executes
a mutation; from then on the loop waits for the worker's real answer, however long. Should the loop
give up first, the claim fails and the mutation is not executed at all. The reads inside a mutation
still have the deadline, and fail cleanly before its write.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from redengine.errors import EngineTimeout
from redengine.graph import deadline

T = TypeVar("T")

#: after the deadline, how long the loop still waits for a worker to answer (its engine read was
#: aborted at the deadline; this covers shaping what it already had into an error)
GRACE_SECONDS = 1.0


class Outcome:
    """Whether a request's worker has begun a mutation (then its caller waits for its real outcome) or
    its caller has given up on it (then it must not begin one): whichever comes first, under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed = self._abandoned = False

    def claim(self) -> bool:
        """In the worker, before a mutation executes: False when the caller already gave up."""
        with self._lock:
            self._claimed = not self._abandoned
            return self._claimed

    def abandon(self) -> bool:
        """In the caller, at its deadline: False when the worker has begun a mutation (wait for it)."""
        with self._lock:
            self._abandoned = not self._claimed
            return self._abandoned


_OUTCOME: contextvars.ContextVar[Outcome | None] = contextvars.ContextVar("redengine_outcome", default=None)


class MutationsFinish(SchemaExtension):
    """Claims the request before a mutation executes, so that it is answered with its real outcome."""

    def on_execute(self):
        outcome = _OUTCOME.get()
        if (outcome is not None and self.execution_context.operation_type == OperationType.MUTATION
                and not outcome.claim()):
            raise EngineTimeout(deadline.budget() or 0.0)  # the client was answered TIMEOUT: write nothing
        yield


class EnginePool:
    """A bounded pool of worker threads, each with its own event loop, for requests' engine work."""

    def __init__(self, workers: int, timeout: float):
        if workers < 1:
            raise ValueError(f"REDENGINE_API_WORKERS must be at least 1, not {workers}")
        self.workers = workers
        self.timeout = timeout
        self._local = threading.local()
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redengine-api")
        self._running: set[concurrent.futures.Future] = set()  # submitted work not yet finished (for close)

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
        return loop

    def deadline(self) -> float:
        """The deadline (a `time.monotonic()` value) of a request arriving now."""
        return time.monotonic() + self.timeout

    async def _submit(self, work: Callable[[], T], at: float) -> T:
        outcome = Outcome()
        context = contextvars.copy_context()  # what the caller's context holds (e.g. for logging)
        context.run(_OUTCOME.set, outcome)
        submitted = self._executor.submit(context.run, work)
        self._running.add(submitted)
        submitted.add_done_callback(self._running.discard)
        result = asyncio.wrap_future(submitted)
        try:
            return await asyncio.wait_for(asyncio.shield(result), max(0.0, at - time.monotonic()) + GRACE_SECONDS)
        except TimeoutError:
            if outcome.abandon():
                raise EngineTimeout(self.timeout) from None
        return await result  # a mutation has begun: its real outcome, not a TIMEOUT it may belie

    async def call(self, fn: Callable[..., T], *args: Any, at: float | None = None) -> T:
        """`fn(*args)` in a worker, before the deadline `at` (default: the timeout from now)."""
        at = self.deadline() if at is None else at

        def work() -> T:
            with deadline.within(self.timeout, at):
                return fn(*args)
        return await self._submit(work, at)

    async def run(self, make: Callable[[], Awaitable[T]], at: float | None = None) -> T:
        """The coroutine `make()` to completion on a worker's own event loop, before the deadline `at`."""
        at = self.deadline() if at is None else at

        def work() -> T:
            with deadline.within(self.timeout, at):
                return self._loop().run_until_complete(make())
        return await self._submit(work, at)

    def close(self) -> None:
        """Stop taking work and wait (at most the request timeout and its grace) for the running work to
        finish: the runner is closed only after this, and closing the engine under a worker that is
        writing would log a committed write as failed."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        concurrent.futures.wait(list(self._running), timeout=self.timeout + GRACE_SECONDS)
