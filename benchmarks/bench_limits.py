"""What the request limits cost: the cost estimate against the execution it guards, and the whole
limited schema against the schema as it was before the limits (in-process GraphQL, no HTTP).

    python benchmarks/bench_limits.py [--scale 1] [--rounds 30] [--data-dir DIR]

Loads the demo district into a fresh embedded engine (or reuses DIR/scale-N), then runs interleaved
rounds (a garbage collection before each timed run, so that no run pays for the one before);
each round times, on the same warm engine:
  - `estimate()` of the 650-village query's page (500 villages, nested) on its parsed document, as
    the cost check does on every request (the document comes from the cache);
  - that page executed by the limited schema (cost check, size checks, counting executor, byte-bounded
    document cache) and by the schema as before (strawberry's ParserCache and ValidationCache, plain
    executor, no cost or size checks);
  - the same pair for one appointmentCheck (a small request, where a fixed overhead shows most).
With --fan-out, also issue 9's fan-out from a township (three nested `children(first: 500)`) as a
township token, once each: refused by the cost limit (default limits), stopped by the object cap
(cost limit lifted), and run to the end (both lifted: what it did before the limits).
Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import strawberry
from bench_api import ANY_UNIT, CHECK, DISTRICT, VILLAGES
from graphql import parse
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)

from redengine.api import limits
from redengine.api.characters import RefuseUnstorableText
from redengine.api.context import Context, Principal, RoleName
from redengine.api.cost import estimate
from redengine.api.engine_errors import MaskErrorsNamingTheEngine
from redengine.api.mutations import Mutation
from redengine.api.schema import Query, build_schema
from redengine.config import ApiLimits
from redengine.demo import load_demo
from redengine.demo.district import DEFAULT_AS_OF
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.services import queries as Q

AS_OF = DEFAULT_AS_OF.isoformat()


def schema_before_limits() -> strawberry.Schema:
    """The schema with the extensions it had before the cost and size limits (the comparator)."""
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=[
        lambda: MaxTokensLimiter(max_token_count=limits.MAX_TOKENS),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(limits._RULES),
        lambda: ValidationCache(maxsize=512),
        RefuseUnstorableText,
        lambda: MaskErrorsNamingTheEngine(should_mask_error=limits.should_mask),
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--data-dir", type=Path, help="keep the loaded graph here (scale-N folder) to reuse it")
    ap.add_argument("--fan-out", action="store_true", help="also time issue 9's fan-out (runs it once unlimited)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as tmp:
        server = EmbeddedServer((args.data_dir or Path(tmp)) / f"scale-{args.scale:g}").start()
        runner = FalkorRunner(server.socket_path, "bench", server=server)
        try:
            return run(runner, args)
        finally:
            runner.close()


def run(runner, args) -> int:
    if not runner.read(ANY_UNIT):
        load_demo(runner, scale=args.scale)
    page = runner.read(Q.PEOPLE_PAGE_WITH["LIAISES_WITH"], {"as_of": AS_OF, "skip": 0, "limit": 1})[0]
    cadre = page["page"][0]["id"]
    loop = asyncio.new_event_loop()
    after, before = build_schema(), schema_before_limits()
    villages_doc = parse(VILLAGES)

    def execute(schema, query, **variables):
        ctx = Context(runner, Principal("bench", "bench", RoleName.ADMIN))
        result = loop.run_until_complete(schema.execute(query, variable_values=variables, context_value=ctx))
        if result.errors:
            raise SystemExit(f"API error: {result.errors}")

    def pair(query: str, rounds: int, **variables) -> dict[str, float]:
        """Medians (ms) of the limited and the former schema, interleaved, alternating which goes first:
        wall time, and this process's CPU time (the engine is another process; the CPU time is the
        API's own work and is less disturbed by other work on the machine)."""
        out: dict[str, list[float]] = {"after wall": [], "before wall": [], "after cpu": [], "before cpu": []}
        schemas = {"after": after, "before": before}
        for _ in range(3):
            execute(after, query, **variables), execute(before, query, **variables)
        for i in range(rounds):
            for k in ("after", "before") if i % 2 else ("before", "after"):
                gc.collect()  # each run starts from a clean heap, not with the garbage of the one before
                t, c = time.perf_counter(), time.process_time()
                execute(schemas[k], query, **variables)
                out[f"{k} cpu"].append(time.process_time() - c)
                out[f"{k} wall"].append(time.perf_counter() - t)
        return {k: statistics.median(v) * 1000 for k, v in out.items()}

    est = []
    for _ in range(args.rounds * 10):
        t = time.perf_counter()
        estimate(after._schema, villages_doc, {"d": AS_OF})
        est.append(time.perf_counter() - t)
    est_ms = statistics.median(est) * 1000
    page = pair(VILLAGES, args.rounds, d=AS_OF)
    check = pair(CHECK, args.rounds * 20, p=cadre, d=AS_OF)
    print(f"scale {args.scale:g}, medians in ms (in-process GraphQL, warm; pairs interleaved)")
    if args.fan_out:
        fan_out(runner, after, loop)
    print(f"  estimate of the 650-village page: {est_ms:.3f} ({args.rounds * 10} runs); "
          f"estimate / page execution {est_ms / page['after wall']:.5f}")
    for name, m, n in (("650-village page (500)", page, args.rounds), ("appointmentCheck", check, args.rounds * 20)):
        print(f"  {name:<24} limited / before: wall {m['after wall']:8.3f} / {m['before wall']:8.3f} "
              f"(ratio {m['after wall'] / m['before wall']:.3f}); API CPU {m['after cpu']:8.3f} / "
              f"{m['before cpu']:8.3f} (ratio {m['after cpu'] / m['before cpu']:.3f})  [{n} rounds]")
    return 0


FAN_OUT = """query($t: ID!) { organisation(id: $t) { children(first: 500) { nodes { parent { children(first: 500) {
  nodes { parent { children(first: 500) { nodes { parent { id } } } } } } } } } } }"""


def fan_out(runner, schema, loop) -> None:
    district = runner.read(DISTRICT)[0]["id"]
    town = runner.read(Q.COVERAGE_TOWNSHIPS_SCOPED, {"as_of": AS_OF, "scope": district})[0]["u_id"]
    who = Principal("bench", "bench", RoleName.TOWNSHIP, town)
    lifted = 10**12
    for name, lim in (("refused by the cost limit", ApiLimits()),
                      ("stopped by the object cap", ApiLimits(max_cost=lifted)),
                      ("unlimited (as before)", ApiLimits(max_cost=lifted, max_objects=lifted))):
        ctx = Context(runner, who, limits=lim)
        trips, t = runner.round_trips, time.perf_counter()
        result = loop.run_until_complete(schema.execute(FAN_OUT, variable_values={"t": town}, context_value=ctx))
        took = time.perf_counter() - t
        code = result.errors[0].extensions.get("code") if result.errors else "answered"
        print(f"  fan-out from township {town}, {name:<26} {took * 1000:10.1f} ms, {runner.round_trips - trips:4} engine "
              f"trips: {code}")


if __name__ == "__main__":
    sys.exit(main())
