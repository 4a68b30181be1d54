"""What one call of each whole-district field of the Query type costs, in objects' worth.

    python benchmarks/bench_weights.py [--scale 40] [--rounds 5] [--dir DIR]

The cost estimate (api/cost.py) counts objects; a field that scans the district (coverage, a list's
`totalCount`) is one object there unless it has a weight. This measures, in-process (no HTTP), each
such call at district scope against the comparator in the same run: a page of 500 units with their
parents (1,001 objects). Rounds interleave the queries; medians; a call's "objects' worth" is its
median over the comparator's median time per object. Loads the demo district at `--scale` into a
temporary folder (or reuses `--dir`).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_api import ANY_UNIT, AS_OF, in_process

from redengine.demo import load_demo
from redengine.graph.falkor import EmbeddedServer, FalkorRunner

COMPARATOR = ("page of 500 units + parents", 1001,
              '{ organisations(asOf: "%s", first: 500) { nodes { id name parent { id } } } }' % AS_OF)
CALLS = [
    ("coverage (district)", '{ coverage(asOf: "%s") { villages villagesWithLiaison } }' % AS_OF),
    ("coverage with 500 gaps", '{ coverage(asOf: "%s") { gaps(first: 500) { totalCount nodes { kind } } } }' % AS_OF),
    ("organisations totalCount", '{ organisations(asOf: "%s", first: 0) { totalCount } }' % AS_OF),
    ("organisations nameContains totalCount", '{ organisations(asOf: "%s", first: 0, nameContains: "村") { totalCount } }' % AS_OF),
    ("people totalCount", '{ people(asOf: "%s", first: 0) { totalCount } }' % AS_OF),
    ("people LIAISON totalCount", '{ people(asOf: "%s", role: LIAISON, first: 0) { totalCount } }' % AS_OF),
    ("weakOrganisations totalCount", '{ weakOrganisations(asOf: "%s", first: 0) { totalCount } }' % AS_OF),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    data_dir = args.dir or Path(tempfile.mkdtemp(prefix="bench-weights-"))
    server = EmbeddedServer(data_dir).start()
    runner = FalkorRunner(server.socket_path, "bench", server=server)
    try:
        if not runner.read(ANY_UNIT):
            t = time.perf_counter()
            load_demo(runner, scale=args.scale)
            print(f"scale {args.scale:g}: demo loaded in {time.perf_counter() - t:.1f} s")
        gql = in_process(runner)
        queries = [(COMPARATOR[0], COMPARATOR[2])] + CALLS
        for _, q in queries:
            gql(q)  # warm up: plans cached
        times: dict[str, list[float]] = {name: [] for name, _ in queries}
        for _ in range(args.rounds):
            for name, q in queries:
                t = time.perf_counter()
                gql(q)
                times[name].append(time.perf_counter() - t)
        base = statistics.median(times[COMPARATOR[0]])
        per_object = base / COMPARATOR[1]
        print(f"scale {args.scale:g}, {args.rounds} interleaved rounds, medians; comparator: {COMPARATOR[0]} "
              f"{base * 1000:.1f} ms = {per_object * 1e6:.1f} µs an object")
        print("| call | median ms | ratio to the comparator | objects' worth |\n|---|---|---|---|")
        for name, _ in CALLS:
            m = statistics.median(times[name])
            print(f"| {name} | {m * 1000:.1f} | {m / base:.2f} | {m / per_object:,.0f} |")
    finally:
        runner.close()
        server.stop()


if __name__ == "__main__":
    main()
