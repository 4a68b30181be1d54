"""What GraphiQL's files cost to serve: gzip against no compression over HTTP, and gzip's levels.

    python benchmarks/bench_static.py [--runs 7]

Serves the app with uvicorn on a local port (a fresh embedded engine; the files touch no graph),
reads the /static links of the GraphiQL page, and in interleaved rounds fetches each file with
`Accept-Encoding: identity` and with `gzip` (one keep-alive connection): median ms and bytes on the
wire, and gzip/identity. Then compresses GraphiQL's build in-process at levels 6 and 9 (what the
server would do per request), interleaved: median ms, bytes, and 9/6.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench_common import Served

from redengine.api.static_files import DIRECTORY
from redengine.graph.falkor import EmbeddedServer, FalkorRunner


def fetch(client, url: str, encoding: str) -> tuple[float, int]:
    t = time.perf_counter()
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        size = sum(len(b) for b in r.iter_raw())
    assert r.status_code == 200, (url, r.status_code)
    return time.perf_counter() - t, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedServer(Path(tmp)).start()
        runner = FalkorRunner(server.socket_path, "bench_static")
        try:
            with Served(runner) as served:
                page = served.client.get("/graphql", headers={"Accept": "text/html"}).text
                links = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
                times = {(u, e): [] for u in links for e in ("identity", "gzip")}
                sizes = {}
                for _ in range(args.runs):
                    for u in links:
                        for e in ("identity", "gzip"):
                            dt, sizes[u, e] = fetch(served.client, u, e)
                            times[u, e].append(dt)
        finally:
            runner.close()
            server.stop()
    print(f"{'file':<55} {'identity ms':>11} {'gzip ms':>8} {'ratio':>6} {'bytes':>9} {'gzipped':>9}")
    for u in links:
        a, b = statistics.median(times[u, "identity"]), statistics.median(times[u, "gzip"])
        print(f"{u.split('?')[0]:<55} {a * 1000:11.1f} {b * 1000:8.1f} {b / a:6.2f} "
              f"{sizes[u, 'identity']:9,} {sizes[u, 'gzip']:9,}")
    build = (DIRECTORY / "vendor" / "graphiql" / "graphiql.min.js").read_bytes()
    level = {6: [], 9: []}
    out = {}
    for _ in range(args.runs):
        for lv in (6, 9):
            t = time.perf_counter()
            out[lv] = len(gzip.compress(build, lv))
            level[lv].append(time.perf_counter() - t)
    m6, m9 = statistics.median(level[6]), statistics.median(level[9])
    print(f"graphiql.min.js ({len(build):,} bytes) in-process: level 6 {m6 * 1000:.0f} ms → {out[6]:,} bytes; "
          f"level 9 {m9 * 1000:.0f} ms → {out[9]:,} bytes; time 9/6 {m9 / m6:.2f}, bytes 9/6 {out[9] / out[6]:.3f}")


if __name__ == "__main__":
    main()
