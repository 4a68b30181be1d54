"""Latency of the read API over HTTP against the same questions as raw Cypher, on the demo district.

    python benchmarks/bench_api.py [--scales 1,40] [--checks 300] [--coverages 20] [--big-coverages 8]
                                   [--data-dir DIR]

For each scale: load the demo district into a fresh embedded engine (or reuse DIR/scale-N if it
already holds it), serve the app (redengine.api.app.create_app) with uvicorn on a local port, and
ask over HTTP with an admin bearer token (httpx, one keep-alive connection):
  - appointmentCheck for liaison cadres in turn (the full check: villages, opinions, notices,
    blockers, warnings, verdict) vs the check's one Cypher statement run through the runner;
  - coverage of the district (counts and up to 500 gaps) vs its statements run through the runner;
  - the nested query over the first 650 villages (township, composite committee and its
    secretary, liaison cadres, commissioner), paged 500 at a time, with the engine round trips.
Prints medians and p99s in ms, and API/raw ratios. Aims (issue 3): appointmentCheck p99 < 20 ms and
API/raw < 2 at scale 40; district coverage < 1 s at scale 40.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from bench_common import Served, ms, timed

from redengine.demo import load_demo
from redengine.demo.district import DEFAULT_AS_OF
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import read as statement
from redengine.services import coverage
from redengine.services import queries as Q

AS_OF = DEFAULT_AS_OF.isoformat()
ANY_UNIT = statement("bench.any_unit", "MATCH (u:Unit) RETURN u.id AS id LIMIT 1")
DISTRICT = statement("bench.district", "MATCH (u:Unit) WHERE u.kind = 'district' RETURN u.id AS id ORDER BY id LIMIT 1")

CHECK = """query($p: ID!, $d: Date) { appointmentCheck(personId: $p, asOf: $d) {
  verdict person { id name }
  villages { unit { id name } from opinion { date conclusion docNo } notice { from to } }
  blockers { kind unit { id } } warnings { kind unit { id } } } }"""
COVERAGE = """query($s: ID, $d: Date) { coverage(scope: $s, asOf: $d) {
  townships townshipsWithLeader leaders villages villagesWithComposite villagesWithLiaison
  villagesWithCommissioner composites compositesWithSecretary
  gaps(first: 500) { totalCount nodes { kind unit { id name } person { id name } count } } } }"""
VILLAGES = """query($after: String, $d: Date) { organisations(kind: [VILLAGE, COMMUNITY], asOf: $d, first: 500, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id name parent { id name } compositeCommittee { id name secretary { person { name } } }
          liaisonCadres { nodes { from person { id name } } } commissioner { person { name } } } } }"""


def in_process(runner):
    """Run a query through the schema without HTTP or auth (to show where the API's time goes)."""
    import asyncio

    from redengine.api.context import Context, Principal, RoleName
    from redengine.api.schema import build_schema

    schema, loop = build_schema(), asyncio.new_event_loop()

    def run(query: str, **variables):
        ctx = Context(runner, Principal("bench", "bench", RoleName.ADMIN))
        result = loop.run_until_complete(schema.execute(query, variable_values=variables, context_value=ctx))
        if result.errors:
            raise SystemExit(f"API error: {result.errors}")
    return run


def raw_coverage(runner, district: str) -> None:
    """The coverage questions as the raw statements, in the order the service asks them."""
    p = {"as_of": AS_OF}
    towns = [r["u_id"] for r in runner.read(Q.COVERAGE_TOWNSHIPS_SCOPED, {**p, "scope": district})]
    runner.read(Q.COVERAGE_LEADERS, {**p, "district": district})
    runner.read(Q.COVERAGE_COMPOSITES, {**p, "townships": towns})
    if len(towns) <= coverage.SET_BASED_TOWNSHIPS:
        runner.read(Q.COVERAGE_VILLAGES, {**p, "townships": towns})
        return
    villages = set(runner.read(Q.COVERAGE_VILLAGE_IDS, {**p, "townships": towns})[0]["ids"])
    facts = [set(r["ids"]) for r in runner.read(Q.COVERAGE_VILLAGE_FACTS, p)]
    short = [v for v in villages if not all(v in f for f in facts)]
    runner.read(Q.UNITS, {**p, "ids": short})


def bench_scale(scale: float, args, base: Path) -> list[tuple]:
    data_dir = base / f"scale-{scale:g}"
    server = EmbeddedServer(data_dir).start()
    runner = FalkorRunner(server.socket_path, "bench", server=server)
    rows = []
    try:
        if not runner.read(ANY_UNIT):
            t = time.perf_counter()
            load_demo(runner, scale=scale)
            print(f"scale {scale:g}: demo loaded in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        district = runner.read(DISTRICT)[0]["id"]
        page = runner.read(Q.PEOPLE_PAGE_WITH["LIAISES_WITH"], {"as_of": AS_OF, "skip": 0, "limit": 100_000})[0]
        cadres = random.Random(2017).sample([p["id"] for p in page["page"]], 50)
        with Served(runner) as api:
            for i in range(10):  # warm up both paths
                api.gql(CHECK, p=cadres[i], d=AS_OF)
                runner.read(Q.APPOINTMENT_CHECK, {"person": cadres[i], "as_of": AS_OF})
            gql = in_process(runner)
            check_api = timed(lambda i: api.gql(CHECK, p=cadres[i % len(cadres)], d=AS_OF), args.checks)
            check_gql = timed(lambda i: gql(CHECK, p=cadres[i % len(cadres)], d=AS_OF), args.checks)
            check_raw = timed(lambda i: runner.read(Q.APPOINTMENT_CHECK, {"person": cadres[i % len(cadres)], "as_of": AS_OF}),
                              args.checks)
            rows.append((scale, "appointmentCheck", args.checks, *ms(check_api), *ms(check_raw)))
            rows.append((scale, "  same, GraphQL in-process (no HTTP)", args.checks, *ms(check_gql), *ms(check_raw)))

            n = args.coverages if scale <= 1 else args.big_coverages
            api.gql(COVERAGE, s=district, d=AS_OF)
            cov_api = timed(lambda i: api.gql(COVERAGE, s=district, d=AS_OF), n)
            cov_raw = timed(lambda i: raw_coverage(runner, district), n)
            rows.append((scale, "coverage (district)", n, *ms(cov_api), *ms(cov_raw)))

            def villages(_i):
                seen, after = 0, None
                while seen < 650:
                    conn = api.gql(VILLAGES, after=after, d=AS_OF)["organisations"]
                    seen += len(conn["nodes"])
                    if not conn["pageInfo"]["hasNextPage"]:
                        break
                    after = conn["pageInfo"]["endCursor"]
            before = runner.round_trips
            villages(0)
            trips = runner.round_trips - before
            nested = timed(villages, 5)
            rows.append((scale, f"650 villages nested ({trips} engine trips)", 5, *ms(nested), None, None))
    finally:
        runner.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,40")
    ap.add_argument("--checks", type=int, default=300, help="appointment checks per scale")
    ap.add_argument("--coverages", type=int, default=20, help="district coverages at scale <= 1")
    ap.add_argument("--big-coverages", type=int, default=8, help="district coverages at larger scales")
    ap.add_argument("--data-dir", type=Path, help="keep the loaded graphs here (scale-N folders) to reuse them")
    args = ap.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        base = args.data_dir or Path(tmp)
        for scale in scales:
            rows += bench_scale(scale, args, base)
    head = f"{'scale':>5}  {'question':<38} {'n':>4}  {'API med':>8} {'API p99':>8}  {'raw med':>8} {'raw p99':>8}  {'ratio':>5}"
    print(head)
    print("-" * len(head))
    for scale, q, n, am, ap99, rm, rp99 in rows:
        raw = f"{rm:8.2f} {rp99:8.2f}  {am / rm:5.1f}" if rm else f"{'':8} {'':8}  {'':5}"
        print(f"{scale:>5g}  {q:<38} {n:>4}  {am:8.2f} {ap99:8.2f}  {raw}")
    print("times in ms; API = over HTTP (uvicorn, keep-alive, bearer token); raw = the same Cypher through the runner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
