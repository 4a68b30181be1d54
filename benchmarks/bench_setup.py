"""Set-up cost of the demo district on the embedded engine: generate the rosters, load them, and the
engine's memory afterwards.

    python benchmarks/bench_setup.py [--scales 1,40] [--runs 5] [--big-runs 1] [--profile]

Each run uses a fresh data directory and a fresh embedded server. "load" is what `load_demo` does
after generating: apply the schema and load the five rosters with `load_rosters`. Scales above 1
(40 ≈ a province: ~26,000 villages) run --big-runs times, the others --runs times; the table shows
medians. --profile prints where the load time goes at the largest scale (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from redengine.demo import generate_rosters
from redengine.demo.district import DEFAULT_AS_OF, KINDS
from redengine.graph.apply import apply_schema
from redengine.graph.falkor import EmbeddedServer, FalkorRunner
from redengine.loaders import load_rosters

MB = 1024 * 1024


class TimedRunner(FalkorRunner):
    """The embedded runner, timing each statement (engine call, parameter encoding and reply parsing)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.spent: dict[str, list[float]] = {}  # statement name → [seconds, calls, rows returned]

    def _run(self, statement, params, read_only):
        t = time.perf_counter()
        rows = super()._run(statement, params, read_only)
        s = self.spent.setdefault(statement.name, [0.0, 0, 0])
        s[0] += time.perf_counter() - t
        s[1] += 1
        s[2] += len(rows)
        return rows


def one_run(scale: float, seed: int, profile: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        paths = generate_rosters(tmp / "rosters", seed=seed, scale=scale)
        t1 = time.perf_counter()
        server = EmbeddedServer(tmp / "data").start()
        runner = TimedRunner(server.socket_path, "bench", server=server)
        prof = cProfile.Profile() if profile else None
        try:
            t2 = time.perf_counter()
            if prof:
                prof.enable()
            marks: list[tuple[str, float]] = []
            reports = _load(runner, [paths[k] for k in KINDS],
                            lambda r: marks.append((r.kind, time.perf_counter())))
            if prof:
                prof.disable()
            t3 = time.perf_counter()
            mem = runner.memory()
            rows = sum(r.rows for r in reports)
        finally:
            runner.close()
        per_kind, last = {}, t2
        for kind, at in marks:
            per_kind[kind], last = at - last, at
        out = {"generate": t1 - t0, "load": t3 - t2, "rows": rows, "used_memory": mem["used_memory"],
               "used_memory_rss": mem["used_memory_rss"], "round_trips": runner.round_trips,
               "per_kind": per_kind, "statements": runner.spent}
        if prof:
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(30)
            out["profile"] = s.getvalue()
        return out


def _load(runner, paths, on_report):
    """What load_demo does once the rosters are written."""
    apply_schema(runner)
    return load_rosters(runner, paths, as_of=DEFAULT_AS_OF, who="bench", on_report=on_report)


def _print_detail(run: dict) -> None:
    """Where one load's time went: each roster kind (its file read is in the first), then the slowest statements."""
    print("per roster kind (s): " + ", ".join(f"{k} {v:.2f}" for k, v in run["per_kind"].items()))
    engine = sum(s[0] for s in run["statements"].values())
    print(f"in runner calls: {engine:.2f}s of {run['load']:.2f}s (the rest: reading files, checking, planning in Python)")
    print(f"{'statement':<40} {'s':>7} {'calls':>6} {'rows back':>10}")
    for name, (secs, calls, rows) in sorted(run["statements"].items(), key=lambda kv: -kv[1][0])[:15]:
        print(f"{name:<40} {secs:>7.2f} {calls:>6} {rows:>10,}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,40", help="comma-separated scales (default 1,40)")
    ap.add_argument("--runs", type=int, default=5, help="runs at scales up to 1 (default 5)")
    ap.add_argument("--big-runs", type=int, default=1, help="runs at scales above 1 (default 1)")
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--profile", action="store_true", help="profile the load at the largest scale")
    ap.add_argument("--detail", action="store_true",
                    help="per roster kind and per statement times of the first run at the largest scale")
    args = ap.parse_args()
    scales = [float(s) for s in args.scales.split(",")]
    table = []
    for scale in scales:
        n = args.runs if scale <= 1 else args.big_runs
        runs = []
        for i in range(n):
            profile = args.profile and scale == max(scales) and i == 0
            runs.append(one_run(scale, args.seed, profile))
            print(f"scale {scale:g} run {i + 1}/{n}: generate {runs[-1]['generate']:.2f}s, load {runs[-1]['load']:.2f}s",
                  file=sys.stderr, flush=True)
            if "profile" in runs[-1]:
                print(runs[-1]["profile"])
            if args.detail and scale == max(scales) and i == 0:
                _print_detail(runs[-1])
        med = {k: statistics.median(r[k] for r in runs) for k in ("generate", "load", "used_memory", "used_memory_rss")}
        table.append((scale, n, runs[0]["rows"], med, runs[0]["round_trips"]))

    print(f"\ndemo set-up on embedded FalkorDB (medians; python peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    head = f"{'scale':>6} {'runs':>4} {'rows':>9} {'generate s':>10} {'load s':>8} {'total s':>8} {'rows/s':>8} {'trips':>6} {'used MB':>8} {'rss MB':>7}"
    print(head)
    print("-" * len(head))
    for scale, n, rows, m, trips in table:
        total = m["generate"] + m["load"]
        print(f"{scale:>6g} {n:>4} {rows:>9,} {m['generate']:>10.2f} {m['load']:>8.2f} {total:>8.2f} "
              f"{rows / m['load']:>8,.0f} {trips:>6} {m['used_memory'] / MB:>8.1f} {m['used_memory_rss'] / MB:>7.1f}")


if __name__ == "__main__":
    main()
