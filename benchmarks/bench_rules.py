"""The statements whose rule fragment the domain core changed, against the same statements with the
fragment as it was written before (text copied from the earlier copies), side by side on the demo district.

    python benchmarks/bench_rules.py [--scale 10] [--rounds 15] [--n 20]

Each round runs every pair (old, new) `n` times each, alternating which goes first; prints the
medians over all runs in ms and new/old. Pairs:
  - weak cases page: status as of D, `case_status` (a lifting date decides) vs the old CASE;
  - strong peers (以强带弱) of weak villages: `case_open` vs the old open-case test;
  - district leaders and their township counts: `district_seat` (the district exists on D too) vs
    a membership that holds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from redengine.demo import load_demo
from redengine.demo.district import DEFAULT_AS_OF
from redengine.domain.cases import case_open, case_status
from redengine.domain.leaders import district_seat
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import Statement
from redengine.graph.statements import read as statement
from redengine.services import queries as Q

AS_OF = DEFAULT_AS_OF.isoformat()
OLD_CASE_STATUS = ("CASE WHEN w.status = 'lifted' AND coalesce(w.lifted_on, w.flagged_on) <= date($as_of) "
                   "THEN 'lifted' ELSE 'rectifying' END")
OLD_OPEN_CASE = ("w.flagged_on <= date($as_of) AND NOT (w.status = 'lifted' AND "
                 "coalesce(w.lifted_on, w.flagged_on) <= date($as_of))")
OLD_SEAT = "(m.from <= date($as_of) AND (m.to IS NULL OR date($as_of) < m.to))"
WEAK_UNITS = statement("bench.weak_units", "MATCH (w:WeakCase)-[:CONCERNS]->(u:Unit) RETURN DISTINCT u.id AS id ORDER BY id")


def _old(new: Statement, fragment: str, old: str) -> Statement:
    assert fragment in new.cypher, (new.name, fragment)
    return statement(f"bench.old.{new.name}", new.cypher.replace(fragment, old))


def pairs(runner) -> list[tuple[str, Statement, Statement, dict]]:
    weak = [r["id"] for r in runner.read(WEAK_UNITS)]
    return [
        ("weak cases page (status as of D)", _old(Q.WEAK_PAGE, case_status("w"), OLD_CASE_STATUS), Q.WEAK_PAGE,
         {"as_of": AS_OF, "status": None, "skip": 0, "limit": 500}),
        (f"strong peers of {len(weak)} weak units", _old(Q.STRONG_PEERS, case_open("w"), OLD_OPEN_CASE), Q.STRONG_PEERS,
         {"as_of": AS_OF, "ids": weak}),
        ("district leaders, townships each", _old(Q.COVERAGE_LEADERS, district_seat("m", "d"), OLD_SEAT), Q.COVERAGE_LEADERS,
         {"as_of": AS_OF, "district": None}),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--n", type=int, default=20, help="runs of each statement per round")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
        server = EmbeddedServer(Path(tmp)).start()
        runner = FalkorRunner(server.socket_path, "bench", server=server)
        try:
            load_demo(runner, scale=args.scale)
            print(f"scale {args.scale:g}: {args.rounds} rounds × {args.n} runs of each, old and new interleaved")
            print(f"{'statement':<40} {'rows':>6} {'old ms':>8} {'new ms':>8} {'new/old':>8}")
            for label, old, new, params in pairs(runner):
                rows_old, rows_new = runner.read(old, params), runner.read(new, params)
                times: dict[str, list[float]] = {"old": [], "new": []}
                for r in range(args.rounds):
                    order = (("old", old), ("new", new)) if r % 2 == 0 else (("new", new), ("old", old))
                    for key, st in order:
                        for _ in range(args.n):
                            t = time.perf_counter()
                            runner.read(st, params)
                            times[key].append(time.perf_counter() - t)
                mo, mn = statistics.median(times["old"]) * 1000, statistics.median(times["new"]) * 1000
                same = "" if len(rows_old) == len(rows_new) else f"  (rows old {len(rows_old)})"
                print(f"{label:<40} {len(rows_new):>6} {mo:>8.3f} {mn:>8.3f} {mn / mo:>8.2f}{same}")
        finally:
            runner.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
