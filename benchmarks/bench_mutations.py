"""Latency of the write API over HTTP against the same writes through the store, on the demo district.

    python benchmarks/bench_mutations.py [--scale 1] [--n 200] [--runs 3] [--data-dir DIR]

Loads the demo district (scale 1 by default; writes are indexed lookups, so the size matters
little) into a fresh embedded engine, serves the app with uvicorn on a local port, and over HTTP
with an admin token (httpx, one keep-alive connection) times:
  - `{ __typename }`: the floor of any request (HTTP, auth's token lookup, GraphQL);
  - recordOpinion for liaison cadres' villages (validation read + upsert + audit entry);
  - startLiaison then endLiaison of one cadre and a village it does not liaise with;
against the same mutation path without HTTP and GraphQL (`commands.execute` of the planner: the
validation read, then the one statement that re-checks, writes and audits, redengine/services/atomic.py), and that
statement alone. Prints the median and p99 in ms of each, over --runs runs, and API/raw.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_common import Served, ms, timed

from redengine.api.context import Principal, RoleName
from redengine.demo import load_demo
from redengine.graph import gate, records
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import read as statement
from redengine.schema.model import Conclusion
from redengine.services import atomic, audit, commands

PAIRS = statement(
    "bench.liaison_pairs",
    "MATCH (p:Person)-[l:LIAISES_WITH]->(u:Unit) WHERE l.to IS NULL RETURN p.id AS person, u.id AS unit ORDER BY person, unit",
)
OPINION = """mutation($p: ID!, $u: ID!, $d: Date!) {
  recordOpinion(input: {personId: $p, unitId: $u, date: $d, conclusion: FOR, docNo: "bench"}) { ok errors { code } } }"""
START = """mutation($p: ID!, $u: ID!, $d: Date!) { startLiaison(personId: $p, unitId: $u, from: $d) { ok errors { code } } }"""
END = """mutation($p: ID!, $u: ID!, $d: Date!) { endLiaison(personId: $p, unitId: $u, to: $d) { ok errors { code } } }"""


def day(i: int, run: int) -> str:
    """A distinct date per call, so each opinion is a new record."""
    base = 2030 + run
    return f"{base + i // 336}-{i // 28 % 12 + 1:02d}-{i % 28 + 1:02d}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data-dir", type=Path)
    args = ap.parse_args(argv)
    base = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-mutations-"))
    server = EmbeddedServer(base / f"scale-{args.scale:g}").start()
    runner = FalkorRunner(server.socket_path, "bench_mutations")
    try:
        runner.delete_graph()
        t = time.perf_counter()
        load_demo(runner, scale=args.scale)
        print(f"scale {args.scale:g}: demo loaded in {time.perf_counter() - t:.1f} s")
        pairs = runner.read(PAIRS)
        people = sorted({p["person"] for p in pairs})
        liaised = {(p["person"], p["unit"]) for p in pairs}
        units = sorted({p["unit"] for p in pairs})
        free = [(p, u) for p in people[:50] for u in units[:50] if (p, u) not in liaised][: args.n]
        admin = Principal("bench", "bench", RoleName.ADMIN)

        served = Served(runner).__enter__()
        gql = served.gql

        def raw_opinion(p, u, d):
            out = commands.execute(runner, admin, lambda: commands.plan_record_opinion(
                runner, admin, p, u, dt.date.fromisoformat(d), Conclusion.FOR, "bench"))
            if out.errors:
                raise SystemExit(f"store error: {out.errors}")

        def raw_upsert_only(p, u, d):
            row = {"id": records.opinion_id(p, u, d), "person_id": p, "unit_id": u, "date": d, "conclusion": "for",
                   "doc_no": "bench", "source": "bench"}
            params = gate.guard_params() | {"rows": [row]} | audit.fields(admin, "bench", row["id"])
            if not runner.write(atomic.UPSERT_OPINION, params)[0]["opinions"]:
                raise SystemExit("the upsert wrote nothing")

        results: dict[str, list[float]] = {k: [] for k in (
            "ping", "opinion api", "opinion store", "opinion statement only", "start+end liaison api")}
        n = min(args.n, len(pairs))
        for run in range(args.runs):
            results["ping"] += timed(lambda i: gql("{ __typename }"), n)
            results["opinion api"] += timed(lambda i: gql(OPINION, p=pairs[i]["person"], u=pairs[i]["unit"], d=day(i, run)), n)
            results["opinion store"] += timed(lambda i: raw_opinion(pairs[i]["person"], pairs[i]["unit"], day(i, run + 10)), n)
            results["opinion statement only"] += timed(
                lambda i: raw_upsert_only(pairs[i]["person"], pairs[i]["unit"], day(i, run + 20)), n)

            def start_end(i):
                p, u = free[i % len(free)]
                gql(START, p=p, u=u, d=f"{2040 + run}-01-01")
                gql(END, p=p, u=u, d=f"{2040 + run}-06-01")
            results["start+end liaison api"] += timed(start_end, min(n, len(free)))
        served.__exit__(None, None, None)

        print(f"{'what':<28} {'median ms':>10} {'p99 ms':>8}   ({args.runs} runs x {n})")
        for name, xs in results.items():
            med, p99 = ms(xs)
            print(f"{name:<28} {med:>10.2f} {p99:>8.2f}")
        api, raw = statistics.median(results["opinion api"]), statistics.median(results["opinion store"])
        print(f"recordOpinion API/store (median): {api / raw:.2f}")
    finally:
        runner.delete_graph()
        runner.close()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
