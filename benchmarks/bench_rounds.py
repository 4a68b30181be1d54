"""The appointment check before and after appointment rounds (issue 11), side by side on the demo district.

    python benchmarks/bench_rounds.py [--scale 10] [--rounds 15]

Before: the statement as it was (records dated on or before D, no window flags) and the old per-village
rule (latest opinion, any notice). After: `queries.APPOINTMENT_CHECK` (recent/ended flags, `$window_from`)
and the service's rule (window, ended, 5 working days from the shipped table). Each round checks every
cadre with appointment records once with each, alternating which goes first; prints the medians per
check in ms and after/before, for the statement alone and for the whole check (statement + rule).
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
from redengine.domain import appointment as rule
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.graph.statements import read as statement
from redengine.services import queries as Q
from redengine.services.appointment import appointment_check

CADRES = statement("bench.rounds.cadres", "MATCH (o:Opinion)-[:ABOUT]->(p:Person) RETURN DISTINCT p.id AS id ORDER BY id")
#: the statement before issue 11 (text of api.appointment_check at main 1e7d820)
OLD_CHECK = statement("bench.old.api.appointment_check", Q.APPOINTMENT_CHECK.cypher
                      .replace(f",\n               recent: {rule.opinion_recent('o')}", "")
                      .replace(f",\n               recent: {rule.notice_recent('n')}, ended: {rule.notice_ended('n')}", ""))


def old_check(runner, person: str, as_of) -> list:
    """The old service's rule: the latest opinion decides, any notice posted by D covers the village."""
    out = []
    for r in runner.read(OLD_CHECK, {"person": person, "as_of": as_of}):
        if r["unit"] is None:
            continue
        opinion = rule.deciding(sorted(r["opinions"] or [], key=lambda o: (o["date"], o["id"])), "date")
        out.append((opinion is None, not r["notices"]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)
    assert "recent" not in OLD_CHECK.cypher and "window_from" not in OLD_CHECK.cypher
    with tempfile.TemporaryDirectory(prefix="bench-rounds-") as tmp:
        server = EmbeddedServer(Path(tmp)).start()
        runner = FalkorRunner(server.socket_path, "bench", server=server)
        try:
            load_demo(runner, scale=args.scale)
            cadres = [r["id"] for r in runner.read(CADRES)]
            d = DEFAULT_AS_OF
            since = rule.window_from(d)
            pairs = {
                "statement": (lambda p: runner.read(OLD_CHECK, {"person": p, "as_of": d}),
                              lambda p: runner.read(Q.APPOINTMENT_CHECK, {"person": p, "as_of": d, "window_from": since})),
                "whole check": (lambda p: old_check(runner, p, d), lambda p: appointment_check(runner, p, d)),
            }
            print(f"scale {args.scale:g}: {len(cadres)} cadres × {args.rounds} rounds, before and after interleaved")
            print(f"{'what':<14} {'before ms':>10} {'after ms':>10} {'after/before':>13}")
            for label, (before, after) in pairs.items():
                times: dict[str, list[float]] = {"before": [], "after": []}
                for r in range(args.rounds):
                    order = (("before", before), ("after", after)) if r % 2 == 0 else (("after", after), ("before", before))
                    for key, fn in order:
                        for p in cadres:
                            t = time.perf_counter()
                            fn(p)
                            times[key].append(time.perf_counter() - t)
                mb, ma = statistics.median(times["before"]) * 1000, statistics.median(times["after"]) * 1000
                print(f"{label:<14} {mb:>10.3f} {ma:>10.3f} {ma / mb:>13.2f}")
        finally:
            runner.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
