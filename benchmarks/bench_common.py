"""What the benchmarks share: timing, percentiles, and the app served on a local port."""

from __future__ import annotations

import statistics
import threading
import time

import httpx
import uvicorn

from redengine.api.app import create_app
from redengine.api.cli import UVICORN_HTTP, UVICORN_LOOP
from redengine.services import tokens


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))]


def ms(xs: list[float]) -> tuple[float, float]:
    """Median and p99 in milliseconds."""
    return statistics.median(xs) * 1000, pct(xs, 99) * 1000


def timed(fn, n: int) -> list[float]:
    """Seconds taken by each of fn(0) … fn(n-1)."""
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t)
    return out


class Served:
    """The app on a local port (uvicorn in a thread) and a keep-alive client with an admin token."""

    def __init__(self, runner):
        self.runner = runner
        self.server = uvicorn.Server(uvicorn.Config(create_app(runner=runner), host="127.0.0.1", port=0,
                                                    loop=UVICORN_LOOP, http=UVICORN_HTTP,
                                                    log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        token = tokens.create(self.runner, "admin", name="bench").token
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"})
        return self

    def gql(self, query: str, **variables) -> dict:
        """The data of a query or mutation; any error (or a payload with ok: false) stops the benchmark."""
        r = self.client.post("/graphql", json={"query": query, "variables": variables})
        body = r.json()
        data = body.get("data") or {}
        payload = next(iter(data.values()), None)
        if r.status_code != 200 or body.get("errors") or (isinstance(payload, dict) and not payload.get("ok", True)):
            raise SystemExit(f"API error: {r.status_code} {body}")
        return data

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=30)
